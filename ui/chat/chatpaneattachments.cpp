// SPDX-License-Identifier: MIT
// ChatPane's images: the attachment strip, the attach button and key, drops and pastes, and the
// preview of a sent turn's images, and the pane's minimum height that keeps the strip and the
// transcript readable (split from chatpane.cpp to keep it small).
#include "chat/chatpane.h"

#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "attachments/imagepreviewdialog.h"
#include "chat/composeredit.h"
#include "llm/conversation.h"
#include "repository/startfolder.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QKeyEvent>
#include <QLayout>
#include <QMimeData>
#include <QPushButton>
#include <QToolButton>
#include <QUrl>

namespace reposcope::ui {

namespace {

const QString &lastFolderKey() {
    static const QString key = QStringLiteral("attachImages");
    return key;
}

bool isAttachKey(const QKeyEvent *key) {
    const Qt::KeyboardModifiers modifiers = key->modifiers() & ~Qt::KeypadModifier;
    return key->key() == Qt::Key_I && modifiers == (Qt::ControlModifier | Qt::ShiftModifier);
}

} // namespace

void ChatPane::buildAttachments() {
    m_strip = new AttachmentStrip(this);
    m_strip->setFallbackFocus(m_composer);
    m_attach = new QToolButton(this);
    m_attach->setObjectName(QStringLiteral("chatAttachButton"));
    m_attach->setText(tr("Attach image…"));
    m_attach->setIcon(QIcon::fromTheme(QStringLiteral("mail-attachment")));
    m_attach->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_attach->setVisible(false); // until there is a controller
    connect(m_attach, &QToolButton::clicked, this, &ChatPane::chooseImages);
    m_composer->setImageHandler(
        [this](const QMimeData *mime) {
            return m_attachments && AttachmentController::hasImages(mime);
        },
        [this](const QMimeData *mime) { attachMimeData(mime); });
    setAcceptDrops(true);
}

void ChatPane::setAttachments(AttachmentController *attachments) {
    if (m_attachments)
        disconnect(m_attachments, nullptr, this, nullptr);
    m_attachments = attachments;
    m_strip->setController(attachments);
    if (attachments) {
        // After the strip's own connection: its chips exist when the filter is installed.
        connect(attachments, &AttachmentController::attachmentsChanged, this, [this] {
            const QList<QWidget *> children = m_strip->findChildren<QWidget *>();
            for (QWidget *child : children)
                child->installEventFilter(this);
            updateActions();
        });
        connect(attachments, &AttachmentController::attachRefused, this,
                [this](const QString &why) {
                    m_indicator->showNotice(tr("Not attached: %1").arg(why), true);
                });
        connect(attachments, &QObject::destroyed, this, [this] { setAttachments(nullptr); });
    }
    updateActions();
}

void ChatPane::chooseImages() {
    if (!m_attachments)
        return;
    if (!m_attachments->canAttach()) {
        m_indicator->showNotice(tr("Not attached: %1").arg(m_attachments->disabledReason()), true);
        return;
    }
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Attach Images"), dialogStartFolder(lastFolderKey()),
        tr("Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.svg);;All files (*)"));
    if (files.isEmpty())
        return;
    rememberDialogFolder(lastFolderKey(), files.first());
    for (const QString &file : files)
        m_attachments->addFile(file);
    m_composer->setFocus();
}

void ChatPane::attachMimeData(const QMimeData *mime) {
    if (m_attachments && !m_composer->isReadOnly())
        m_attachments->addMimeData(mime);
}

void ChatPane::dragEnterEvent(QDragEnterEvent *event) {
    if (m_attachments && !m_composer->isReadOnly() &&
        AttachmentController::hasImages(event->mimeData()))
        event->acceptProposedAction();
    else
        QWidget::dragEnterEvent(event);
}

void ChatPane::dragMoveEvent(QDragMoveEvent *event) {
    if (m_attachments && AttachmentController::hasImages(event->mimeData()))
        event->acceptProposedAction();
    else
        QWidget::dragMoveEvent(event);
}

void ChatPane::dropEvent(QDropEvent *event) {
    if (!m_attachments || !AttachmentController::hasImages(event->mimeData())) {
        QWidget::dropEvent(event);
        return;
    }
    event->acceptProposedAction();
    attachMimeData(event->mimeData());
}

bool ChatPane::handleAttachKey(QEvent *event) {
    // Ctrl+Shift+I ("image"): taken while the focus is in the pane and there is something to
    // attach to.
    auto *key = static_cast<QKeyEvent *>(event);
    if (!m_attachments || m_attach->isHidden() || !isAttachKey(key))
        return false;
    event->accept();
    if (event->type() == QEvent::KeyPress)
        chooseImages();
    return true;
}

void ChatPane::updateAttachActions() {
    if (!m_attach)
        return;
    m_attach->setVisible(m_attachments != nullptr);
    if (!m_attachments)
        return;
    const bool can = m_attachments->canAttach();
    m_attach->setEnabled(can && !m_composer->isReadOnly());
    m_attach->setToolTip(can ? tr("Attach images for the next question: PNG, JPEG, WebP, GIF, BMP "
                                  "or SVG. You can also drop or paste them into the composer "
                                  "(Ctrl+Shift+I).")
                             : m_attachments->disabledReason());
}

QString ChatPane::sendToolTip() const {
    QString tip = tr("Send the question (Ctrl+Enter)");
    if (!m_attachments || m_attachments->isEmpty())
        return tip;
    if (m_attachments->isPreparing())
        return tr("Wait a moment: an image is still being prepared for the model.");
    const int images = m_attachments->sendableCount();
    if (images > 0)
        tip = tr("Send the question and %n image(s) (Ctrl+Enter)", nullptr, images);
    if (const int unsent = m_attachments->unsentCount(); unsent > 0)
        tip += QLatin1Char('\n') +
               tr("%n attached image(s) will not be sent (see the red or greyed ones above).",
                  nullptr, unsent);
    return tip;
}

void ChatPane::previewTurnImage(const QUrl &url) {
    // "reposcope:image/TURN/INDEX"
    const QStringList parts = url.path().split(QLatin1Char('/'));
    bool turnOk = false;
    bool indexOk = false;
    const int turn = parts.value(1).toInt(&turnOk);
    const int index = parts.value(2).toInt(&indexOk);
    if (!m_turns || !turnOk || !indexOk || turn < 0 || turn >= m_turns->size())
        return;
    const QList<llm::ImagePart> &images = (*m_turns)[turn].images;
    if (index < 0 || index >= images.size())
        return;
    auto *dialog = new ImagePreviewDialog(
        images[index], tr("image %1 of question %2").arg(index + 1).arg(turn + 1), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

bool ChatPane::event(QEvent *event) {
    const bool handled = QWidget::event(event);
    if (event->type() == QEvent::LayoutRequest || event->type() == QEvent::Resize)
        fitMinimumToWrappedLines();
    return handled;
}

// Wrapped lines (the phase line, the strip's summary) need more height at a narrow width than
// their minimum size hints say; the pane's minimum follows what they need at its real width,
// so the layout never squeezes the transcript or the strip to make room for them.
void ChatPane::fitMinimumToWrappedLines() {
    const int needed = layout() ? layout()->minimumHeightForWidth(width()) : -1;
    if (needed > 0 && needed != minimumHeight())
        setMinimumHeight(needed);
}

} // namespace reposcope::ui
