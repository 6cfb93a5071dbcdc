// SPDX-License-Identifier: MIT
#pragma once

#include <QPlainTextEdit>

#include <functional>

class QMimeData;

namespace reposcope::ui {

/// The chat composer: a plain-text editor that hands images (dropped or pasted, by any route:
/// keys, context menu, drag and drop) to a handler instead of inserting them as text. Everything
/// else is inserted as plain text. UI thread only.
class ComposerEdit : public QPlainTextEdit {
    Q_OBJECT
public:
    /// `carriesImages` says whether the data is for `takeImages` (which then attaches it).
    using MimeTest = std::function<bool(const QMimeData *)>;
    using MimeHandler = std::function<void(const QMimeData *)>;

    explicit ComposerEdit(QWidget *parent = nullptr);
    void setImageHandler(MimeTest carriesImages, MimeHandler takeImages);

protected:
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    MimeTest m_carriesImages;
    MimeHandler m_takeImages;
};

} // namespace reposcope::ui
