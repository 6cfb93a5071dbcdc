// SPDX-License-Identifier: MIT
#pragma once

#include "security/secrets/secretrule.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace reposcope::security::secrets {

// One secret found in a text. Never holds the secret itself: only where it is, which rule
// found it, a masked preview and a fingerprint.
struct SecretHit {
    QString ruleId;
    QString description;
    Severity severity = Severity::High;
    QByteArray path; // as given to the scan
    // Where the secret is, [begin, end): bytes for a scan of bytes, UTF-16 code units for a
    // scan of a QString. Lines are 1-based; the column is 1-based in the same units.
    qsizetype begin = 0;
    qsizetype end = 0;
    int line = 0;
    int column = 0;
    int endLine = 0; // the line of the secret's last character
    QString masked;  // e.g. "AKIA…7Q": never enough of the secret to use it
    // SHA-256 (hex) of path, rule id and secret, each followed by a NUL: what an allow list
    // stores instead of the secret.
    QByteArray fingerprint;
    bool operator==(const SecretHit &) const = default;
};

// The preview shown for a secret: its first characters and last two joined by "…" (fewer
// for short secrets, none below 8 characters); for a PEM or PuTTY key, its first line.
QString maskSecret(QByteArrayView secret);

// The marker a redacted secret is replaced with: "«redacted:RULE-ID»".
QString redactionMarker(const QString &ruleId);

// `text` with every hit replaced by its marker. Line structure is kept: a secret that spans
// N line breaks becomes N + 1 markers with the same line breaks ("\n" or "\r\n") between
// them, so every line after it keeps its number. `hits` come from a scan of the same text
// (bytes for the first, the QString for the second); overlapping hits are merged.
QByteArray redact(QByteArrayView text, const QList<SecretHit> &hits);
QString redact(const QString &text, const QList<SecretHit> &hits);

} // namespace reposcope::security::secrets
