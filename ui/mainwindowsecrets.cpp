// SPDX-License-Identifier: MIT
// MainWindow's privacy-guard wiring: tree marks, the strip's Review… button and
// Chat ▸ Review Secrets… (split from mainwindow.cpp to keep it small).
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "privacy/secretreviewdialog.h"
#include "repotreemodel.h"
#include "workspace/secretindex.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>

namespace reposcope::ui {

void MainWindow::createSecretsGuard() {
    m_model->setSecretIndex(m_secrets);
    connect(m_chat->confirmStrip(), &ConfirmStrip::reviewRequested, this,
            &MainWindow::reviewSecrets);
    connect(m_secrets, &workspace::SecretIndex::saveFailed, this, [this](const Error &error) {
        statusBar()->showMessage(
            tr("The allow list could not be saved: %1. The allowance holds until the window "
               "closes; check that the folder is writable.")
                .arg(error.message),
            15000);
    });
    // The Chat menu is shared with the other chat views: made by whichever comes first.
    QMenu *chat = nullptr;
    for (QAction *action : menuBar()->actions())
        if (action->menu() && action->menu()->title() == tr("&Chat"))
            chat = action->menu();
    if (!chat) {
        chat = new QMenu(tr("&Chat"), menuBar());
        chat->setObjectName(QStringLiteral("chatMenu"));
        QAction *before = nullptr;
        for (QAction *action : menuBar()->actions())
            if (action->menu() && action->menu()->title() == tr("Se&ttings"))
                before = action;
        menuBar()->insertMenu(before, chat);
    }
    chat->setObjectName(QStringLiteral("chatMenu"));
    QAction *review = chat->addAction(tr("Review &Secrets…"), this, &MainWindow::reviewSecrets);
    review->setObjectName(QStringLiteral("reviewSecretsAction"));
}

void MainWindow::reviewSecrets() {
    auto *dialog = findChild<SecretReviewDialog *>();
    if (!dialog) {
        dialog = new SecretReviewDialog(m_secrets, m_services.workspace, this);
        connect(dialog, &SecretReviewDialog::openRequested, this,
                [this](const QString &path, int line) { viewFile(path, line); });
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    dialog->table()->setFocus();
}

} // namespace reposcope::ui
