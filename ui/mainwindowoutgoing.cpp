// SPDX-License-Identifier: MIT
// The main window's Chat menu and "What leaves the machine": the next request's exact text,
// from the menu (Ctrl+Shift+L) or from the confirmation strip before a remote send.
#include "mainwindow.h"

#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "chat/copypack.h"
#include "privacy/outgoingview.h"
#include "privacy/redactionsources.h"
#include "widgets/confirmstrip.h"
#include "workspace/outgoingrequest.h"
#include "workspace/workspace.h"

#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

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
    // Ctrl+Shift+C selects changed files and Ctrl+Alt+C copies an answer: Ctrl+Alt+P is free.
    auto *copyPack = new CopyPack(m_services.workspace, m_chatController, this);
    copyPack->setObjectName(QStringLiteral("copyPack"));
    QAction *copy = chat->addAction(tr("&Copy Pack to Clipboard"), QKeySequence(tr("Ctrl+Alt+P")),
                                    copyPack, &CopyPack::copy);
    copy->setObjectName(QStringLiteral("copyPackAction"));
    copy->setToolTip(tr("The pack the next question would send to this provider, redacted as it "
                        "would be"));
    connect(copyPack, &CopyPack::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
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
