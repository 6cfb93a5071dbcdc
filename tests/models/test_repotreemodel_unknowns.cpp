// SPDX-License-Identifier: MIT
// Figures that are not known (a binary file has no tokens or lines, a symlink no size)
// show "—" in RepoTreeModel and sort after every known figure in RepoTreeSortProxy, in
// both orders; a figure's header sorts largest first; the Notes column's tooltip holds
// the whole note. The model and the proxy run under QAbstractItemModelTester (fatal).
#include "repotreemodel.h"
#include "repotreesortproxy.h"

#include "prompt/selection.h"
#include "scratchrepo.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <memory>

using reposcope::models::RepoTreeModel;
using reposcope::models::RepoTreeSortProxy;
using reposcope::test::ScratchRepo;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

// Files of clearly different sizes at the top level, one binary, one symlink, one lock
// file (excluded, with a note).
void makeRepo(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral("small.txt"), "one line\n");
    repo.write(QStringLiteral("middle.txt"),
               QByteArray("a line of text for the middle\n").repeated(20));
    repo.write(QStringLiteral("large.txt"),
               QByteArray("a line of text, much more of it\n").repeated(400));
    repo.write(QStringLiteral("logo.bin"),
               QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 21));
    repo.write(QStringLiteral("Cargo.lock"), "# lock\nversion = 3\n");
    ASSERT_TRUE(
        QFile::link(QStringLiteral("small.txt"), repo.filePath(QStringLiteral("link.txt"))));
    repo.commitAll();
}

class RepoTreeUnknownsTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_model = std::make_unique<RepoTreeModel>(m_workspace.get());
        m_modelTester = std::make_unique<QAbstractItemModelTester>(m_model.get(), kFatal);
        m_proxy = std::make_unique<RepoTreeSortProxy>();
        m_proxy->setSourceModel(m_model.get());
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(m_proxy.get(), kFatal);
        ASSERT_NO_FATAL_FAILURE(makeRepo(m_repo));
        bool cancelled = true;
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path(), &cancelled));
        ASSERT_FALSE(cancelled);
        ASSERT_TRUE(m_workspace->selection()->fullyCounted());
    }

    void TearDown() override {
        m_proxyTester.reset();
        m_proxy.reset();
        m_modelTester.reset();
        m_model.reset();
        WorkspaceTest::TearDown();
    }

    QModelIndex indexOf(const char *path, int column) const {
        const int node = m_workspace->snapshot()->find(QByteArray(path));
        EXPECT_GT(node, 0) << path;
        return m_model->indexForNode(node, column);
    }

    // The top-level names in the proxy's order after sorting by `column`.
    QStringList sortedNames(int column, Qt::SortOrder order) {
        m_proxy->sort(column, order);
        QStringList names;
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            names << m_proxy->index(r, RepoTreeModel::NameColumn).data().toString();
        return names;
    }

    ScratchRepo m_repo;
    std::unique_ptr<RepoTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<RepoTreeSortProxy> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
};

TEST_F(RepoTreeUnknownsTest, FilesNotReadShowADashNotZero) {
    const QString dash = QStringLiteral("—");
    EXPECT_EQ(indexOf("logo.bin", RepoTreeModel::TokensColumn).data().toString(), dash);
    EXPECT_EQ(indexOf("logo.bin", RepoTreeModel::LinesColumn).data().toString(), dash);
    EXPECT_FALSE(
        indexOf("logo.bin", RepoTreeModel::LinesColumn).data(RepoTreeModel::SortRole).isValid());
    EXPECT_FALSE(
        indexOf("logo.bin", RepoTreeModel::TokensColumn).data(RepoTreeModel::SortRole).isValid());
    // Its size is known.
    EXPECT_EQ(indexOf("logo.bin", RepoTreeModel::BytesColumn).data().toString(),
              QStringLiteral("21 B"));
    EXPECT_EQ(
        indexOf("logo.bin", RepoTreeModel::BytesColumn).data(RepoTreeModel::SortRole).toLongLong(),
        21);
    // A symlink is never read and has no size of its own.
    for (int column : {int(RepoTreeModel::TokensColumn), int(RepoTreeModel::BytesColumn),
                       int(RepoTreeModel::LinesColumn)}) {
        EXPECT_EQ(indexOf("link.txt", column).data().toString(), dash) << column;
        EXPECT_FALSE(indexOf("link.txt", column).data(RepoTreeModel::SortRole).isValid()) << column;
    }
    // A text file shows real figures.
    EXPECT_EQ(indexOf("small.txt", RepoTreeModel::LinesColumn).data().toString(),
              QStringLiteral("1"));
    EXPECT_EQ(
        indexOf("large.txt", RepoTreeModel::LinesColumn).data(RepoTreeModel::SortRole).toLongLong(),
        400);
}

TEST_F(RepoTreeUnknownsTest, UnknownFiguresSortLastInBothOrders) {
    // Lines: large 400, middle 20, small 1, Cargo.lock 2; logo.bin and link.txt unknown.
    const QStringList down = sortedNames(RepoTreeModel::LinesColumn, Qt::DescendingOrder);
    ASSERT_EQ(down.size(), 6) << down.join(u',').toStdString();
    EXPECT_EQ(down.mid(0, 4),
              (QStringList{QStringLiteral("large.txt"), QStringLiteral("middle.txt"),
                           QStringLiteral("Cargo.lock"), QStringLiteral("small.txt")}));
    EXPECT_EQ(down.mid(4), (QStringList{QStringLiteral("link.txt"), QStringLiteral("logo.bin")}));
    const QStringList up = sortedNames(RepoTreeModel::LinesColumn, Qt::AscendingOrder);
    EXPECT_EQ(up.mid(0, 4),
              (QStringList{QStringLiteral("small.txt"), QStringLiteral("Cargo.lock"),
                           QStringLiteral("middle.txt"), QStringLiteral("large.txt")}));
    EXPECT_EQ(up.mid(4), (QStringList{QStringLiteral("link.txt"), QStringLiteral("logo.bin")}));

    // Tokens: the same rule; the largest file first.
    const QStringList tokens = sortedNames(RepoTreeModel::TokensColumn, Qt::DescendingOrder);
    EXPECT_EQ(tokens.first(), QStringLiteral("large.txt"));
    EXPECT_EQ(tokens.mid(4), (QStringList{QStringLiteral("link.txt"), QStringLiteral("logo.bin")}));
    // Size: only the symlink is unknown.
    const QStringList sizes = sortedNames(RepoTreeModel::BytesColumn, Qt::AscendingOrder);
    EXPECT_EQ(sizes.last(), QStringLiteral("link.txt"));
    EXPECT_EQ(sizes.first(), QStringLiteral("small.txt"));
}

TEST_F(RepoTreeUnknownsTest, FiguresSortLargestFirstOnFirstClickAndNamesAToZ) {
    auto initial = [this](int column) {
        return Qt::SortOrder(
            m_proxy->headerData(column, Qt::Horizontal, Qt::InitialSortOrderRole).toInt());
    };
    EXPECT_EQ(initial(RepoTreeModel::TokensColumn), Qt::DescendingOrder);
    EXPECT_EQ(initial(RepoTreeModel::BytesColumn), Qt::DescendingOrder);
    EXPECT_EQ(initial(RepoTreeModel::LinesColumn), Qt::DescendingOrder);
    EXPECT_EQ(initial(RepoTreeModel::NameColumn), Qt::AscendingOrder);
    EXPECT_EQ(initial(RepoTreeModel::NoteColumn), Qt::AscendingOrder);
}

TEST_F(RepoTreeUnknownsTest, NotesAreWhollyInTheirTooltip) {
    // A long note: a lock file ticked by hand, pinned, in a repository with secrets
    // would be longer still; pinned + excluded + included-by-you is long enough to elide.
    const int lock = m_workspace->snapshot()->find(QByteArray("Cargo.lock"));
    m_model->setNodeChecked(lock, true);
    m_model->setPinned(lock, true);
    const QModelIndex notes = indexOf("Cargo.lock", RepoTreeModel::NoteColumn);
    const QString note = notes.data().toString();
    ASSERT_GT(note.size(), 60) << note.toStdString();
    const QString tip = notes.data(Qt::ToolTipRole).toString();
    const QString first = tip.section(QStringLiteral("\n\n"), 0, 0);
    // Wrapped at spaces into lines of at most 80 characters; nothing lost.
    QString unwrapped = first;
    unwrapped.replace(QLatin1Char('\n'), QLatin1Char(' '));
    EXPECT_EQ(unwrapped, note);
    for (const QString &line : first.split(QLatin1Char('\n')))
        EXPECT_LE(line.size(), 80) << line.toStdString();
    // The other columns' tooltips carry the note too, after the figures.
    const QString nameTip =
        indexOf("Cargo.lock", RepoTreeModel::NameColumn).data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(nameTip.endsWith(note)) << nameTip.toStdString();
    EXPECT_TRUE(nameTip.contains(QStringLiteral("Size: 19 B"))) << nameTip.toStdString();
}

} // namespace
