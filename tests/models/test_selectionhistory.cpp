// SPDX-License-Identifier: MIT
// Undo and redo of selection edits through RepoTreeModel, over a real Workspace and a
// real git scratch repository, with the model under QAbstractItemModelTester.
#include "prompt/budget.h"
#include "prompt/selection.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "selectionhistory.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <memory>

using reposcope::models::RepoTreeModel;
using reposcope::test::ScratchRepo;
namespace prompt = reposcope::prompt;

namespace {

class SelectionHistoryTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_model = std::make_unique<RepoTreeModel>(m_workspace.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        m_repo.initGit();
        m_repo.write(
            QStringLiteral("net/http/server.go"),
            QByteArray("func (srv *Server) Serve(l net.Listener) error {}\n").repeated(60));
        m_repo.write(QStringLiteral("net/http/client.go"),
                     QByteArray("func (c *Client) Do(req *Request) {}\n").repeated(20));
        m_repo.write(QStringLiteral("net/http/server_test.go"),
                     QByteArray("func TestServe(t *testing.T) {}\n").repeated(30));
        m_repo.write(QStringLiteral("net/http/testdata/index.html"),
                     QByteArray("<p>hello</p>\n").repeated(40));
        m_repo.write(QStringLiteral("docs/http.md"), QByteArray("Serving HTTP.\n").repeated(30));
        m_repo.write(QStringLiteral("package-lock.json"), "{\"lockfileVersion\": 3}\n");
        m_repo.commitAll();
        bool cancelled = true;
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path(), &cancelled));
        ASSERT_FALSE(cancelled);
        ASSERT_TRUE(sel().fullyCounted());
    }

    void TearDown() override {
        m_tester.reset();
        m_model.reset();
        WorkspaceTest::TearDown();
    }

    prompt::Selection &sel() { return *m_workspace->selection(); }
    int node(const char *path) { return sel().snapshot().find(QByteArray(path)); }
    QUndoStack *stack() { return m_model->history()->stack(); }

    ScratchRepo m_repo;
    std::unique_ptr<RepoTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

} // namespace

TEST_F(SelectionHistoryTest, UndoAndRedoWalkTheWholeSequence) {
    const int lock = node("package-lock.json");
    ASSERT_GE(lock, 0);
    ASSERT_EQ(sel().checkState(lock), Qt::Unchecked); // a lock file is excluded by default
    std::vector<std::vector<bool>> states{sel().checkedFiles()};
    std::vector<qint64> tokens{sel().selected(0).tokens};
    auto remember = [&] {
        states.push_back(sel().checkedFiles());
        tokens.push_back(sel().selected(0).tokens);
    };

    // A tick in the tree (through setData, as a click does).
    ASSERT_TRUE(
        m_model->setData(m_model->indexForNode(node("docs")), Qt::Unchecked, Qt::CheckStateRole));
    remember();
    EXPECT_EQ(stack()->undoText(), QStringLiteral("Untick docs"));
    m_model->checkByGlob(QStringLiteral("*_test.go"), false);
    remember();
    m_model->invertSelection();
    remember();
    m_model->invertSelection();
    remember();
    // One token short: the test data goes, the (larger) core sources stay.
    prompt::FitResult fit;
    m_model->editSelection(QStringLiteral("Fit to Budget"), [&](prompt::Selection &s) {
        fit = prompt::fitToBudget(s, 0, s.selected(0).tokens + s.selected(0).overhead - 1);
    });
    remember();
    ASSERT_EQ(fit.dropped, QStringList{QStringLiteral("net/http/testdata/index.html")});
    EXPECT_EQ(stack()->undoText(), QStringLiteral("Fit to Budget"));
    EXPECT_EQ(sel().checkState(node("net/http/server.go")), Qt::Checked);
    m_model->editSelection(QStringLiteral("Reset to Defaults"),
                           [](prompt::Selection &s) { s.resetToDefaults(); });
    remember();
    EXPECT_EQ(states.back(), states.front());
    ASSERT_EQ(stack()->count(), 6);

    // An edit that changes nothing adds no step.
    m_model->checkByGlob(QStringLiteral("*.nothing"), true);
    EXPECT_EQ(stack()->count(), 6);

    QSignalSpy totals(m_model.get(), &RepoTreeModel::selectionTotalsChanged);
    for (int i = int(states.size()) - 2; i >= 0; --i) {
        ASSERT_TRUE(stack()->canUndo());
        stack()->undo();
        EXPECT_EQ(sel().checkedFiles(), states[size_t(i)]) << "after undo to step " << i;
        EXPECT_EQ(sel().selected(0).tokens, tokens[size_t(i)]) << "after undo to step " << i;
    }
    EXPECT_FALSE(stack()->canUndo());
    EXPECT_EQ(totals.count(), int(states.size()) - 1); // the views were told each time
    for (size_t i = 1; i < states.size(); ++i) {
        ASSERT_TRUE(stack()->canRedo());
        stack()->redo();
        EXPECT_EQ(sel().checkedFiles(), states[i]) << "after redo to step " << i;
        EXPECT_EQ(sel().selected(0).tokens, tokens[i]) << "after redo to step " << i;
    }

    // A new edit after undoing drops the steps that were undone.
    stack()->undo();
    stack()->undo();
    ASSERT_TRUE(m_model->setData(m_model->indexForNode(lock), Qt::Checked, Qt::CheckStateRole));
    EXPECT_FALSE(stack()->canRedo());
    EXPECT_EQ(stack()->undoText(), QStringLiteral("Tick package-lock.json"));
    stack()->undo();
    EXPECT_EQ(sel().checkedFiles(), states[states.size() - 3]);
}

TEST_F(SelectionHistoryTest, StepsStoreOnlyWhatChangedAndAreClearedOnReopen) {
    const int n = sel().snapshot().nodeCount();
    ASSERT_TRUE(m_model->setData(m_model->indexForNode(node("net/http/client.go")), Qt::Unchecked,
                                 Qt::CheckStateRole));
    const qsizetype oneTick = m_model->history()->bytes();
    m_model->invertSelection(); // every eligible file changes: the dense form
    const qsizetype invert = m_model->history()->bytes() - oneTick;
    // A sparse step holds one node (4 bytes) and one bit beyond the command itself; the
    // dense one two bits per node, never a copy of the selection.
    EXPECT_GT(oneTick, 0);
    EXPECT_LE(oneTick, 512);
    EXPECT_LE(invert, 512 + 2 * n / 8);

    QSignalSpy opened(m_workspace.get(), &reposcope::workspace::Workspace::opened);
    bool cancelled = true;
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path(), &cancelled));
    EXPECT_EQ(stack()->count(), 0); // node numbers of the old snapshot mean nothing now
}
