// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"

#include <QString>
#include <QUrl>

#include <optional>

namespace reposcope::llm {

// Whether a request to `provider` at `baseUrl` leaves this machine: every cloud provider
// does, whatever its URL; any other provider does unless the URL's host is a loopback one
// (127.0.0.0/8, ::1, an IPv4-mapped loopback, "localhost"). The embedded local engine
// listens on 127.0.0.1 and never does.
bool leavesTheMachine(const ProviderEntry &provider, const QUrl &baseUrl);

// The privacy guard's default for a provider: secrets are redacted before a request that
// leaves the machine; for the local engine and loopback servers they are found and warned
// about, but sent as they are.
bool redactsByDefault(const ProviderEntry &provider, const QUrl &baseUrl);

// The user's choice for one provider ("Redact secrets before sending" in Settings ▸
// Providers), kept in QSettings under redactionSettingsKey(id); none: the default applies.
// Reading or writing QSettings touches a small file: fine on the UI thread for one key.
QString redactionSettingsKey(const QString &providerId);
std::optional<bool> storedRedaction(const QString &providerId);
// Stores `redact`, or removes the key when it equals the default (so a later change of the
// provider's URL keeps following the default).
void storeRedaction(const QString &providerId, bool redact, bool byDefault);

// What applies: the stored choice where there is one, else the default.
inline bool redactionApplies(std::optional<bool> stored, bool byDefault) {
    return stored.value_or(byDefault);
}

} // namespace reposcope::llm
