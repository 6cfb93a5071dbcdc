// SPDX-License-Identifier: MIT
#include "findings/finding.h"

#include <QCryptographicHash>

namespace reposcope::findings {

QString severityName(Severity severity) {
    switch (severity) {
    case Severity::Critical:
        return QStringLiteral("CRITICAL");
    case Severity::High:
        return QStringLiteral("HIGH");
    case Severity::Medium:
        return QStringLiteral("MEDIUM");
    case Severity::Low:
        return QStringLiteral("LOW");
    case Severity::Info:
        return QStringLiteral("INFO");
    }
    return QString();
}

std::optional<Severity> parseSeverity(QStringView text) {
    const QString word = text.trimmed().toString().toLower();
    static const struct {
        const char *name;
        Severity severity;
    } kNames[] = {
        {"critical", Severity::Critical},  {"crit", Severity::Critical},
        {"blocker", Severity::Critical},   {"high", Severity::High},
        {"severe", Severity::High},        {"major", Severity::High},
        {"error", Severity::High},         {"medium", Severity::Medium},
        {"moderate", Severity::Medium},    {"med", Severity::Medium},
        {"warning", Severity::Medium},     {"low", Severity::Low},
        {"minor", Severity::Low},          {"info", Severity::Info},
        {"informational", Severity::Info}, {"information", Severity::Info},
        {"note", Severity::Info},          {"none", Severity::Info},
    };
    for (const auto &entry : kNames) {
        if (word == QLatin1String(entry.name))
            return entry.severity;
    }
    return std::nullopt;
}

QString statusName(VerificationStatus status) {
    switch (status) {
    case VerificationStatus::Pending:
        return QStringLiteral("pending");
    case VerificationStatus::Verified:
        return QStringLiteral("verified");
    case VerificationStatus::Corrected:
        return QStringLiteral("corrected");
    case VerificationStatus::Located:
        return QStringLiteral("located");
    case VerificationStatus::Unverified:
        return QStringLiteral("unverified");
    }
    return QString();
}

namespace {

// Whitespace runs collapse to one space and the ends are trimmed, so re-indented or
// re-wrapped code keeps its identity.
QString normalised(const QString &text) {
    return text.simplified();
}

} // namespace

QString fingerprint(const Finding &finding) {
    const QString path =
        finding.resolved.path.isEmpty() ? finding.citation.path : finding.resolved.path;
    QString anchor = normalised(finding.quote);
    if (anchor.isEmpty()) {
        // No quote: the title stands in for the code, so a moved line keeps its identity
        // as long as the model names it the same way.
        anchor = QStringLiteral("title:") + normalised(finding.title).toLower();
    }
    QByteArray key = finding.category.toUtf8();
    key += '\0';
    key += path.toUtf8();
    key += '\0';
    key += anchor.toUtf8();
    return QString::fromLatin1(
        QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(32));
}

} // namespace reposcope::findings
