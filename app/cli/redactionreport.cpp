// SPDX-License-Identifier: MIT
#include "redactionreport.h"

#include "clishared.h"

#include "security/secrets/scannerload.h"
#include "text/visibletext.h"

namespace reposcope::cli {

namespace {

QString where(const security::secrets::SecretHit &h) {
    return text::visibleName(QByteArrayView(h.path)) + QLatin1Char(':') + QString::number(h.line) +
           QStringLiteral("  ") + h.ruleId + QStringLiteral("  ") + text::visibleName(h.masked);
}

} // namespace

QCommandLineOption noRedactOption() {
    return QCommandLineOption(
        QStringLiteral("no-redact"),
        QStringLiteral("Send the secrets found in the pack and the question as they are, instead "
                       "of replacing each with «redacted:RULE-ID» (they are still listed on "
                       "stderr)."));
}

workspace::RedactionPolicy cliRedactionPolicy(const QString &root, bool redact,
                                              QStringList *warnings) {
    workspace::RedactionPolicy policy;
    policy.scanner = security::secrets::loadScanner(root, warnings);
    policy.allow = security::secrets::AllowList::loadFor(root, warnings);
    policy.redact = redact;
    return policy;
}

void printSecretReport(const workspace::SecretReport &report) {
    for (const security::secrets::SecretHit &h : report.redacted)
        err() << "redacted: " << where(h) << "\n";
    for (const security::secrets::SecretHit &h : report.allowed)
        err() << "allowed: " << where(h) << "\n";
    for (const security::secrets::SecretHit &h : report.warned)
        err() << "warning: not redacted (--no-redact): " << where(h) << "\n";
    if (report.isEmpty())
        return;
    err() << "secrets: " << report.redacted.size() << " redacted, " << report.allowed.size()
          << " allowed, " << report.warned.size() << " sent as they are"
          << (report.warned.isEmpty() ? QString() : QStringLiteral(" (--no-redact)")) << "\n";
}

} // namespace reposcope::cli
