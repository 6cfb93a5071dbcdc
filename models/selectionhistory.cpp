// SPDX-License-Identifier: MIT
#include "selectionhistory.h"

#include "prompt/selection.h"
#include "workspace/workspace.h"

#include <QUndoCommand>

namespace reposcope::models {

namespace {

// One recorded edit: the files whose tick changed and the tick each got.
class SelectionStep : public QUndoCommand {
public:
    SelectionStep(const QString &name, workspace::Workspace *workspace, SelectionHistory *history,
                  const std::vector<bool> &before, const std::vector<bool> &after)
        : QUndoCommand(name)
        , m_workspace(workspace)
        , m_history(history)
        , m_nodeCount(after.size()) {
        size_t changed = 0;
        for (size_t i = 0; i < after.size(); ++i)
            changed += before[i] != after[i];
        // A sparse entry costs 32 bits, the dense form 2 bits per node.
        m_dense = changed * 32 > after.size() * 2;
        if (m_dense) {
            m_mask.assign(after.size(), false);
            m_after = after;
            for (size_t i = 0; i < after.size(); ++i)
                m_mask[i] = before[i] != after[i];
        } else {
            m_nodes.reserve(changed);
            for (size_t i = 0; i < after.size(); ++i)
                if (before[i] != after[i]) {
                    m_nodes.push_back(qint32(i));
                    m_after.push_back(after[i]);
                }
        }
        m_changed = changed;
    }

    size_t changed() const { return m_changed; }
    qsizetype bytes() const {
        return qsizetype(sizeof(*this) + m_nodes.capacity() * sizeof(qint32) +
                         (m_mask.capacity() + m_after.capacity()) / 8);
    }

    void undo() override { apply(false); }
    void redo() override {
        if (std::exchange(m_first, false))
            return; // the edit itself already applied it
        apply(true);
    }

private:
    void apply(bool forward) {
        prompt::Selection *sel = m_workspace->selection();
        if (!sel || size_t(sel->snapshot().nodeCount()) != m_nodeCount)
            return;
        std::vector<int> nodes;
        std::vector<bool> values;
        nodes.reserve(m_changed);
        values.reserve(m_changed);
        if (m_dense) {
            for (size_t i = 0; i < m_mask.size(); ++i)
                if (m_mask[i]) {
                    nodes.push_back(int(i));
                    values.push_back(m_after[i] == forward);
                }
        } else {
            for (size_t i = 0; i < m_nodes.size(); ++i) {
                nodes.push_back(m_nodes[i]);
                values.push_back(m_after[i] == forward);
            }
        }
        sel->setCheckedFiles(nodes, values);
        Q_EMIT m_history->restored();
    }

    workspace::Workspace *m_workspace;
    SelectionHistory *m_history;
    size_t m_nodeCount;
    size_t m_changed = 0;
    bool m_dense = false;
    bool m_first = true;
    std::vector<qint32> m_nodes; // sparse: changed nodes
    std::vector<bool> m_mask;    // dense: changed nodes
    std::vector<bool> m_after;   // the tick each changed node got (sparse: per entry)
};

} // namespace

SelectionHistory::SelectionHistory(workspace::Workspace *workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace) {
    connect(workspace, &workspace::Workspace::aboutToReplace, this, [this] { m_stack.clear(); });
}

void SelectionHistory::record(const QString &name,
                              const std::function<void(prompt::Selection &)> &edit) {
    prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return;
    const std::vector<bool> before = sel->checkedFiles();
    edit(*sel);
    auto step =
        std::make_unique<SelectionStep>(name, m_workspace, this, before, sel->checkedFiles());
    if (step->changed() > 0)
        m_stack.push(step.release());
}

qsizetype SelectionHistory::bytes() const {
    qsizetype total = 0;
    for (int i = 0; i < m_stack.count(); ++i)
        total += static_cast<const SelectionStep *>(m_stack.command(i))->bytes();
    return total;
}

} // namespace reposcope::models
