// SPDX-License-Identifier: MIT
#include "repo/scantypes.h"

#include <algorithm>

namespace reposcope::repo {

QString exclusionLabel(Exclusion reason) {
    switch (reason) {
    case Exclusion::None:
        return {};
    case Exclusion::GitDir:
        return QStringLiteral(".git");
    case Exclusion::Binary:
        return QStringLiteral("binary");
    case Exclusion::TooLarge:
        return QStringLiteral("over size cap");
    case Exclusion::LockFile:
        return QStringLiteral("lock file");
    case Exclusion::Generated:
        return QStringLiteral("generated/minified");
    case Exclusion::Vendored:
        return QStringLiteral("vendored");
    case Exclusion::UserExcluded:
        return QStringLiteral("excluded by your globs");
    case Exclusion::Unreadable:
        return QStringLiteral("unreadable");
    case Exclusion::Symlink:
        return QStringLiteral("symlink (not followed)");
    case Exclusion::SubmoduleEntry:
        return QStringLiteral("submodule");
    case Exclusion::SecretFile:
        return QStringLiteral("secret file");
    }
    return {};
}

bool isNull(const ObjectId &id) {
    return std::all_of(id.begin(), id.end(), [](uint8_t b) { return b == 0; });
}

QString toHex(const ObjectId &id) {
    static const char digits[] = "0123456789abcdef";
    QString out(int(id.size()) * 2, Qt::Uninitialized);
    for (size_t i = 0; i < id.size(); ++i) {
        out[int(2 * i)] = QLatin1Char(digits[id[i] >> 4]);
        out[int(2 * i + 1)] = QLatin1Char(digits[id[i] & 0xF]);
    }
    return out;
}

} // namespace reposcope::repo
