// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "security/secrets/allowlist.h"
#include "workspace/packpreparation.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace reposcope::workspace {
class Workspace;
}

namespace reposcope::ui {

/// The privacy guard's inputs for the open repository: the secret scanner (its rules
/// overlaid by the user's and the repository's, compiled once per opened repository) and
/// the allow list (the user's and the repository's), both loaded on the workspace's pool
/// when a repository opens; reloadAllowList() reads the allow list again (after the user
/// allowed something). policyFor() adds the provider's redaction setting. UI thread only.
class RedactionSources : public QObject {
    Q_OBJECT
public:
    explicit RedactionSources(workspace::Workspace *workspace, QObject *parent = nullptr);
    ~RedactionSources() override;

    /// The scanner and allow list of the open repository are loaded.
    bool isReady() const { return m_scanner != nullptr; }
    /// What a request to `provider` at `baseUrl` gets: the scanner, the allow list, and
    /// redaction on or off as Settings ▸ Providers says (llm/redactiondefault.h).
    workspace::RedactionPolicy policyFor(const llm::ProviderEntry &provider,
                                         const QUrl &baseUrl) const;
    /// Problems with the rule overlays or allow lists, one line each (shown, never fatal).
    QStringList warnings() const { return m_scannerWarnings + m_allowWarnings; }
    void reloadAllowList();
    /// Uses `allow` from now on (e.g. the list the review list just changed), without reading
    /// the files again.
    void setAllowList(security::secrets::AllowList allow) { m_allow = std::move(allow); }

Q_SIGNALS:
    void loaded();

private:
    struct Loaded {
        QString root;
        std::shared_ptr<const security::secrets::SecretScanner> scanner; // null: kept
        security::secrets::AllowList allow;
        QStringList scannerWarnings;
        QStringList allowWarnings;
    };
    void load(bool withScanner);

    workspace::Workspace *m_workspace;
    QFutureWatcher<Loaded> m_watcher;
    QString m_root;
    std::shared_ptr<const security::secrets::SecretScanner> m_scanner;
    security::secrets::AllowList m_allow;
    QStringList m_scannerWarnings;
    QStringList m_allowWarnings;
    bool m_loading = false;
};

} // namespace reposcope::ui
