// SPDX-License-Identifier: MIT
#include "viewer/editor/codeviewergutter.h"

#include "viewer/codeviewer.h"

namespace reposcope::ui {

CodeViewerGutter::CodeViewerGutter(CodeViewer *viewer)
    : QWidget(viewer)
    , m_viewer(viewer) {}

QSize CodeViewerGutter::sizeHint() const {
    return {m_viewer->gutterWidth(), 0};
}

void CodeViewerGutter::paintEvent(QPaintEvent *event) {
    m_viewer->paintGutter(event);
}

} // namespace reposcope::ui
