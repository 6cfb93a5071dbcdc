// SPDX-License-Identifier: MIT
#include "llm/client/providerendpoint.h"

namespace reposcope::llm {

Endpoint endpointFor(const ProviderEntry &provider, const QString &apiKey) {
    Endpoint e;
    e.baseUrl = QUrl(provider.baseUrl);
    e.apiKey = apiKey;
    e.auth = provider.auth == QLatin1String("none") || apiKey.isEmpty() ? AuthStyle::None
                                                                        : AuthStyle::Bearer;
    if (e.auth == AuthStyle::None)
        e.apiKey.clear(); // a key the server does not want is never sent
    e.extraHeaders = provider.extraHeaders;
    e.providerName = provider.name.isEmpty() ? provider.id : provider.name;
    // A server the user runs is named by where it is: several may be configured.
    if (provider.kind != QLatin1String("cloud") && !e.baseUrl.host().isEmpty()) {
        QString where = e.baseUrl.host();
        if (e.baseUrl.port() > 0)
            where += QLatin1Char(':') + QString::number(e.baseUrl.port());
        e.providerName += QStringLiteral(" at ") + where;
    }
    return e;
}

QUrl serverRoot(const QUrl &baseUrl) {
    QUrl root = baseUrl;
    QString path = root.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (path.endsWith(QLatin1String("/v1")))
        path.chop(3);
    root.setPath(path.isEmpty() ? QStringLiteral("/") : path + QLatin1Char('/'));
    root.setQuery(QString());
    root.setFragment(QString());
    return root;
}

} // namespace reposcope::llm
