// SPDX-License-Identifier: MIT
#include "chat/composeredit.h"

#include <QMimeData>

#include <utility>

namespace reposcope::ui {

ComposerEdit::ComposerEdit(QWidget *parent)
    : QPlainTextEdit(parent) {}

void ComposerEdit::setImageHandler(MimeTest carriesImages, MimeHandler takeImages) {
    m_carriesImages = std::move(carriesImages);
    m_takeImages = std::move(takeImages);
}

bool ComposerEdit::canInsertFromMimeData(const QMimeData *source) const {
    if (m_carriesImages && m_carriesImages(source))
        return true;
    return QPlainTextEdit::canInsertFromMimeData(source);
}

void ComposerEdit::insertFromMimeData(const QMimeData *source) {
    if (m_carriesImages && m_takeImages && m_carriesImages(source)) {
        m_takeImages(source);
        return;
    }
    QPlainTextEdit::insertFromMimeData(source);
}

} // namespace reposcope::ui
