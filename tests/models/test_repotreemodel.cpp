// SPDX-License-Identifier: MIT
// RepoTreeModel over a real Workspace and real git scratch repositories, always under
// QAbstractItemModelTester in fatal mode: opening, counting, toggling, globs, invert and
// a second repository (model reset) must never break the model contract.
#include "repotreemodel.h"

#include "eventloop.h"
#include "prompt/selection.h"
#include "scratchrepo.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <memory>

using reposcope::models::RepoTreeModel;
using reposcope::test::processEventsUntil;
using reposcope::test::ScratchRepo;
namespace prompt = reposcope::prompt;
namespace workspace = reposcope::workspace;

namespace {

// Nested folders, a binary file, a .gitignore with ignored entries, a lock file.
void makeSampleRepo(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral(".gitignore"), "*.log\nbuild/\n");
    repo.write(QStringLiteral("README.md"),
               "# Sample\n\nA small repository for the model tests.\n");
    repo.write(QStringLiteral("Cargo.lock"),
               "# lock\n[[package]]\nname = \"sample\"\nversion = \"0.1.0\"\n");
    repo.write(QStringLiteral("assets/logo.bin"),
               QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 21));
    repo.write(QStringLiteral("src/main.cpp"),
               "#include \"util/strings.h\"\n\nint main() {\n    return util::answer();\n}\n");
    repo.write(QStringLiteral("src/util/strings.h"),
               "#pragma once\nnamespace util {\nint answer();\n}\n");
    repo.write(QStringLiteral("src/util/strings.cpp"),
               "#include \"strings.h\"\nnamespace util {\nint answer() { return 42; }\n}\n");
    repo.write(QStringLiteral("docs/guide.md"), "# Guide\n\nOpen a folder, pick files, send.\n");
    repo.write(QStringLiteral("debug.log"), "ignored by .gitignore\n");
    repo.write(QStringLiteral("build/out.o"), "ignored folder\n");
    repo.commitAll();
}

class RepoTreeModelTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_model = std::make_unique<RepoTreeModel>(m_workspace.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    }

    void TearDown() override {
        m_tester.reset();
        m_model.reset();
        WorkspaceTest::TearDown();
    }

    // Opens `path` and waits until every file is counted and the model has published
    // the last coalesced update.
    void openAndCount(const QString &path) {
        bool cancelled = true;
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(path, &cancelled));
        ASSERT_FALSE(cancelled) << "counting was cancelled";
        ASSERT_NE(m_workspace->selection(), nullptr);
        EXPECT_TRUE(m_workspace->selection()->fullyCounted());
        QSignalSpy totals(m_model.get(), &RepoTreeModel::selectionTotalsChanged);
        // The model coalesces count updates; one more totals signal follows the last batch.
        ASSERT_TRUE(totals.count() > 0 || totals.wait(10000));
    }

    const prompt::Selection &selection() const { return *m_workspace->selection(); }
    const reposcope::repo::RepoSnapshot &snapshot() const { return selection().snapshot(); }

    int node(const char *path) const {
        const int n = snapshot().find(QByteArray(path));
        EXPECT_GE(n, 0) << "no node for " << path;
        return n;
    }

    QModelIndex indexOf(const char *path, int column = RepoTreeModel::NameColumn) const {
        return m_model->indexForNode(node(path), column);
    }

    Qt::CheckState checkState(const char *path) const {
        return Qt::CheckState(indexOf(path).data(Qt::CheckStateRole).toInt());
    }

    QStringList childNames(const QModelIndex &parent) const {
        QStringList names;
        for (int r = 0; r < m_model->rowCount(parent); ++r)
            names << m_model->index(r, RepoTreeModel::NameColumn, parent).data().toString();
        return names;
    }

    // Walks the whole model and compares every level with the snapshot.
    void expectTreeMatchesSnapshot(const QModelIndex &parent, int parentNode) const {
        const auto &snap = snapshot();
        ASSERT_EQ(m_model->rowCount(parent), snap.childCount(parentNode))
            << snap.path(parentNode).constData();
        for (int r = 0; r < snap.childCount(parentNode); ++r) {
            const int child = snap.child(parentNode, r);
            const QModelIndex index = m_model->index(r, RepoTreeModel::NameColumn, parent);
            ASSERT_TRUE(index.isValid());
            EXPECT_EQ(m_model->nodeForIndex(index), child);
            EXPECT_EQ(index.data().toString(), snap.name(child));
            EXPECT_EQ(index.data(RepoTreeModel::PathRole).toString(),
                      QString::fromUtf8(snap.path(child)));
            EXPECT_EQ(index.data(RepoTreeModel::IsDirectoryRole).toBool(), snap.isDirectory(child));
            if (snap.isDirectory(child))
                expectTreeMatchesSnapshot(index, child);
        }
    }

    // Every folder's check state and token figures agree with the selection's.
    void expectFiguresMatchSelection() const {
        const auto &sel = selection();
        const auto &snap = snapshot();
        for (int n = 1; n < snap.nodeCount(); ++n) {
            const QModelIndex name = m_model->indexForNode(n);
            const QModelIndex tokens = m_model->indexForNode(n, RepoTreeModel::TokensColumn);
            EXPECT_EQ(name.data(Qt::CheckStateRole).toInt(), int(sel.checkState(n)))
                << snap.path(n).constData();
            if (snap.isDirectory(n)) {
                EXPECT_EQ(tokens.data(RepoTreeModel::SortRole).toLongLong(), sel.total(n).tokens);
                EXPECT_EQ(tokens.data().toString(),
                          QStringLiteral("≈") +
                              reposcope::models::formatTokens(sel.selected(n).tokens) +
                              QStringLiteral(" / ") +
                              reposcope::models::formatTokens(sel.total(n).tokens));
            } else {
                EXPECT_EQ(tokens.data(RepoTreeModel::SortRole).toLongLong(),
                          qint64(sel.file(n).stats.tokens));
            }
        }
    }

    std::unique_ptr<RepoTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

// Does one dataChanged emission cover `index` (same parent, row and column in range)?
bool covers(const QSignalSpy &spy, const QModelIndex &index) {
    for (const QList<QVariant> &args : spy) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        if (topLeft.parent() == index.parent() && topLeft.row() <= index.row() &&
            index.row() <= bottomRight.row() && topLeft.column() <= index.column() &&
            index.column() <= bottomRight.column())
            return true;
    }
    return false;
}

} // namespace

TEST_F(RepoTreeModelTest, EmptyBeforeAnythingIsOpened) {
    EXPECT_EQ(m_model->rowCount(), 0);
    EXPECT_EQ(m_model->columnCount(), int(RepoTreeModel::ColumnCount));
    EXPECT_FALSE(m_model->index(0, 0).isValid());
    EXPECT_EQ(m_model->headerData(RepoTreeModel::NoteColumn, Qt::Horizontal).toString(),
              QStringLiteral("Notes"));
}

TEST_F(RepoTreeModelTest, RowsMatchTheSnapshotAndGitignoreIsHonoured) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    openAndCount(repo.path());
    EXPECT_EQ(reset.count(), 1);

    // Folders first, then files, each by name; ignored entries are not listed.
    EXPECT_EQ(childNames({}),
              (QStringList{QStringLiteral("assets"), QStringLiteral("docs"), QStringLiteral("src"),
                           QStringLiteral(".gitignore"), QStringLiteral("Cargo.lock"),
                           QStringLiteral("README.md")}));
    EXPECT_EQ(childNames(indexOf("src")),
              (QStringList{QStringLiteral("util"), QStringLiteral("main.cpp")}));
    EXPECT_EQ(childNames(indexOf("src/util")),
              (QStringList{QStringLiteral("strings.cpp"), QStringLiteral("strings.h")}));
    expectTreeMatchesSnapshot({}, 0);
    EXPECT_EQ(snapshot().find("debug.log"), -1);
    EXPECT_EQ(snapshot().find("build/out.o"), -1);
    EXPECT_EQ(snapshot().fileCount(), repo.gitLsFiles().size());

    // A file never has children, and its row says so.
    const QModelIndex mainCpp = indexOf("src/main.cpp");
    EXPECT_EQ(m_model->rowCount(mainCpp), 0);
    EXPECT_TRUE(m_model->flags(mainCpp) & Qt::ItemNeverHasChildren);
    EXPECT_TRUE(m_model->flags(mainCpp) & Qt::ItemIsUserCheckable);
    EXPECT_EQ(m_model->parent(mainCpp), indexOf("src"));
}

TEST_F(RepoTreeModelTest, ExcludedFilesCarryTheirReason) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    openAndCount(repo.path());

    const QModelIndex lock = indexOf("Cargo.lock");
    EXPECT_TRUE(lock.data(RepoTreeModel::ExcludedRole).toBool());
    EXPECT_EQ(lock.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    EXPECT_EQ(indexOf("Cargo.lock", RepoTreeModel::NoteColumn).data().toString(),
              QStringLiteral("lock file"));

    const QModelIndex binary = indexOf("assets/logo.bin");
    EXPECT_TRUE(binary.data(RepoTreeModel::ExcludedRole).toBool());
    EXPECT_EQ(binary.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    EXPECT_EQ(indexOf("assets/logo.bin", RepoTreeModel::NoteColumn).data().toString(),
              QStringLiteral("binary"));
    EXPECT_EQ(indexOf("assets/logo.bin", RepoTreeModel::TokensColumn).data().toString(),
              QStringLiteral("—"));
    EXPECT_EQ(checkState("assets"), Qt::Unchecked);

    const QModelIndex source = indexOf("src/main.cpp");
    EXPECT_FALSE(source.data(RepoTreeModel::ExcludedRole).toBool());
    EXPECT_TRUE(indexOf("src/main.cpp", RepoTreeModel::NoteColumn).data().toString().isEmpty());
    EXPECT_FALSE(indexOf("src").data(RepoTreeModel::ExcludedRole).toBool());

    // Ticking an excluded file overrides the reason, and the note says so.
    ASSERT_TRUE(m_model->setData(lock, Qt::Checked, Qt::CheckStateRole));
    EXPECT_EQ(lock.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    EXPECT_EQ(indexOf("Cargo.lock", RepoTreeModel::NoteColumn).data().toString(),
              QStringLiteral("lock file (included by you)"));
    expectFiguresMatchSelection();
}

TEST_F(RepoTreeModelTest, TokenFiguresEqualTheSelection) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    openAndCount(repo.path());

    const auto &sel = selection();
    EXPECT_GT(sel.selected(0).tokens, 0);
    const int mainCpp = node("src/main.cpp");
    EXPECT_GT(sel.file(mainCpp).stats.tokens, 0);
    EXPECT_EQ(indexOf("src/main.cpp", RepoTreeModel::TokensColumn).data().toString(),
              QStringLiteral("≈") +
                  QLocale::system().toString(qint64(sel.file(mainCpp).stats.tokens)));
    // A folder's figure is the sum of its files.
    EXPECT_EQ(sel.total(node("src")).tokens,
              sel.file(mainCpp).stats.tokens + sel.total(node("src/util")).tokens);
    expectFiguresMatchSelection();
}

TEST_F(RepoTreeModelTest, TogglingAFileMakesItsFoldersPartialAndBack) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    openAndCount(repo.path());

    ASSERT_EQ(checkState("src"), Qt::Checked);
    ASSERT_EQ(checkState("src/util"), Qt::Checked);
    const qint64 before = selection().selected(0).tokens;
    const qint64 fileTokens = selection().file(node("src/util/strings.h")).stats.tokens;
    ASSERT_GT(fileTokens, 0);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy totals(m_model.get(), &RepoTreeModel::selectionTotalsChanged);
    const QModelIndex header = indexOf("src/util/strings.h");
    ASSERT_TRUE(m_model->setData(header, Qt::Unchecked, Qt::CheckStateRole));

    EXPECT_EQ(checkState("src/util/strings.h"), Qt::Unchecked);
    EXPECT_EQ(checkState("src/util"), Qt::PartiallyChecked);
    EXPECT_EQ(checkState("src"), Qt::PartiallyChecked);
    EXPECT_EQ(checkState("docs"), Qt::Checked);
    EXPECT_EQ(selection().selected(0).tokens, before - fileTokens);
    EXPECT_EQ(totals.count(), 1);
    // The toggled row and every ancestor row a view shows are announced.
    EXPECT_TRUE(covers(changed, header));
    EXPECT_TRUE(covers(changed, indexOf("src/util", RepoTreeModel::TokensColumn)));
    EXPECT_TRUE(covers(changed, indexOf("src", RepoTreeModel::TokensColumn)));
    expectFiguresMatchSelection();

    changed.clear();
    ASSERT_TRUE(m_model->setData(header, Qt::Checked, Qt::CheckStateRole));
    EXPECT_EQ(checkState("src/util"), Qt::Checked);
    EXPECT_EQ(checkState("src"), Qt::Checked);
    EXPECT_EQ(selection().selected(0).tokens, before);
    EXPECT_TRUE(covers(changed, header));
    EXPECT_TRUE(covers(changed, indexOf("src", RepoTreeModel::NoteColumn)));
    expectFiguresMatchSelection();
}

TEST_F(RepoTreeModelTest, TogglingAFolderUpdatesEveryVisibleRowBelow) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    openAndCount(repo.path());

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const QModelIndex src = indexOf("src");
    ASSERT_TRUE(m_model->setData(src, Qt::Unchecked, Qt::CheckStateRole));
    EXPECT_EQ(checkState("src"), Qt::Unchecked);
    EXPECT_EQ(checkState("src/util"), Qt::Unchecked);
    EXPECT_EQ(checkState("src/util/strings.cpp"), Qt::Unchecked);
    EXPECT_EQ(selection().selected(node("src")).tokens, 0);
    EXPECT_TRUE(covers(changed, src));
    EXPECT_TRUE(covers(changed, indexOf("src/main.cpp")));
    EXPECT_TRUE(covers(changed, indexOf("src/util/strings.cpp", RepoTreeModel::TokensColumn)));
    expectFiguresMatchSelection();

    // A partially checked folder becomes fully checked when clicked.
    ASSERT_TRUE(m_model->setData(indexOf("src/main.cpp"), Qt::Checked, Qt::CheckStateRole));
    ASSERT_EQ(checkState("src"), Qt::PartiallyChecked);
    ASSERT_TRUE(m_model->setData(src, Qt::PartiallyChecked, Qt::CheckStateRole));
    EXPECT_EQ(checkState("src"), Qt::Checked);
    EXPECT_EQ(checkState("src/util/strings.h"), Qt::Checked);

    // Only the check state of the name column is editable.
    EXPECT_FALSE(m_model->setData(indexOf("src", RepoTreeModel::TokensColumn), Qt::Unchecked,
                                  Qt::CheckStateRole));
    EXPECT_FALSE(m_model->setData(src, QStringLiteral("renamed"), Qt::EditRole));
    EXPECT_EQ(checkState("src"), Qt::Checked);
    expectFiguresMatchSelection();
}

TEST_F(RepoTreeModelTest, GlobsAndInvertRefreshTheRows) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    openAndCount(repo.path());

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy totals(m_model.get(), &RepoTreeModel::selectionTotalsChanged);
    EXPECT_EQ(m_model->checkByGlob(QStringLiteral("*.md"), false), 2);
    EXPECT_EQ(checkState("README.md"), Qt::Unchecked);
    EXPECT_EQ(checkState("docs"), Qt::Unchecked);
    EXPECT_EQ(checkState("src"), Qt::Checked);
    EXPECT_EQ(totals.count(), 1);
    EXPECT_TRUE(covers(changed, indexOf("README.md")));
    EXPECT_TRUE(covers(changed, indexOf("docs/guide.md")));
    expectFiguresMatchSelection();

    EXPECT_EQ(m_model->checkByGlob(QStringLiteral("src/**"), false), 3);
    EXPECT_EQ(checkState("src"), Qt::Unchecked);
    EXPECT_EQ(m_model->checkByGlob(QStringLiteral("src/util/*"), true), 2);
    EXPECT_EQ(checkState("src"), Qt::PartiallyChecked);
    EXPECT_EQ(checkState("src/util"), Qt::Checked);
    expectFiguresMatchSelection();

    // Invert: what was off comes on, except excluded files (lock file, binary).
    changed.clear();
    m_model->invertSelection();
    EXPECT_EQ(checkState("README.md"), Qt::Checked);
    EXPECT_EQ(checkState("src/main.cpp"), Qt::Checked);
    EXPECT_EQ(checkState("src/util"), Qt::Unchecked);
    EXPECT_EQ(checkState("Cargo.lock"), Qt::Unchecked);
    EXPECT_EQ(checkState("assets/logo.bin"), Qt::Unchecked);
    EXPECT_TRUE(covers(changed, indexOf("src/util/strings.h")));
    EXPECT_TRUE(covers(changed, indexOf("README.md", RepoTreeModel::TokensColumn)));
    expectFiguresMatchSelection();

    EXPECT_EQ(m_model->selectOnly({QByteArray("src/main.cpp")}), 1);
    EXPECT_EQ(selection().selected(0).files, 1);
    EXPECT_EQ(checkState("src"), Qt::PartiallyChecked);
    expectFiguresMatchSelection();
}

TEST_F(RepoTreeModelTest, OpeningASecondRepositoryResetsTheModel) {
    ScratchRepo first;
    makeSampleRepo(first);
    openAndCount(first.path());
    // Touch every row so the model tracks them, then change the selection.
    expectTreeMatchesSnapshot({}, 0);
    ASSERT_TRUE(m_model->setData(indexOf("src/main.cpp"), Qt::Unchecked, Qt::CheckStateRole));

    ScratchRepo second;
    second.initGit();
    second.write(QStringLiteral("lib/a/b/c/deep.py"), "def deep():\n    return 1\n");
    second.write(QStringLiteral("lib/top.py"), "import a\n");
    second.write(QStringLiteral("setup.py"), "from setuptools import setup\nsetup()\n");
    second.commitAll();

    QSignalSpy aboutToReset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    openAndCount(second.path());
    EXPECT_EQ(aboutToReset.count(), 1);
    EXPECT_EQ(reset.count(), 1);
    EXPECT_EQ(childNames({}), (QStringList{QStringLiteral("lib"), QStringLiteral("setup.py")}));
    expectTreeMatchesSnapshot({}, 0);
    EXPECT_EQ(checkState("lib"), Qt::Checked);
    expectFiguresMatchSelection();

    // Toggling deep inside the new tree still announces the right rows.
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const QModelIndex deep = indexOf("lib/a/b/c/deep.py");
    ASSERT_TRUE(m_model->setData(deep, Qt::Unchecked, Qt::CheckStateRole));
    EXPECT_EQ(checkState("lib/a"), Qt::Unchecked);
    EXPECT_EQ(checkState("lib"), Qt::PartiallyChecked);
    EXPECT_TRUE(covers(changed, deep));
    EXPECT_TRUE(covers(changed, indexOf("lib/a")));
    EXPECT_TRUE(covers(changed, indexOf("lib")));
    expectFiguresMatchSelection();

    // And back to the first, whose selection starts afresh.
    openAndCount(first.path());
    EXPECT_EQ(reset.count(), 2);
    expectTreeMatchesSnapshot({}, 0);
    EXPECT_EQ(checkState("src"), Qt::Checked);
}

// Views and proxies query the model while it announces a reset; at that moment it must
// still describe the old tree, never the new snapshot through the old structure.
TEST_F(RepoTreeModelTest, AnnouncesAResetWhileStillShowingTheOldTree) {
    ScratchRepo first;
    makeSampleRepo(first);
    openAndCount(first.path());
    const QStringList oldNames = childNames({});
    const QPersistentModelIndex oldFolder(indexOf("assets")); // node 1: a folder
    ASSERT_EQ(m_model->nodeForIndex(oldFolder), 1);

    ScratchRepo second; // node 1 is a file here
    second.initGit();
    second.write(QStringLiteral("a.txt"), "alpha\n");
    second.write(QStringLiteral("b.txt"), "beta\n");
    second.commitAll();

    QStringList namesDuringReset;
    QVariant folderNameDuringReset;
    Qt::ItemFlags folderFlagsDuringReset;
    QObject::connect(m_model.get(), &QAbstractItemModel::modelAboutToBeReset, m_model.get(), [&] {
        namesDuringReset = childNames({});
        folderNameDuringReset = oldFolder.data();
        folderFlagsDuringReset = m_model->flags(oldFolder);
    });
    openAndCount(second.path());
    EXPECT_EQ(namesDuringReset, oldNames);
    EXPECT_EQ(folderNameDuringReset.toString(), QStringLiteral("assets"));
    EXPECT_FALSE(folderFlagsDuringReset & Qt::ItemNeverHasChildren);
    // After the reset the old index is gone and the new tree is in place.
    EXPECT_FALSE(oldFolder.isValid());
    EXPECT_EQ(childNames({}), (QStringList{QStringLiteral("a.txt"), QStringLiteral("b.txt")}));
}

TEST_F(RepoTreeModelTest, StaysConsistentWhileToggledDuringCounting) {
    ScratchRepo repo;
    repo.initGit();
    for (int d = 0; d < 8; ++d)
        for (int f = 0; f < 25; ++f)
            repo.write(QStringLiteral("pkg%1/sub/file%2.txt").arg(d).arg(f),
                       QByteArray("some words to count ").repeated(20 + f));
    repo.commitAll();

    QSignalSpy opened(m_workspace.get(), &workspace::Workspace::opened);
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    reposcope::repo::ScanOptions options;
    options.path = repo.path();
    m_workspace->open(options);
    ASSERT_TRUE(opened.wait(60000));
    // Toggle while batches may still be arriving; the tester checks every signal.
    expectTreeMatchesSnapshot({}, 0);
    ASSERT_TRUE(m_model->setData(indexOf("pkg3"), Qt::Unchecked, Qt::CheckStateRole));
    m_model->checkByGlob(QStringLiteral("file1*.txt"), false);
    ASSERT_TRUE(counted.count() > 0 || counted.wait(60000));
    ASSERT_TRUE(processEventsUntil([&] { return selection().fullyCounted(); }));
    EXPECT_EQ(checkState("pkg3"), Qt::Unchecked);
    EXPECT_EQ(checkState("pkg0"), Qt::PartiallyChecked);
    expectFiguresMatchSelection();
}

namespace {
// A second, genuinely different tokenizer: one token per byte.
struct ByteTokenizer final : reposcope::tokenize::Tokenizer {
    QString id() const override { return QStringLiteral("bytes-v1"); }
    QString displayName() const override { return QStringLiteral("bytes"); }
    bool isExact() const override { return true; }
    qint64 count(std::string_view utf8) const override { return qint64(utf8.size()); }
};
} // namespace

TEST_F(RepoTreeModelTest, ATokenizerSwitchKeepsTheRowsAndChangesOnlyTheFigures) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    ASSERT_NO_FATAL_FAILURE(openAndCount(repo.path()));
    m_workspace->selection()->setChecked(node("docs/guide.md"), false);
    const reposcope::repo::SnapshotPtr before = m_workspace->snapshot();
    const QModelIndex mainIndex = indexOf("src/main.cpp");
    const QPersistentModelIndex kept(mainIndex);
    (void)m_model->rowCount(indexOf("src")); // the view has asked about src

    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy finished(m_workspace.get(), &workspace::Workspace::countingFinished);
    m_workspace->setTokenizer(std::make_shared<const ByteTokenizer>(), true);
    ASSERT_TRUE(finished.wait(60000));
    ASSERT_TRUE(processEventsUntil([&] {
        return m_model->indexForNode(node("src/main.cpp"), RepoTreeModel::TokensColumn)
                   .data()
                   .toString() ==
               QLocale::system().toString(selection().file(node("src/main.cpp")).stats.tokens);
    }));

    EXPECT_EQ(resets.count(), 0); // no reset: views keep expansion, scroll and current row
    EXPECT_GT(changed.count(), 0);
    EXPECT_EQ(m_workspace->snapshot(), before);
    EXPECT_TRUE(kept.isValid());
    EXPECT_EQ(m_model->nodeForIndex(kept), node("src/main.cpp"));
    // The figures are the byte counter's; the user's selection is kept.
    EXPECT_EQ(qint64(selection().file(node("src/main.cpp")).stats.tokens),
              selection().total(node("src/main.cpp")).bytes);
    EXPECT_FALSE(selection().file(node("docs/guide.md")).checked);
    EXPECT_TRUE(selection().file(node("src/main.cpp")).checked);
}
