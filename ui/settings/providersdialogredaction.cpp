// SPDX-License-Identifier: MIT
// The Providers dialog's "Redact secrets before sending": per provider, on by default for a
// provider that leaves the machine, off (warn only) for the local engine and loopback servers.
#include "settings/providersdialog.h"

#include "llm/catalog/redactiondefault.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>

namespace reposcope::ui {

void ProvidersDialog::showRedaction() {
    if (m_current < 0 || m_current >= m_providers.size())
        return;
    const llm::ProviderEntry &p = m_providers[m_current];
    const QUrl url(m_baseUrl->text().trimmed());
    const bool remote = llm::leavesTheMachine(p, url);
    const bool byDefault = llm::redactsByDefault(p, url);
    const bool on = m_redact.contains(p.id)
                        ? m_redact.value(p.id)
                        : llm::redactionApplies(llm::storedRedaction(p.id), byDefault);
    m_redactBox->setChecked(on);
    QString note;
    bool warning = false;
    if (remote && !on) {
        note = tr("Warning: secrets found in what you send (keys, tokens, passwords) go to %1 "
                  "as they are, and leave this machine. Leave this on unless you trust %1 "
                  "with them.")
                   .arg(p.name);
        warning = true;
    } else if (remote) {
        note = tr("Each secret found is replaced by «redacted:RULE» before the request leaves "
                  "this machine; the rest of the file is sent.");
    } else if (on) {
        note = tr("This server runs on this machine; secrets are redacted anyway.");
    } else {
        note = tr("This server runs on this machine: secrets are found and shown in What "
                  "Leaves the Machine, but sent as they are.");
    }
    m_redactNote->setText(note);
    m_redactNote->setStyleSheet(warning ? QStringLiteral("color: #b00020; font-weight: bold;")
                                        : QStringLiteral("color: palette(mid);"));
}

void ProvidersDialog::saveRedaction() {
    for (const llm::ProviderEntry &p : std::as_const(m_providers)) {
        if (!m_redact.contains(p.id))
            continue;
        llm::storeRedaction(p.id, m_redact.value(p.id), llm::redactsByDefault(p, QUrl(p.baseUrl)));
    }
}

} // namespace reposcope::ui
