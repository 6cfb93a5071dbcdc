// SPDX-License-Identifier: MIT
#include "repo/gitutil.h"

#include "repo/repolog.h"

#include <mutex>

namespace reposcope::repo::git {

void ensureInit() {
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        if (git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0) < 0)
            qCWarning(lcRepo) << "could not turn off libgit2 owner validation";
    });
}

Error lastError(Error::Code code, const QString &what, const QString &advice) {
    const git_error *err = git_error_last();
    const QString detail = err && err->message ? QString::fromUtf8(err->message)
                                               : QStringLiteral("unknown libgit2 error");
    QString message = what + QStringLiteral(": ") + detail;
    if (!advice.isEmpty())
        message += QStringLiteral(". ") + advice;
    return Error::make(code, message);
}

QString shortSha(const git_oid &oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, 8, &oid);
    return QString::fromLatin1(buf);
}

} // namespace reposcope::repo::git
