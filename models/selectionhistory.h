// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QUndoStack>

#include <functional>

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::prompt {
class Selection;
}

namespace reposcope::models {

// Undo and redo for edits of the workspace's selection (ticks, globs, invert, "changed
// since", Fit to budget, reset). Each step stores only what it changed: the changed
// nodes and their new ticks, as a sparse list when few changed and as two bitsets of
// the node count when many did, so a step over a 70k-file tree costs at most ~17 KB.
// Recording costs two O(nodes) scans of the ticks. Cleared when the workspace replaces
// its snapshot (node numbers change). UI thread only.
class SelectionHistory : public QObject {
    Q_OBJECT
public:
    explicit SelectionHistory(workspace::Workspace *workspace, QObject *parent = nullptr);

    QUndoStack *stack() { return &m_stack; }
    // Runs `edit` on the selection and pushes one step named `name` ("Fit to Budget")
    // if it changed any tick. Without a selection nothing runs.
    void record(const QString &name, const std::function<void(prompt::Selection &)> &edit);
    // Memory held by the recorded steps, for measurement.
    qsizetype bytes() const;

Q_SIGNALS:
    // Undo or redo changed ticks: views must re-read the selection.
    void restored();

private:
    workspace::Workspace *m_workspace;
    QUndoStack m_stack;
};

} // namespace reposcope::models
