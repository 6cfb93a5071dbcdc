// SPDX-License-Identifier: MIT
// The main window's Chat menu and "What leaves the machine": the next request's exact text,
// from the menu (Ctrl+Shift+L) or from the confirmation strip before a remote send.
#include "mainwindow.h"

#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "privacy/outgoingview.h"
#include "privacy/redactionsources.h"
#include "widgets/confirmstrip.h"
#include "workspace/outgoingrequest.h"
#include "workspace/workspace.h"

#include <QMenu>
#include <QMenuBar>

namespace reposcope::ui {

void MainWindow::createChatMenu() {
    // The Chat menu is shared with the other chat views (Review Secrets…): made by whichever
    // comes first.
    QMenu *chat = nullptr;
    for (QAction *action : menuBar()->actions())
        if (action->menu() && action->menu()->title() == tr("&Chat"))
            chat = action->menu();
    if (!chat)
        chat = menuBar()->addMenu(tr("&Chat"));
    chat->setObjectName(QStringLiteral("chatMenu"));
    QAction *whatLeaves =
        chat->addAction(tr("What &Leaves the Machine…"), QKeySequence(tr("Ctrl+Shift+L")), this,
                        &MainWindow::showWhatLeaves);
    whatLeaves->setObjectName(QStringLiteral("whatLeavesAction"));
    whatLeaves->setToolTip(tr("The exact text of the next request, after redaction"));
    whatLeaves->setEnabled(m_chatController != nullptr);
    connect(m_chat->confirmStrip(), &ConfirmStrip::whatLeavesRequested, this,
            &MainWindow::showWhatLeaves);
}

void MainWindow::showWhatLeaves() {
    if (!m_chatController || !m_services.syntax)
        return;
    if (!m_outgoing) {
        m_outgoing = new OutgoingView(*m_services.syntax, m_services.workspace->pool(), this);
        connect(m_outgoing, &OutgoingView::refreshRequested, this, &MainWindow::showWhatLeaves);
    }
    m_outgoing->show();
    m_outgoing->raise();
    m_outgoing->activateWindow();
    if (!m_services.workspace->snapshot()) {
        m_outgoing->prepare(workspace::OutgoingInputs{}); // says to open a repository first
        return;
    }
    // The view shows what the next request sends: never without the scanner that sends it,
    // and with the allow list as it is now (the review list or an editor may have changed
    // it; reading it is file I/O, on the pool).
    RedactionSources *sources = m_chatController->redaction();
    m_outgoing->showWaiting(tr("Preparing… reading the secret rules and allow lists."));
    connect(
        sources, &RedactionSources::loaded, m_outgoing,
        [this, sources] {
            m_outgoing->setWarnings(sources->warnings());
            m_outgoing->prepare(m_chatController->outgoingInputs(m_chat->composerText()));
        },
        Qt::SingleShotConnection);
    sources->reloadAllowList();
}

} // namespace reposcope::ui
