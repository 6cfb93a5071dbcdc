// SPDX-License-Identifier: MIT
#include "viewer/gotolinedialog.h"

#include "viewer/codeviewer.h"

#include <QCoreApplication>
#include <QInputDialog>

namespace reposcope::ui {

bool askGoToLine(CodeViewer *viewer) {
    if (!viewer || viewer->lineCount() == 0)
        return false;
    const int last = viewer->lineCount();
    bool ok = false;
    const int line = QInputDialog::getInt(
        viewer, QCoreApplication::translate("reposcope::ui::CodeViewer", "Go to Line"),
        QCoreApplication::translate("reposcope::ui::CodeViewer", "Line (1–%1):").arg(last),
        viewer->currentLine(), 1, last, 1, &ok);
    return ok && viewer->goToLine(line);
}

} // namespace reposcope::ui
