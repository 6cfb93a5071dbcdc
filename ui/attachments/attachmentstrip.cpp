// SPDX-License-Identifier: MIT
#include "attachments/attachmentstrip.h"
#include "common/figures.h"

#include "attachments/attachmentcontroller.h"
#include "attachments/imagepreviewdialog.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>
#include <utility>

namespace reposcope::ui {

namespace {

constexpr int kThumbSize = 56;
constexpr int kChipWidth = 290;

// A chip opens the preview when clicked (or Enter/Space) and asks to be removed on Delete or
// Backspace. Plain callbacks: the strip rebuilds its chips, so they hold no state of their own.
class Chip : public QFrame {
public:
    Chip(std::function<void()> open, std::function<void()> remove, QWidget *parent)
        : QFrame(parent)
        , m_open(std::move(open))
        , m_remove(std::move(remove)) {
        setObjectName(QStringLiteral("attachmentChip"));
        setFocusPolicy(Qt::StrongFocus);
        setFrameShape(QFrame::StyledPanel);
    }

protected:
    void mouseReleaseEvent(QMouseEvent *event) override {
        if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint())) {
            m_open();
            return;
        }
        QFrame::mouseReleaseEvent(event);
    }
    void keyPressEvent(QKeyEvent *event) override {
        switch (event->key()) {
        case Qt::Key_Delete:
        case Qt::Key_Backspace:
            m_remove();
            return;
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Space:
            m_open();
            return;
        default:
            QFrame::keyPressEvent(event);
        }
    }

private:
    std::function<void()> m_open;
    std::function<void()> m_remove;
};

QPixmap thumbnailFor(const Attachment &attachment, bool dimmed) {
    QImage image = attachment.image->thumbnail.scaled(kThumbSize, kThumbSize, Qt::KeepAspectRatio,
                                                      Qt::SmoothTransformation);
    if (!dimmed)
        return QPixmap::fromImage(image);
    QPixmap faded(image.size());
    faded.fill(Qt::transparent);
    QPainter painter(&faded);
    painter.setOpacity(0.35);
    painter.drawImage(0, 0, image);
    return faded;
}

QString tooltipFor(const Attachment &attachment) {
    QStringList lines{attachment.name};
    if (attachment.state == Attachment::State::Failed)
        lines << attachment.error;
    if (attachment.image) {
        const images::PreparedImage &image = *attachment.image;
        lines << AttachmentStrip::tr("Original %1×%2 %3, %4")
                     .arg(image.originalSize.width())
                     .arg(image.originalSize.height())
                     .arg(QString::fromLatin1(image.originalFormat.toUpper()),
                          formatBytes(image.originalBytes));
        if (!image.note.isEmpty())
            lines << image.note;
    }
    if (attachment.state == Attachment::State::Preparing)
        lines << AttachmentStrip::tr("Preparing for the chosen model…");
    if (!attachment.exclusion.isEmpty())
        lines << attachment.exclusion;
    lines << AttachmentStrip::tr("Click to preview; Delete removes it.");
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString attachmentDetails(const images::PreparedImage &image) {
    const QLocale locale;
    return AttachmentStrip::tr("%1×%2 · %3 · %4%5 tokens")
        .arg(image.sentSize.width())
        .arg(image.sentSize.height())
        .arg(formatBytes(image.part.data.size()),
             image.tokens.exact ? QString() : QStringLiteral("≈"),
             locale.toString(image.tokens.tokens));
}

AttachmentStrip::AttachmentStrip(QWidget *parent)
    : QWidget(parent)
    , m_scroll(new QScrollArea(this))
    , m_row(new QWidget(m_scroll))
    , m_rowLayout(new QHBoxLayout(m_row))
    , m_summary(new QLabel(this)) {
    setObjectName(QStringLiteral("attachmentStrip"));
    m_rowLayout->setContentsMargins(0, 0, 0, 0);
    m_rowLayout->setSpacing(6);
    m_rowLayout->addStretch(1);
    m_scroll->setWidget(m_row);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_scroll->setFixedHeight(kThumbSize + 24 +
                             m_scroll->horizontalScrollBar()->sizeHint().height());
    m_summary->setObjectName(QStringLiteral("attachmentSummary"));
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_scroll);
    layout->addWidget(m_summary);
    setStyleSheet(QStringLiteral(
        "QFrame#attachmentChip { border: 1px solid palette(mid); border-radius: 4px; }"
        "QFrame#attachmentChip:focus { border: 2px solid palette(highlight); }"
        "QFrame#attachmentChip[failed=\"true\"] { border-color: #c0392b; background: #fdecea; }"
        "QFrame#attachmentChip[failed=\"true\"] QLabel { color: #922b21; }"
        "QFrame#attachmentChip[excluded=\"true\"] QLabel#attachmentStatus { color: #b9770e; }"));
    setVisible(false);
}

AttachmentStrip::~AttachmentStrip() = default;

void AttachmentStrip::setController(AttachmentController *controller) {
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (controller)
        connect(controller, &AttachmentController::attachmentsChanged, this,
                &AttachmentStrip::rebuild);
    rebuild();
}

void AttachmentStrip::rebuild() {
    // The chip asking for its removal may be mid-event: old chips go later, hidden now.
    for (QFrame *chip : std::as_const(m_chips)) {
        chip->hide();
        m_rowLayout->removeWidget(chip);
        chip->deleteLater();
    }
    m_chips.clear();
    const QList<Attachment> items =
        m_controller ? m_controller->attachments() : QList<Attachment>();
    for (const Attachment &attachment : items) {
        QFrame *chip = makeChip(attachment);
        m_rowLayout->insertWidget(int(m_chips.size()), chip);
        m_chips.append(chip);
    }
    m_summary->setText(summaryText());
    setVisible(!m_chips.isEmpty());
    if (m_focusAfterRebuild >= 0) {
        if (!m_chips.isEmpty())
            m_chips[std::min(m_focusAfterRebuild, int(m_chips.size()) - 1)]->setFocus();
        m_focusAfterRebuild = -1;
    }
}

QFrame *AttachmentStrip::makeChip(const Attachment &attachment) {
    const int id = attachment.id;
    const int index = int(m_chips.size());
    auto *chip = new Chip([this, id] { openPreview(id); },
                          [this, id, index] { removeLater(id, index); }, m_row);
    const bool failed = attachment.state == Attachment::State::Failed;
    const bool excluded = !attachment.exclusion.isEmpty();
    chip->setProperty("attachmentId", id);
    chip->setProperty("failed", failed);
    chip->setProperty("excluded", excluded);
    chip->setFixedWidth(kChipWidth);
    chip->setToolTip(tooltipFor(attachment));

    auto *layout = new QHBoxLayout(chip);
    layout->setContentsMargins(4, 4, 2, 4);
    layout->setSpacing(6);
    if (attachment.image) {
        auto *thumb = new QLabel(chip);
        thumb->setObjectName(QStringLiteral("attachmentThumbnail"));
        thumb->setFixedSize(kThumbSize, kThumbSize);
        thumb->setAlignment(Qt::AlignCenter);
        thumb->setPixmap(thumbnailFor(attachment, excluded || failed));
        layout->addWidget(thumb);
    } else if (attachment.state == Attachment::State::Preparing) {
        auto *spinner = new QProgressBar(chip);
        spinner->setObjectName(QStringLiteral("attachmentSpinner"));
        spinner->setRange(0, 0); // indeterminate: it moves while the image is prepared
        spinner->setTextVisible(false);
        spinner->setFixedSize(kThumbSize, 8);
        layout->addWidget(spinner);
    }

    auto *text = new QVBoxLayout;
    text->setSpacing(0);
    auto *name = new QLabel(chip);
    name->setObjectName(QStringLiteral("attachmentName"));
    name->setText(name->fontMetrics().elidedText(attachment.name, Qt::ElideMiddle,
                                                 kChipWidth - kThumbSize - 40));
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    text->addWidget(name);
    auto *details = new QLabel(chip);
    details->setObjectName(QStringLiteral("attachmentDetails"));
    details->setWordWrap(true);
    if (failed)
        details->setText(attachment.error);
    else if (attachment.state == Attachment::State::Preparing)
        details->setText(tr("preparing…"));
    else
        details->setText(attachmentDetails(*attachment.image));
    text->addWidget(details);
    if (excluded || failed) {
        auto *status = new QLabel(chip);
        status->setObjectName(QStringLiteral("attachmentStatus"));
        status->setText(failed ? tr("not sent") : attachment.exclusion);
        status->setWordWrap(true);
        text->addWidget(status);
    }
    text->addStretch(1);
    layout->addLayout(text, 1);

    auto *remove = new QToolButton(chip);
    remove->setObjectName(QStringLiteral("attachmentRemove"));
    remove->setText(QStringLiteral("✕"));
    remove->setAutoRaise(true);
    remove->setFocusPolicy(Qt::NoFocus);
    remove->setToolTip(tr("Remove %1 (Delete)").arg(attachment.name));
    connect(remove, &QToolButton::clicked, this, [this, id] { removeLater(id, -1); });
    layout->addWidget(remove, 0, Qt::AlignTop);
    return chip;
}

void AttachmentStrip::removeLater(int id, int index) {
    // Removing rebuilds the chips, the sender among them: let its event finish first.
    QTimer::singleShot(0, this, [this, id, index] {
        if (!m_controller)
            return;
        m_focusAfterRebuild = index;
        m_controller->remove(id);
        if (m_chips.isEmpty() && m_fallbackFocus)
            m_fallbackFocus->setFocus();
    });
}

QString AttachmentStrip::chipText(int index) const {
    if (index < 0 || index >= m_chips.size())
        return {};
    QStringList lines;
    const QList<QLabel *> labels = m_chips[index]->findChildren<QLabel *>();
    for (const QLabel *label : labels) {
        if (label->pixmap().isNull())
            lines << label->text();
    }
    return lines.join(QLatin1Char('\n'));
}

QString AttachmentStrip::summaryText() const {
    if (!m_controller || m_controller->isEmpty())
        return {};
    const QLocale locale;
    const int sent = m_controller->sendableCount();
    const images::ImageTokens tokens = m_controller->tokens();
    QString text = tr("%n image(s) sent with the next question", nullptr, sent);
    if (sent > 0)
        text += tr(" · %1%2 tokens")
                    .arg(tokens.exact ? QString() : QStringLiteral("≈"),
                         locale.toString(tokens.tokens));
    if (const int unsent = m_controller->unsentCount(); unsent > 0)
        text += tr(" · %n not sent", nullptr, unsent);
    if (m_controller->isPreparing())
        text += tr(" · preparing…");
    return text;
}

void AttachmentStrip::openPreview(int id) {
    const Attachment *attachment = m_controller ? m_controller->find(id) : nullptr;
    if (!attachment || !attachment->image)
        return;
    auto *dialog = new ImagePreviewDialog(*attachment->image, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    Q_EMIT previewOpened(id);
}

} // namespace reposcope::ui
