// SPDX-License-Identifier: MIT
#pragma once

#include "security/secrets/secrethit.h"
#include "security/secrets/secretrule.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace reposcope::security::secrets {

// Finds secrets in texts with a RuleSet: a keyword pre-filter picks the rules whose keywords
// occur, their PCRE2 patterns (JIT-compiled) find candidates, and each rule's validators
// (entropy, checksums, placeholders, context) drop the false ones. Where hits overlap, a
// specific rule wins over a generic one, then the longer hit.
//
// Construction compiles every pattern (a few milliseconds): build one and share it. After
// that it is immutable, and scan() may run on any number of threads at once (match state is
// per call and per thread). Texts are bytes; patterns are ASCII, so any encoding that keeps
// ASCII as ASCII (UTF-8, Latin-1) is scanned as it is.
class SecretScanner {
public:
    explicit SecretScanner(const RuleSet &rules);
    ~SecretScanner();
    SecretScanner(const SecretScanner &) = delete;
    SecretScanner &operator=(const SecretScanner &) = delete;

    // Rules that were left out because their pattern does not compile, one line each.
    const QStringList &problems() const;
    const RuleSet &rules() const;

    // The secrets in `text`, in order of position; offsets are bytes. `path` (relative,
    // '/'-separated) is copied into the hits and matched by rules that name paths.
    QList<SecretHit> scan(QByteArrayView text, QByteArrayView path = {}) const;
    // The same for a QString; offsets and columns are UTF-16 code units of `text`.
    QList<SecretHit> scan(const QString &text, QByteArrayView path = {}) const;

private:
    struct Data;
    std::unique_ptr<Data> m_data;
};

} // namespace reposcope::security::secrets
