// SPDX-License-Identifier: MIT
// The repository panel fits the screen: a MainWindow laid out for 1280×800 and 1600×1000
// over a real workspace shows the Name, Tokens, Size, Lines and Notes columns inside the
// tree's viewport, each header's text (with the sort indicator's room) fits its section,
// a figure's first click sorts largest first with unknown figures last, an empty folder
// or a repository with nothing to select says so, and the layout is saved, restored
// and reset.
#include "mainwindow.h"

#include "repository/repopanel.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDockWidget>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <gtest/gtest.h>

#include <limits>
#include <memory>

using reposcope::models::RepoTreeModel;
using reposcope::test::ScratchRepo;
using reposcope::ui::MainWindow;

namespace {

void makeRepo(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral("README.md"), "# Panel\n\nColumns that fit.\n");
    repo.write(QStringLiteral("src/server/handlers/invoices.go"),
               QByteArray("package handlers\n\nfunc List() {}\n").repeated(50));
    repo.write(QStringLiteral("src/main.go"), "package main\n\nfunc main() {}\n");
    repo.write(QStringLiteral("assets/logo.png"),
               QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 21));
    repo.write(QStringLiteral("big.txt"), QByteArray("many lines of text here\n").repeated(10));
    repo.write(QStringLiteral("go.sum"), "example.org/x v1.0.0 h1:abc=\n");
    repo.commitAll();
}

class PanelLayoutTest : public reposcope::test::ServicesTest {
protected:
    static void SetUpTestSuite() { s_syntax = std::make_unique<KSyntaxHighlighting::Repository>(); }
    static void TearDownTestSuite() { s_syntax.reset(); }

    void TearDown() override {
        m_tester.reset();
        m_window.reset();
        ServicesTest::TearDown();
    }

    // A new window laid out by default for `size` (as on a screen of that size), shown.
    void makeWindow(QSize size = {}) {
        m_tester.reset();
        m_window = std::make_unique<MainWindow>(
            reposcope::ui::MainWindowServices{m_workspace.get(), &m_catalog, s_syntax.get()});
        if (size.isValid())
            m_window->applyDefaultLayout(size);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_tester = std::make_unique<QAbstractItemModelTester>(
            tree()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    }

    QTreeView *tree() const { return m_window->repoPanel()->treeView(); }
    QHeaderView *header() const { return tree()->header(); }
    QLabel *emptyNote() const {
        return m_window->repoPanel()->findChild<QLabel *>(QStringLiteral("emptyNote"));
    }

    // Every column lies inside the viewport and its header text fits, sort indicator included.
    void expectAllColumnsVisible(const QSize &size) {
        const int viewport = tree()->viewport()->width();
        const QFontMetrics fm(header()->font());
        const int margin =
            header()->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header());
        for (int column = 0; column < RepoTreeModel::ColumnCount; ++column) {
            const QString text = tree()->model()->headerData(column, Qt::Horizontal).toString();
            SCOPED_TRACE(QStringLiteral("%1 at %2×%3")
                             .arg(text)
                             .arg(size.width())
                             .arg(size.height())
                             .toStdString());
            EXPECT_FALSE(header()->isSectionHidden(column));
            const int left = header()->sectionViewportPosition(column);
            EXPECT_GE(left, 0);
            EXPECT_LE(left + header()->sectionSize(column), viewport);
            // Qt's header keeps the indicator's room (the header's height plus a margin)
            // beside the text, and a margin on both sides.
            const int needed =
                fm.horizontalAdvance(text) + header()->height() + margin + 2 * margin;
            if (column == RepoTreeModel::NameColumn)
                EXPECT_GE(header()->sectionSize(column), 120) << "the name column is too narrow";
            else
                EXPECT_GE(header()->sectionSize(column), needed);
        }
        EXPECT_FALSE(tree()->horizontalScrollBar()->isVisible());
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_syntax;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

TEST_F(PanelLayoutTest, DefaultSizeFollowsTheScreen) {
    EXPECT_EQ(MainWindow::defaultWindowSize(QRect(0, 0, 1280, 800)), QSize(1280, 800));
    EXPECT_EQ(MainWindow::defaultWindowSize(QRect(0, 0, 1600, 1000)), QSize(1600, 1000));
    EXPECT_EQ(MainWindow::defaultWindowSize(QRect(0, 0, 2560, 1440)), QSize(1600, 1000));
    EXPECT_EQ(MainWindow::defaultWindowSize(QRect(0, 0, 1920, 1040)), QSize(1600, 1000));
}

TEST_F(PanelLayoutTest, AllColumnsVisibleAt1280And1600) {
    ScratchRepo repo;
    ASSERT_NO_FATAL_FAILURE(makeRepo(repo));
    for (const QSize size : {QSize(1280, 800), QSize(1600, 1000)}) {
        ASSERT_NO_FATAL_FAILURE(makeWindow(size));
        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, repo.path()));
        tree()->expandAll();
        ASSERT_EQ(m_window->size(), size);
        expectAllColumnsVisible(size);
        // After a sort by a figure too (its indicator is shown).
        header()->setSortIndicator(RepoTreeModel::TokensColumn, Qt::DescendingOrder);
        expectAllColumnsVisible(size);
    }
}

TEST_F(PanelLayoutTest, FirstClickOnAFigureSortsLargestFirstUnknownsLast) {
    ScratchRepo repo;
    ASSERT_NO_FATAL_FAILURE(makeRepo(repo));
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, repo.path()));
    auto click = [this](int column) {
        const int x = header()->sectionViewportPosition(column) + header()->sectionSize(column) / 2;
        QTest::mouseClick(header()->viewport(), Qt::LeftButton, {},
                          QPoint(x, header()->height() / 2));
    };
    EXPECT_EQ(header()->sortIndicatorSection(), RepoTreeModel::NameColumn);
    click(RepoTreeModel::TokensColumn);
    EXPECT_EQ(header()->sortIndicatorSection(), RepoTreeModel::TokensColumn);
    EXPECT_EQ(header()->sortIndicatorOrder(), Qt::DescendingOrder);
    // In assets/: only logo.png, unknown. At the top: folders and files by tokens, largest first.
    const QAbstractItemModel *view = tree()->model();
    qint64 previous = std::numeric_limits<qint64>::max();
    for (int r = 0; r < view->rowCount(); ++r) {
        const QModelIndex tokens = view->index(r, RepoTreeModel::TokensColumn);
        const QVariant value = tokens.data(RepoTreeModel::SortRole);
        ASSERT_TRUE(value.isValid()) << r; // every top-level row is known here
        EXPECT_LE(value.toLongLong(), previous)
            << view->index(r, 0).data().toString().toStdString();
        previous = value.toLongLong();
    }
    EXPECT_EQ(view->index(0, 0).data().toString(), QStringLiteral("src"));
    // In a folder with an unknown file, the unknown one is last.
    const QModelIndex src = view->index(0, 0);
    ASSERT_TRUE(src.isValid());
    click(RepoTreeModel::LinesColumn);
    EXPECT_EQ(header()->sortIndicatorOrder(), Qt::DescendingOrder);
    const int lastRow = view->rowCount() - 1;
    EXPECT_EQ(view->index(0, 0).data().toString(), QStringLiteral("src"));
    EXPECT_EQ(view->index(lastRow, 0).data().toString(), QStringLiteral("assets"))
        << "assets/ holds only a binary file: 0 lines";
    // The second click flips it; Name's first click is A to Z.
    click(RepoTreeModel::LinesColumn);
    EXPECT_EQ(header()->sortIndicatorOrder(), Qt::AscendingOrder);
    click(RepoTreeModel::NameColumn);
    EXPECT_EQ(header()->sortIndicatorOrder(), Qt::AscendingOrder);
    // The binary file shows a dash, not 0 lines.
    tree()->expandAll();
    const QModelIndexList logo =
        view->match(view->index(0, 0), Qt::DisplayRole, QStringLiteral("logo.png"), 1,
                    Qt::MatchRecursive | Qt::MatchExactly);
    ASSERT_EQ(logo.size(), 1);
    EXPECT_EQ(logo.first().siblingAtColumn(RepoTreeModel::LinesColumn).data().toString(),
              QStringLiteral("—"));
    EXPECT_EQ(logo.first().siblingAtColumn(RepoTreeModel::TokensColumn).data().toString(),
              QStringLiteral("—"));
}

TEST_F(PanelLayoutTest, EmptyFolderSaysSoAndWhatToDo) {
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    QTemporaryDir empty;
    ASSERT_TRUE(empty.isValid());
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, empty.path()));
    ASSERT_NE(emptyNote(), nullptr);
    EXPECT_TRUE(emptyNote()->isVisible());
    EXPECT_TRUE(emptyNote()->text().contains(QStringLiteral("This folder has no files")))
        << emptyNote()->text().toStdString();
    EXPECT_TRUE(emptyNote()->text().contains(QStringLiteral("Files to Scan")));

    // A folder with files: the note goes away.
    ScratchRepo repo;
    ASSERT_NO_FATAL_FAILURE(makeRepo(repo));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, repo.path()));
    EXPECT_FALSE(emptyNote()->isVisible());
}

TEST_F(PanelLayoutTest, RepositoryWithNoFilesOrOnlyExcludedFilesSaysSo) {
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    ScratchRepo bare; // a repository with no commit whose only file is ignored
    bare.initGit();
    bare.write(QStringLiteral(".gitignore"), "*\n");
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, bare.path()));
    EXPECT_TRUE(emptyNote()->isVisible());
    EXPECT_TRUE(emptyNote()->text().contains(QStringLiteral("This repository has no files")))
        << emptyNote()->text().toStdString();
    EXPECT_TRUE(emptyNote()->text().contains(QStringLiteral(".gitignore")));

    ScratchRepo locks; // files, all excluded by default
    locks.initGit();
    locks.write(QStringLiteral("Cargo.lock"), "# lock\nversion = 3\n");
    locks.write(QStringLiteral("package-lock.json"), "{}\n");
    locks.write(QStringLiteral("vendor/lib/x.go"), "package lib\n");
    locks.commitAll();
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, locks.path()));
    EXPECT_TRUE(emptyNote()->isVisible());
    const QString text = emptyNote()->text();
    EXPECT_TRUE(text.contains(QStringLiteral("All 3 files are excluded"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("2 lock file"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("1 vendored"))) << text.toStdString();
}

TEST_F(PanelLayoutTest, LayoutIsSavedAndRestored) {
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    m_window->resize(1100, 700);
    header()->resizeSection(RepoTreeModel::TokensColumn, 211);
    header()->resizeSection(RepoTreeModel::NoteColumn, 177);
    header()->setSortIndicator(RepoTreeModel::BytesColumn, Qt::DescendingOrder);
    m_window->findChild<QDockWidget *>(QStringLiteral("chatDock"))->hide();
    QTest::qWait(0);
    ASSERT_TRUE(m_window->close()); // saves
    ASSERT_TRUE(QSettings().contains(QStringLiteral("window/treeHeader")));

    ASSERT_NO_FATAL_FAILURE(makeWindow()); // as the app opens it: no size given
    EXPECT_EQ(m_window->size(), QSize(1100, 700));
    EXPECT_EQ(header()->sectionSize(RepoTreeModel::TokensColumn), 211);
    EXPECT_EQ(header()->sectionSize(RepoTreeModel::NoteColumn), 177);
    EXPECT_EQ(header()->sortIndicatorSection(), RepoTreeModel::BytesColumn);
    EXPECT_EQ(header()->sortIndicatorOrder(), Qt::DescendingOrder);
    EXPECT_FALSE(m_window->findChild<QDockWidget *>(QStringLiteral("chatDock"))->isVisible());
}

TEST_F(PanelLayoutTest, GeometryOffEveryScreenIsNotRestored) {
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    m_window->move(40000, 40000);
    ASSERT_TRUE(m_window->close());
    ASSERT_NO_FATAL_FAILURE(makeWindow());
    bool onAScreen = false;
    for (const QScreen *screen : QGuiApplication::screens())
        onAScreen = onAScreen || screen->availableGeometry().intersects(m_window->frameGeometry());
    EXPECT_TRUE(onAScreen) << m_window->frameGeometry().x() << "," << m_window->frameGeometry().y();
}

TEST_F(PanelLayoutTest, ResetLayoutRestoresTheDefaults) {
    ASSERT_NO_FATAL_FAILURE(makeWindow({1280, 800}));
    QList<int> defaults;
    for (int c = 1; c < RepoTreeModel::ColumnCount; ++c)
        defaults << header()->sectionSize(c);
    auto *chat = m_window->findChild<QDockWidget *>(QStringLiteral("chatDock"));
    auto *repoDock = m_window->findChild<QDockWidget *>(QStringLiteral("repositoryDock"));
    header()->resizeSection(RepoTreeModel::TokensColumn, 300);
    header()->resizeSection(RepoTreeModel::LinesColumn, 20);
    chat->hide();
    repoDock->setFloating(true);
    ASSERT_TRUE(m_window->close());
    ASSERT_TRUE(QSettings().contains(QStringLiteral("window/state")));

    ASSERT_NO_FATAL_FAILURE(makeWindow());
    auto *reset = m_window->findChild<QAction *>(QStringLiteral("resetLayoutAction"));
    ASSERT_NE(reset, nullptr);
    chat = m_window->findChild<QDockWidget *>(QStringLiteral("chatDock"));
    repoDock = m_window->findChild<QDockWidget *>(QStringLiteral("repositoryDock"));
    ASSERT_FALSE(chat->isVisible());
    reset->trigger();
    QTest::qWait(0);
    EXPECT_TRUE(chat->isVisible());
    EXPECT_FALSE(repoDock->isFloating());
    EXPECT_EQ(m_window->dockWidgetArea(repoDock), Qt::LeftDockWidgetArea);
    QList<int> now;
    for (int c = 1; c < RepoTreeModel::ColumnCount; ++c)
        now << header()->sectionSize(c);
    EXPECT_EQ(now, defaults);
    EXPECT_TRUE(m_window->statusBar()->currentMessage().contains(QStringLiteral("Layout reset")));
    EXPECT_FALSE(QSettings().contains(QStringLiteral("window/state")));
}

} // namespace
