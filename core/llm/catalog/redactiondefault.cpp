// SPDX-License-Identifier: MIT
#include "llm/catalog/redactiondefault.h"

#include "llm/local/localengine.h"

#include <QHostAddress>
#include <QSettings>

namespace reposcope::llm {

bool leavesTheMachine(const ProviderEntry &provider, const QUrl &baseUrl) {
    if (provider.kind == QLatin1String("cloud"))
        return true;
    if (provider.id == localProviderId())
        return false;
    const QString host = baseUrl.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return false;
    QHostAddress address(host);
    if (address.isNull())
        return true; // a name other than localhost: it may resolve anywhere
    // ::ffff:127.0.0.1 is the IPv4 loopback written as IPv6.
    bool mapped = false;
    const QHostAddress v4(address.toIPv4Address(&mapped));
    if (mapped)
        address = v4;
    return !address.isLoopback();
}

bool redactsByDefault(const ProviderEntry &provider, const QUrl &baseUrl) {
    return leavesTheMachine(provider, baseUrl);
}

QString redactionSettingsKey(const QString &providerId) {
    return QStringLiteral("privacy/redact/") + providerId;
}

std::optional<bool> storedRedaction(const QString &providerId) {
    const QVariant value = QSettings().value(redactionSettingsKey(providerId));
    if (!value.isValid())
        return std::nullopt;
    return value.toBool();
}

void storeRedaction(const QString &providerId, bool redact, bool byDefault) {
    QSettings settings;
    if (redact == byDefault)
        settings.remove(redactionSettingsKey(providerId));
    else
        settings.setValue(redactionSettingsKey(providerId), redact);
}

} // namespace reposcope::llm
