// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/budget.h"

#include <QDialog>

class QAction;
class QTreeWidget;

namespace reposcope::ui {

// What "Fit to budget" did: a summary and the list of dropped files, each with why it
// went first ("test data", "vendored", …, "largest remaining") and the tokens it freed.
// `undo` (the Edit menu's Undo action) is offered as a button. Non-modal; deletes itself
// on close when opened with open().
class FitResultDialog : public QDialog {
    Q_OBJECT
public:
    FitResultDialog(const prompt::FitResult &fit, QAction *undo, QWidget *parent = nullptr);

    QTreeWidget *droppedList() const { return m_list; }

private:
    QTreeWidget *m_list;
};

} // namespace reposcope::ui
