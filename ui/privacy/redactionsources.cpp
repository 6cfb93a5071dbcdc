// SPDX-License-Identifier: MIT
#include "privacy/redactionsources.h"

#include "llm/catalog/redactiondefault.h"
#include "security/secrets/scannerload.h"
#include "workspace/workspace.h"

#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

RedactionSources::RedactionSources(workspace::Workspace *workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace) {
    connect(&m_watcher, &QFutureWatcher<Loaded>::finished, this, [this] {
        Loaded result = m_watcher.result();
        m_loading = false;
        if (result.scanner) {
            m_scanner = std::move(result.scanner);
            m_scannerWarnings = std::move(result.scannerWarnings);
        }
        m_root = result.root;
        m_allow = std::move(result.allow);
        m_allowWarnings = std::move(result.allowWarnings);
        Q_EMIT loaded();
    });
    connect(workspace, &workspace::Workspace::opened, this, [this] { load(true); });
    if (workspace->snapshot())
        load(true);
}

RedactionSources::~RedactionSources() {
    m_watcher.waitForFinished();
}

void RedactionSources::load(bool withScanner) {
    const repo::SnapshotPtr snapshot = m_workspace->snapshot();
    const QString root = snapshot ? snapshot->info().rootPath : QString();
    // A scanner of another repository must not stay in use while the new one loads.
    withScanner = withScanner || root != m_root || !m_scanner;
    if (withScanner)
        m_scanner.reset();
    m_loading = true;
    m_watcher.setFuture(QtConcurrent::run(m_workspace->pool(), [root, withScanner] {
        Loaded out;
        out.root = root;
        if (withScanner)
            out.scanner = security::secrets::loadScanner(root, &out.scannerWarnings);
        if (!root.isEmpty())
            out.allow = security::secrets::AllowList::loadFor(root, &out.allowWarnings);
        return out;
    }));
}

void RedactionSources::reloadAllowList() {
    load(false);
}

workspace::RedactionPolicy RedactionSources::policyFor(const llm::ProviderEntry &provider,
                                                       const QUrl &baseUrl) const {
    workspace::RedactionPolicy policy;
    policy.scanner = m_scanner;
    policy.allow = m_allow;
    policy.redact = llm::redactionApplies(llm::storedRedaction(provider.id),
                                          llm::redactsByDefault(provider, baseUrl));
    return policy;
}

} // namespace reposcope::ui
