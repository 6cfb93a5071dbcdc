// SPDX-License-Identifier: MIT
// Selection in the main window, over a real git scratch repository: Edit ▸ Undo / Redo
// name the step and walk ticks, globs, invert and reset back and forth; Selection ▸
// Reset to Defaults; pins from the tree's context menu are kept by Fit to budget and
// remembered per repository; a drop proposed as a move is taken as a copy (or a link);
// file dialogs start in the home folder or the last one used.
#include "mainwindow.h"

#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "prompt/budget.h"
#include "repository/repopanel.h"
#include "repository/startfolder.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAbstractProxyModel>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFont>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <gtest/gtest.h>

#include <memory>

using reposcope::test::processEventsUntil;
using reposcope::test::ScratchRepo;
using reposcope::ui::MainWindow;
namespace models = reposcope::models;
namespace prompt = reposcope::prompt;

namespace {

// Events whose proposed action is a move, as a file manager proposes by default.
class MoveProposedEnter : public QDragEnterEvent {
public:
    MoveProposedEnter(QPoint pos, Qt::DropActions actions, const QMimeData *mime)
        : QDragEnterEvent(pos, actions, mime, Qt::LeftButton, Qt::NoModifier) {
        m_defaultAction = Qt::MoveAction;
    }
};
class MoveProposedDrop : public QDropEvent {
public:
    MoveProposedDrop(QPointF pos, Qt::DropActions actions, const QMimeData *mime)
        : QDropEvent(pos, actions, mime, Qt::LeftButton, Qt::NoModifier) {
        m_defaultAction = Qt::MoveAction;
    }
};

class MainWindowSelectionTest : public reposcope::test::ServicesTest {
protected:
    static void SetUpTestSuite() { s_syntax = std::make_unique<KSyntaxHighlighting::Repository>(); }
    static void TearDownTestSuite() { s_syntax.reset(); }

    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_repo.initGit();
        m_repo.write(
            QStringLiteral("net/http/server.go"),
            QByteArray("func (srv *Server) Serve(l net.Listener) error {}\n").repeated(80));
        m_repo.write(QStringLiteral("net/http/client.go"),
                     QByteArray("func (c *Client) Do(req *Request) {}\n").repeated(20));
        m_repo.write(QStringLiteral("net/http/testdata/index.html"),
                     QByteArray("<p>hello</p>\n").repeated(40));
        m_repo.write(QStringLiteral("examples/hello/main.go"),
                     QByteArray("fmt.Println(\"hello\")\n").repeated(30));
        m_repo.write(QStringLiteral("docs/http.md"), QByteArray("Serving HTTP.\n").repeated(30));
        m_repo.write(QStringLiteral("go.sum"), "golang.org/x/net v0.1.0 h1:abc=\n");
        m_repo.commitAll();
        startWindow();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    }

    void startWindow() {
        m_window = std::make_unique<MainWindow>(
            reposcope::ui::MainWindowServices{m_workspace.get(), &m_catalog, s_syntax.get()});
        m_window->resize(1200, 800);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    prompt::Selection &sel() { return *m_workspace->selection(); }
    int node(const char *path) { return sel().snapshot().find(QByteArray(path)); }

    QAction *menuAction(const QString &menu, const QString &prefix) {
        for (QAction *top : m_window->menuBar()->actions())
            if (top->text().remove(QLatin1Char('&')) == menu)
                for (QAction *a : top->menu()->actions())
                    if (a->text().remove(QLatin1Char('&')).startsWith(prefix))
                        return a;
        return nullptr;
    }

    // Runs the tree's context menu on `path`'s row and triggers the entry `entry`.
    bool triggerContextEntry(const char *path, const QString &entry) {
        QTreeView *tree = m_window->repoPanel()->treeView();
        const QModelIndex source = m_window->treeModel()->indexForNode(node(path));
        auto *proxy = qobject_cast<QAbstractProxyModel *>(tree->model());
        const QModelIndex index = proxy->mapFromSource(source);
        tree->scrollTo(index);
        bool found = false;
        QTimer::singleShot(0, m_window.get(), [&] {
            auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
            if (!menu)
                return;
            for (QAction *a : menu->actions())
                if (a->text() == entry) {
                    found = true;
                    menu->close();
                    a->trigger();
                    return;
                }
            menu->close();
        });
        const QPoint pos = tree->visualRect(index).center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, pos, tree->viewport()->mapToGlobal(pos));
        QApplication::sendEvent(tree->viewport(), &event);
        return found;
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_syntax;
    ScratchRepo m_repo;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(MainWindowSelectionTest, EditMenuUndoesAndRedoesByNameAndResetGoesBackToDefaults) {
    QAction *undo = menuAction(QStringLiteral("Edit"), QStringLiteral("Undo"));
    QAction *redo = menuAction(QStringLiteral("Edit"), QStringLiteral("Redo"));
    QAction *invert = menuAction(QStringLiteral("Selection"), QStringLiteral("Invert Selection"));
    QAction *reset = menuAction(QStringLiteral("Selection"), QStringLiteral("Reset to Defaults"));
    ASSERT_TRUE(undo && redo && invert && reset);
    EXPECT_EQ(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    EXPECT_EQ(redo->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+Z")));
    EXPECT_FALSE(undo->isEnabled());

    const std::vector<bool> defaults = sel().checkedFiles();
    const int goSum = node("go.sum");
    ASSERT_FALSE(defaults[size_t(goSum)]); // a lock file is off by default

    m_window->treeModel()->checkByGlob(QStringLiteral("*.md"), false);
    const std::vector<bool> afterGlob = sel().checkedFiles();
    ASSERT_TRUE(m_window->treeModel()->setData(m_window->treeModel()->indexForNode(goSum),
                                               Qt::Checked, Qt::CheckStateRole));
    const std::vector<bool> afterTick = sel().checkedFiles();
    invert->trigger();
    const std::vector<bool> afterInvert = sel().checkedFiles();
    EXPECT_EQ(undo->text(), QStringLiteral("&Undo Invert Selection"));

    reset->trigger();
    EXPECT_EQ(sel().checkedFiles(), defaults);
    EXPECT_EQ(undo->text(), QStringLiteral("&Undo Reset to Defaults"));

    undo->trigger();
    EXPECT_EQ(sel().checkedFiles(), afterInvert);
    undo->trigger();
    EXPECT_EQ(sel().checkedFiles(), afterTick);
    EXPECT_EQ(redo->text(), QStringLiteral("&Redo Invert Selection"));
    undo->trigger();
    EXPECT_EQ(sel().checkedFiles(), afterGlob);
    EXPECT_EQ(undo->text(), QStringLiteral("&Undo Deselect *.md"));
    undo->trigger();
    EXPECT_EQ(sel().checkedFiles(), defaults);
    EXPECT_FALSE(undo->isEnabled());
    // The tree shows what the selection holds after an undo.
    EXPECT_EQ(m_window->treeModel()->indexForNode(node("docs")).data(Qt::CheckStateRole).toInt(),
              int(Qt::Checked));

    redo->trigger();
    redo->trigger();
    EXPECT_EQ(sel().checkedFiles(), afterTick);
    EXPECT_EQ(m_window->treeModel()->indexForNode(goSum).data(Qt::CheckStateRole).toInt(),
              int(Qt::Checked));
}

TEST_F(MainWindowSelectionTest, PinsFromTheTreeAreKeptByFitAndRememberedPerRepository) {
    ASSERT_TRUE(triggerContextEntry("net/http/testdata", QStringLiteral("Pin (always keep)")));
    const int testdata = node("net/http/testdata");
    EXPECT_TRUE(sel().isPinned(testdata));
    const QModelIndex row = m_window->treeModel()->indexForNode(testdata);
    EXPECT_TRUE(row.data(models::RepoTreeModel::PinnedRole).toBool());
    EXPECT_TRUE(row.data(Qt::FontRole).value<QFont>().bold());
    EXPECT_TRUE(row.siblingAtColumn(models::RepoTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("pinned")));

    // Only the pinned test data and the core sources fit: the example and docs go.
    const qint64 keep = sel().file(node("net/http/testdata/index.html")).stats.tokens +
                        sel().file(node("net/http/server.go")).stats.tokens +
                        sel().file(node("net/http/client.go")).stats.tokens;
    prompt::FitResult fit;
    m_window->treeModel()->editSelection(
        QStringLiteral("Fit to Budget"), [&](prompt::Selection &s) {
            fit = prompt::fitToBudget(s, 0, keep + s.selected(0).overhead - 1);
        });
    ASSERT_TRUE(fit.fits);
    EXPECT_EQ(fit.keptPinned, 1);
    EXPECT_EQ(fit.dropped, (QStringList{QStringLiteral("examples/hello/main.go"),
                                        QStringLiteral("docs/http.md")}));
    EXPECT_TRUE(sel().file(node("net/http/testdata/index.html")).checked);
    QAction *undo = menuAction(QStringLiteral("Edit"), QStringLiteral("Undo"));
    EXPECT_EQ(undo->text(), QStringLiteral("&Undo Fit to Budget"));

    // Reopened (a fresh window, as after a restart): the pin comes back.
    m_window.reset();
    startWindow();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    EXPECT_TRUE(sel().isPinned(node("net/http/testdata")));
    EXPECT_FALSE(sel().isPinned(node("net/http/server.go")));
    ASSERT_TRUE(triggerContextEntry("net/http/testdata", QStringLiteral("Unpin")));
    EXPECT_FALSE(sel().isPinned(node("net/http/testdata")));
    m_window.reset();
    startWindow();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    EXPECT_FALSE(sel().hasPins());
}

TEST_F(MainWindowSelectionTest, ADropProposedAsAMoveIsTakenAsACopyOrALink) {
    ScratchRepo other;
    other.write(QStringLiteral("a.c"), "int a;\n");
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(other.path())});
    const QPoint pos = m_window->rect().center();

    MoveProposedEnter enter(pos, Qt::CopyAction | Qt::MoveAction | Qt::LinkAction, &mime);
    ASSERT_EQ(enter.proposedAction(), Qt::MoveAction);
    QApplication::sendEvent(m_window.get(), &enter);
    EXPECT_TRUE(enter.isAccepted());
    EXPECT_EQ(enter.dropAction(), Qt::CopyAction);

    // Only move or link offered: a link.
    MoveProposedDrop linkOnly(QPointF(pos), Qt::MoveAction | Qt::LinkAction, &mime);
    QApplication::sendEvent(m_window.get(), &linkOnly);
    EXPECT_TRUE(linkOnly.isAccepted());
    EXPECT_EQ(linkOnly.dropAction(), Qt::LinkAction);
    ASSERT_TRUE(processEventsUntil(
        [&] { return m_workspace->snapshot() && m_workspace->snapshot()->find("a.c") > 0; }));

    // Only a move offered: refused, so the source never deletes the folder.
    MoveProposedDrop moveOnly(QPointF(pos), Qt::MoveAction, &mime);
    moveOnly.ignore();
    QApplication::sendEvent(m_window.get(), &moveOnly);
    EXPECT_FALSE(moveOnly.isAccepted());
    EXPECT_TRUE(QFileInfo::exists(other.path() + QStringLiteral("/a.c")));
}

TEST(DialogStartFolder, HomeFirstThenTheLastFolderUsedWhileItExists) {
    QSettings().remove(QStringLiteral("dialogs"));
    ASSERT_NE(QDir::currentPath(), QString()); // whatever the working folder, never it
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("exportPack")), QDir::homePath());
    EXPECT_EQ(
        reposcope::ui::dialogStartPath(QStringLiteral("exportPack"), QStringLiteral("pack.xml")),
        QDir(QDir::homePath()).filePath(QStringLiteral("pack.xml")));

    auto dir = std::make_unique<QTemporaryDir>();
    ASSERT_TRUE(dir->isValid());
    // A saved file remembers its folder; a chosen folder remembers itself.
    reposcope::ui::rememberDialogFolder(QStringLiteral("exportPack"),
                                        dir->filePath(QStringLiteral("pack.xml")));
    reposcope::ui::rememberDialogFolder(QStringLiteral("open"), dir->path());
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("exportPack")), dir->path());
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("open")), dir->path());
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("exportFindings")), QDir::homePath());

    const QString gone = dir->path();
    dir.reset(); // the folder is deleted: back to home
    ASSERT_FALSE(QFileInfo::exists(gone));
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("exportPack")), QDir::homePath());
}

// Attach Images' folder as earlier versions remembered it is still where the dialog starts.
TEST(DialogStartFolder, AttachImagesHonoursTheFolderEarlierVersionsKept) {
    QSettings().remove(QStringLiteral("dialogs"));
    QTemporaryDir old;
    ASSERT_TRUE(old.isValid());
    QSettings().setValue(QStringLiteral("chat/attachFolder"), old.path());
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("attachImages")), old.path());
    QTemporaryDir now;
    ASSERT_TRUE(now.isValid());
    reposcope::ui::rememberDialogFolder(QStringLiteral("attachImages"), now.path());
    EXPECT_EQ(reposcope::ui::dialogStartFolder(QStringLiteral("attachImages")), now.path());
    QSettings().remove(QStringLiteral("chat/attachFolder"));
}
