// SPDX-License-Identifier: MIT
// The main window's selection history: Edit ▸ Undo / Redo, Selection ▸ Reset to
// Defaults, and what "Fit to budget" did.
#include "budget/fitresultdialog.h"
#include "mainwindow.h"
#include "prompt/budget.h"
#include "repotreemodel.h"
#include "selectionhistory.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QStatusBar>
#include <QUndoStack>

namespace reposcope::ui {

void MainWindow::createEditMenu() {
    QUndoStack *stack = m_model->history()->stack();
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    // The actions follow the stack: "Undo Fit to Budget", greyed out when empty.
    m_undoAction = stack->createUndoAction(this, tr("&Undo"));
    m_undoAction->setObjectName(QStringLiteral("undoSelectionAction"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    QAction *redo = stack->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("redoSelectionAction"));
    redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    edit->addAction(m_undoAction);
    edit->addAction(redo);
}

void MainWindow::selectByGlob(bool select) {
    if (!m_services.workspace->selection())
        return;
    bool ok = false;
    const QString glob = QInputDialog::getText(
        this, select ? tr("Select by Glob") : tr("Deselect by Glob"),
        tr("Glob (e.g. *.go, src/**, **/test/*):"), QLineEdit::Normal, QString(), &ok);
    if (!ok || glob.trimmed().isEmpty())
        return;
    const int n = m_model->checkByGlob(glob, select);
    statusBar()->showMessage(tr("%Ln file(s) changed", nullptr, n), 5000);
}

void MainWindow::resetSelection() {
    if (!m_services.workspace->selection())
        return;
    m_model->editSelection(tr("Reset to Defaults"),
                           [](prompt::Selection &sel) { sel.resetToDefaults(); });
    statusBar()->showMessage(tr("Selection reset to the default ticks (Ctrl+Z brings yours back)."),
                             8000);
}

void MainWindow::fitToBudget(qint64 fixedTokens, qint64 cap, double tokensPerLine) {
    if (!m_services.workspace->selection())
        return;
    prompt::FitResult fit;
    m_model->editSelection(tr("Fit to Budget"), [&](prompt::Selection &sel) {
        fit = prompt::fitToBudget(sel, fixedTokens, cap, tokensPerLine);
    });
    if (fit.fits && fit.details.empty()) {
        statusBar()->showMessage(tr("The selection already fits."), 5000);
        return;
    }
    auto *dialog = new FitResultDialog(fit, fit.details.empty() ? nullptr : m_undoAction, this);
    dialog->setObjectName(QStringLiteral("fitResultDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace reposcope::ui
