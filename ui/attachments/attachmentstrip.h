// SPDX-License-Identifier: MIT
#pragma once

#include "attachments/attachmentcontroller.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QFrame;
class QHBoxLayout;
class QLabel;
class QScrollArea;

namespace reposcope::ui {

/// "1344×896 · 412 KB · ≈1,340 tokens": the sent size, bytes and tokens of a prepared image
/// ("≈" when the model's rule is not exact).
QString attachmentDetails(const images::PreparedImage &image);

/// The row of attachments above the chat composer: per image a chip with its thumbnail (an
/// indeterminate bar while it is prepared), name, sent size, bytes and tokens, the preparation
/// note as tooltip and a remove button; failed images are red chips with the message, images the
/// model will not get are greyed with the reason. Clicking a chip (or Enter/Space on a focused
/// one) opens the preview; Delete or Backspace removes the focused chip. Hidden while empty.
///
/// A view of an AttachmentController (not owned; must outlive the strip or be unset first),
/// rebuilt when its list changes (a handful of chips). UI thread only.
class AttachmentStrip : public QWidget {
    Q_OBJECT
public:
    explicit AttachmentStrip(QWidget *parent = nullptr);
    ~AttachmentStrip() override;

    void setController(AttachmentController *controller);
    AttachmentController *controller() const { return m_controller; }

    /// The chips on show, in the controller's order (object name "attachmentChip").
    const QList<QFrame *> &chips() const { return m_chips; }
    /// The visible text of chip `index` (name, details, status), lines joined with '\n'.
    QString chipText(int index) const;
    /// "2 images · 1,454 tokens", with what is not sent.
    QString summaryText() const;
    /// Where the focus goes when the last chip was removed from the keyboard (the composer).
    void setFallbackFocus(QWidget *widget) { m_fallbackFocus = widget; }
    /// Opens the preview of attachment `id` (non-modal, deleted on close).
    void openPreview(int id);

Q_SIGNALS:
    void previewOpened(int id);

private:
    void rebuild();
    QFrame *makeChip(const Attachment &attachment);
    void removeLater(int id, int index);

    QPointer<AttachmentController> m_controller;
    QScrollArea *m_scroll;
    QWidget *m_row;
    QHBoxLayout *m_rowLayout;
    QLabel *m_summary;
    QList<QFrame *> m_chips;
    QPointer<QWidget> m_fallbackFocus;
    int m_focusAfterRebuild = -1;
};

} // namespace reposcope::ui
