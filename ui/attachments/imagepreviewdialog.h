// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QImage>

class QLabel;

namespace reposcope::images {
struct PreparedImage;
}
namespace reposcope::llm {
struct ImagePart;
}

namespace reposcope::ui {

/// Shows an image as it is (or was) sent, scaled to fit the dialog (never enlarged), with a
/// caption: the original and sent sizes, bytes and tokens, and the preparation note. Decodes the
/// sent bytes once, on the UI thread (a prepared image is at most a few MB). Non-modal use:
/// open() it with Qt::WA_DeleteOnClose.
class ImagePreviewDialog : public QDialog {
    Q_OBJECT
public:
    /// An attachment before sending.
    explicit ImagePreviewDialog(const images::PreparedImage &image, QWidget *parent = nullptr);
    /// An image of a sent turn (the transcript): only what was sent is known.
    ImagePreviewDialog(const llm::ImagePart &part, const QString &title, QWidget *parent = nullptr);

    QString captionText() const;
    /// The decoded image (null when the bytes could not be decoded).
    const QImage &image() const { return m_image; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void build(const QString &title, const QString &caption);
    void rescale();

    QImage m_image;
    QLabel *m_view = nullptr;
    QLabel *m_caption = nullptr;
};

} // namespace reposcope::ui
