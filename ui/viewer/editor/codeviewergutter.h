// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

namespace reposcope::ui {

class CodeViewer;

/// The line-number strip left of a CodeViewer's viewport. Owned by (and a child of) the
/// viewer, which sizes it and does all of its painting.
class CodeViewerGutter : public QWidget {
    Q_OBJECT
public:
    explicit CodeViewerGutter(CodeViewer *viewer);

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    CodeViewer *m_viewer;
};

} // namespace reposcope::ui
