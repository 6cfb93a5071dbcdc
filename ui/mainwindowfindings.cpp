// SPDX-License-Identifier: MIT
// MainWindow's Findings dock and its wiring (split from mainwindow.cpp to keep it small).
#include "mainwindow.h"

#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "findings/findingscontroller.h"
#include "findings/findingsmodel.h"
#include "findings/findingspanel.h"
#include "findings/triage.h"
#include "transcript/transcriptview.h"
#include "workspace/chatsession.h"
#include "workspace/findingstracker.h"
#include "workspace/workspace.h"

#include <QDockWidget>
#include <QStatusBar>

namespace reposcope::ui {

void MainWindow::createFindings() {
    auto *model = new models::FindingsModel;
    m_findings = new FindingsPanel(model, this);
    model->setParent(m_findings); // outlives the panel's views, goes with the panel
    auto *dock = new QDockWidget(tr("Findings"), this);
    dock->setObjectName(QStringLiteral("findingsDock"));
    dock->setWidget(m_findings);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    QDockWidget *chat = findChild<QDockWidget *>(QStringLiteral("chatDock"));
    splitDockWidget(chat, dock, Qt::Vertical);
    resizeDocks({chat, dock}, {450, 550}, Qt::Vertical);

    m_findingsController =
        new FindingsController(m_findings, m_viewer, m_services.workspace->pool(), this);
    connect(m_findingsController, &FindingsController::statusMessage, statusBar(),
            &QStatusBar::showMessage);
    m_chat->transcript()->setCitationResolver([this](const findings::Citation &citation) {
        workspace::FindingsTracker *tracker =
            m_chatController ? m_chatController->session()->findings() : nullptr;
        return tracker ? tracker->resolve(citation) : findings::ResolvedLocation{};
    });
    connect(m_chat, &ChatPane::linkActivated, m_findingsController,
            [this](const QUrl &url) { m_findingsController->openUrl(url); });
    m_findingsController->setContextProvider([this] {
        return FindingsController::contextFor(
            m_services.workspace, m_chatController ? m_chatController->session() : nullptr);
    });
    if (m_chatController)
        m_findingsController->setTracker(m_chatController->session()->findings());
    connect(m_services.workspace, &workspace::Workspace::opened, m_findingsController, [this] {
        const repo::RepoInfo &info = m_services.workspace->snapshot()->info();
        m_findingsController->setRepository(info.rootPath, info.ref);
        m_findingsController->openTriageStore(findings::TriageStore::defaultPathFor(info.rootPath));
    });
}

} // namespace reposcope::ui
