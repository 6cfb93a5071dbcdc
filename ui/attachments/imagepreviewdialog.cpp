// SPDX-License-Identifier: MIT
#include "attachments/imagepreviewdialog.h"
#include "common/figures.h"

#include "attachments/attachmentstrip.h"
#include "images/imageprep.h"
#include "llm/client/chatrequest.h"

#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

namespace reposcope::ui {

namespace {

QString sizeText(QSize size) {
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

} // namespace

ImagePreviewDialog::ImagePreviewDialog(const images::PreparedImage &image, QWidget *parent)
    : QDialog(parent)
    , m_image(QImage::fromData(image.part.data)) {
    if (m_image.isNull())
        m_image = image.thumbnail;
    QString caption =
        tr("Original %1 %2, %3 — sent %4")
            .arg(sizeText(image.originalSize), QString::fromLatin1(image.originalFormat.toUpper()),
                 formatBytes(image.originalBytes), attachmentDetails(image));
    if (!image.note.isEmpty())
        caption += QLatin1Char('\n') + image.note;
    build(image.name, caption);
}

ImagePreviewDialog::ImagePreviewDialog(const llm::ImagePart &part, const QString &title,
                                       QWidget *parent)
    : QDialog(parent)
    , m_image(QImage::fromData(part.data)) {
    const QString caption =
        m_image.isNull()
            ? tr("This image cannot be shown (%1, %2).")
                  .arg(QString::fromLatin1(part.mimeType), formatBytes(part.data.size()))
            : tr("Sent %1 %2, %3")
                  .arg(sizeText(m_image.size()), QString::fromLatin1(part.mimeType),
                       formatBytes(part.data.size()));
    build(title, caption);
}

void ImagePreviewDialog::build(const QString &title, const QString &caption) {
    setObjectName(QStringLiteral("imagePreviewDialog"));
    setWindowTitle(tr("Image: %1").arg(title));
    m_view = new QLabel(this);
    m_view->setObjectName(QStringLiteral("imagePreview"));
    m_view->setAlignment(Qt::AlignCenter);
    m_view->setMinimumSize(160, 120);
    m_view->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_caption = new QLabel(caption, this);
    m_caption->setObjectName(QStringLiteral("imagePreviewCaption"));
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_caption);
    layout->addWidget(buttons);

    // As large as the image, within most of the screen.
    QSize wanted = m_image.isNull() ? QSize(320, 200) : m_image.size();
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        wanted = wanted.boundedTo(screen->availableSize() * 0.8);
    resize(wanted.expandedTo(QSize(360, 240)) + QSize(24, 90));
}

QString ImagePreviewDialog::captionText() const {
    return m_caption->text();
}

void ImagePreviewDialog::resizeEvent(QResizeEvent *event) {
    QDialog::resizeEvent(event);
    rescale();
}

void ImagePreviewDialog::rescale() {
    if (m_image.isNull()) {
        m_view->setText(tr("(no preview)"));
        return;
    }
    const QSize room = m_view->size();
    const QImage shown = m_image.width() <= room.width() && m_image.height() <= room.height()
                             ? m_image
                             : m_image.scaled(room, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    m_view->setPixmap(QPixmap::fromImage(shown));
}

} // namespace reposcope::ui
