// SPDX-License-Identifier: MIT
// MainWindow's wiring for images attached to the chat (split from mainwindow.cpp to keep it
// small): "Attach as Image" in the repository tree.
#include "mainwindow.h"

#include "attachments/attachmentcontroller.h"
#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "repository/repopanel.h"
#include "workspace/workspace.h"

#include <QDockWidget>
#include <QFileInfo>
#include <QStatusBar>

namespace reposcope::ui {

void MainWindow::createImages() {
    if (!m_chatController)
        return;
    AttachmentController *attachments = m_chatController->attachments();
    connect(m_repoPanel, &RepoPanel::attachImageRequested, attachments,
            [this, attachments](int node) {
                const repo::SnapshotPtr snapshot = m_services.workspace->snapshot();
                if (!snapshot)
                    return;
                // Read through the snapshot (the disk, or git's objects for a ref) on the pool.
                if (attachments->addSnapshotFile(snapshot, node) <= 0) {
                    statusBar()->showMessage(attachments->disabledReason(), 8000);
                    return;
                }
                if (auto *dock = findChild<QDockWidget *>(QStringLiteral("chatDock"))) {
                    dock->show();
                    dock->raise();
                }
                statusBar()->showMessage(
                    tr("%1 attached to the next question")
                        .arg(QFileInfo(QString::fromUtf8(snapshot->file(node).path)).fileName()),
                    5000);
            });
}

} // namespace reposcope::ui
