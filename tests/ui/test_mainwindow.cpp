// SPDX-License-Identifier: MIT
// The main window built from real services, driven the way a person does: a folder
// dropped on the window opens, is counted, fills the tree and moves the budget meter.
#include "mainwindow.h"

#include "budget/fitresultdialog.h"

#include "budget/budgetmeter.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "prompt/budget.h"
#include "prompt/systemprompt.h"
#include "repository/repopanel.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "tokenize/tokenizerregistry.h"
#include "uitestsupport.h"
#include "viewer/codeviewer.h"
#include "viewer/findbar.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <gtest/gtest.h>

#include <memory>

using reposcope::test::ModalCloser;
using reposcope::test::processEventsUntil;
using reposcope::test::ScratchRepo;
using reposcope::ui::MainWindow;
namespace models = reposcope::models;
namespace prompt = reposcope::prompt;
namespace workspace = reposcope::workspace;

namespace {

void makeSampleRepo(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral(".gitignore"), "*.log\n");
    repo.write(QStringLiteral("README.md"), "# Sample\n\nDrop me on the window.\n");
    repo.write(QStringLiteral("Cargo.lock"), "# lock\nversion = 3\n");
    repo.write(QStringLiteral("src/main.cpp"), "int main() {\n    return 0;\n}\n");
    repo.write(QStringLiteral("src/util/strings.h"), "#pragma once\nint answer();\n");
    repo.write(QStringLiteral("docs/guide.md"), "# Guide\n\nSelect files, check the budget.\n");
    repo.write(QStringLiteral("debug.log"), "ignored\n");
    repo.commitAll();
}

class MainWindowTest : public reposcope::test::ServicesTest {
protected:
    static void SetUpTestSuite() { s_syntax = std::make_unique<KSyntaxHighlighting::Repository>(); }
    static void TearDownTestSuite() { s_syntax.reset(); }

    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        EXPECT_TRUE(m_catalogWarnings.isEmpty())
            << m_catalogWarnings.join(QLatin1Char('\n')).toStdString();
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

    // Sends a drag-enter then a drop of `urls` to `target`, as the platform would.
    // Returns whether the drop was accepted; `enterAccepted` reports the drag-enter.
    static bool dropUrls(QWidget *target, const QList<QUrl> &urls, bool *enterAccepted = nullptr) {
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint pos = target->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &enter);
        if (enterAccepted)
            *enterAccepted = enter.isAccepted();
        QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &drop);
        return drop.isAccepted();
    }

    // What the meter must show for the current selection with default settings.
    QString expectedSummary() const {
        const prompt::Selection &sel = *m_workspace->selection();
        const QByteArray system = prompt::defaultSystemPrompt();
        prompt::BudgetInput in;
        in.contentTokens = sel.selected(0).tokens;
        in.packOverheadTokens = sel.selected(0).overhead + m_workspace->fixedOverhead();
        in.systemPromptTokens = m_workspace->tokenizer().count(
            std::string_view(system.constData(), size_t(system.size())));
        in.reservedOutputTokens = 8192; // the default reserve
        in.contextCap = m_window->budgetMeter()->contextCap();
        const prompt::BudgetFigures f = prompt::computeBudget(in);
        return QStringLiteral("≈%1 / %2 (%3%)")
            .arg(models::formatTokens(f.usedTokens), models::formatTokens(f.contextCap))
            .arg(f.fraction * 100, 0, 'f', 1);
    }

    QStringList topLevelNames() const {
        const QAbstractItemModel *proxy = m_window->repoPanel()->treeView()->model();
        QStringList names;
        for (int r = 0; r < proxy->rowCount(); ++r)
            names << proxy->index(r, models::RepoTreeModel::NameColumn).data().toString();
        return names;
    }

    QString figuresText() const {
        for (const QLabel *label : m_window->budgetMeter()->findChildren<QLabel *>())
            if (label->text().startsWith(QStringLiteral("Files ")))
                return label->text();
        return {};
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_syntax;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(MainWindowTest, DroppingAFolderOpensCountsAndFillsTreeAndMeter) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    ASSERT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), 0);
    const QString summaryBefore = m_window->budgetMeter()->summaryText();

    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    bool enterAccepted = false;
    EXPECT_TRUE(dropUrls(m_window.get(), {QUrl::fromLocalFile(repo.path())}, &enterAccepted));
    EXPECT_TRUE(enterAccepted);
    ASSERT_TRUE(counted.wait(60000));
    EXPECT_FALSE(counted.first().at(0).toBool());

    // The tree shows the repository's top level (folders first, ignored files absent).
    const auto *snap = m_workspace->snapshot().get();
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(QFileInfo(snap->info().rootPath).canonicalFilePath(),
              QFileInfo(repo.path()).canonicalFilePath());
    EXPECT_EQ(
        topLevelNames(),
        (QStringList{QStringLiteral("docs"), QStringLiteral("src"), QStringLiteral(".gitignore"),
                     QStringLiteral("Cargo.lock"), QStringLiteral("README.md")}));
    EXPECT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), snap->childCount(0));

    // The meter reaches the selection's figures once the last coalesced update lands.
    const qint64 selected = m_workspace->selection()->selected(0).tokens;
    ASSERT_GT(selected, 0);
    ASSERT_TRUE(processEventsUntil([&] {
        return m_window->budgetMeter()->summaryText() == expectedSummary();
    })) << "summary: "
        << m_window->budgetMeter()->summaryText().toStdString()
        << " expected: " << expectedSummary().toStdString();
    EXPECT_NE(m_window->budgetMeter()->summaryText(), summaryBefore);
    EXPECT_TRUE(figuresText().startsWith(
        QStringLiteral("Files ≈") + QLocale::system().toString(selected) + QStringLiteral(" ·")))
        << figuresText().toStdString();
    EXPECT_EQ(m_window->windowTitle(),
              QFileInfo(repo.path()).fileName() + QStringLiteral(" — RepoScope"));
}

TEST_F(MainWindowTest, DroppingASecondRepositoryReplacesTheTree) {
    ScratchRepo first;
    makeSampleRepo(first);
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    ASSERT_TRUE(dropUrls(m_window.get(), {QUrl::fromLocalFile(first.path())}));
    ASSERT_TRUE(counted.wait(60000));

    // A person has expanded, selected and filtered before dropping the next repository.
    QTreeView *tree = m_window->repoPanel()->treeView();
    tree->expandAll();
    const QAbstractItemModel *proxy = tree->model();
    const QModelIndex src = proxy->index(1, 0);
    ASSERT_EQ(src.data().toString(), QStringLiteral("src"));
    tree->setCurrentIndex(proxy->index(0, 0, proxy->index(0, 0, src)));
    ASSERT_EQ(m_window->repoPanel()->currentPath(), QStringLiteral("src/util/strings.h"));

    ScratchRepo second;
    second.initGit();
    second.write(QStringLiteral("lib/only.py"), "def only():\n    return 1\n");
    second.write(QStringLiteral("setup.py"), "setup()\n");
    second.commitAll();
    counted.clear();
    ASSERT_TRUE(dropUrls(m_window.get(), {QUrl::fromLocalFile(second.path())}));
    ASSERT_TRUE(counted.wait(60000));
    EXPECT_EQ(topLevelNames(), (QStringList{QStringLiteral("lib"), QStringLiteral("setup.py")}));
    EXPECT_TRUE(m_window->repoPanel()->currentPath().isEmpty());
    ASSERT_TRUE(processEventsUntil([&] {
        return m_window->budgetMeter()->summaryText() == expectedSummary();
    })) << m_window->budgetMeter()->summaryText().toStdString();
    EXPECT_EQ(m_window->windowTitle(),
              QFileInfo(second.path()).fileName() + QStringLiteral(" — RepoScope"));
}

TEST_F(MainWindowTest, FolderDroppedOnTheCodeViewerReachesTheWindow) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    QWidget *viewport = m_window->codeViewer()->viewport();
    QSignalSpy started(m_workspace.get(), &workspace::Workspace::scanStarted);
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    EXPECT_TRUE(dropUrls(viewport, {QUrl::fromLocalFile(repo.path())}));
    ASSERT_EQ(started.count(), 1);
    ASSERT_TRUE(counted.wait(60000));
    EXPECT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), 5);
}

TEST_F(MainWindowTest, DroppingAFileOrARemoteUrlDoesNothing) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    QSignalSpy started(m_workspace.get(), &workspace::Workspace::scanStarted);
    const QString title = m_window->windowTitle();

    bool enterAccepted = true;
    EXPECT_FALSE(dropUrls(m_window.get(),
                          {QUrl::fromLocalFile(repo.filePath(QStringLiteral("README.md")))},
                          &enterAccepted));
    EXPECT_FALSE(enterAccepted);
    enterAccepted = true;
    EXPECT_FALSE(dropUrls(m_window.get(), {QUrl(QStringLiteral("https://example.invalid/repo"))},
                          &enterAccepted));
    EXPECT_FALSE(enterAccepted);
    enterAccepted = true;
    EXPECT_FALSE(dropUrls(m_window.get(), {}, &enterAccepted));
    EXPECT_FALSE(enterAccepted);

    QCoreApplication::processEvents();
    EXPECT_EQ(started.count(), 0);
    EXPECT_EQ(m_workspace->selection(), nullptr);
    EXPECT_FALSE(m_workspace->isBusy());
    EXPECT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), 0);
    EXPECT_EQ(m_window->windowTitle(), title);

    // A file among the URLs does not hide a folder after it.
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    EXPECT_TRUE(
        dropUrls(m_window.get(), {QUrl::fromLocalFile(repo.filePath(QStringLiteral("README.md"))),
                                  QUrl::fromLocalFile(repo.filePath(QStringLiteral("src")))}));
    ASSERT_TRUE(counted.wait(60000));
    EXPECT_EQ(topLevelNames(), (QStringList{QStringLiteral("src")}));
}

TEST_F(MainWindowTest, OpeningAMissingFolderWarnsWithoutCrashing) {
    QTemporaryDir parent;
    const QString missing = parent.path() + QStringLiteral("/no-such-repository");
    ModalCloser closer;
    QSignalSpy failed(m_workspace.get(), &workspace::Workspace::scanFailed);
    m_window->openPath(missing);
    ASSERT_TRUE(failed.wait(60000));
    ASSERT_TRUE(processEventsUntil([&] { return !closer.texts().isEmpty(); }));
    EXPECT_TRUE(closer.texts().first().contains(QStringLiteral("does not exist")))
        << closer.texts().first().toStdString();
    EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
    EXPECT_TRUE(m_window->isVisible());
    EXPECT_EQ(m_workspace->selection(), nullptr);
    EXPECT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), 0);

    // The window still opens a real repository afterwards.
    ScratchRepo repo;
    makeSampleRepo(repo);
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    m_window->openPath(repo.path());
    ASSERT_TRUE(counted.wait(60000));
    EXPECT_EQ(m_window->repoPanel()->treeView()->model()->rowCount(), 5);
}

TEST_F(MainWindowTest, FitToBudgetMenuActionDeselectsUntilItFits) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("src/engine.cpp"),
               QByteArray("int value = compute(alpha, beta);\n").repeated(300));
    repo.write(QStringLiteral("tests/test_engine.cpp"),
               QByteArray("EXPECT_EQ(compute(1, 2), 3);\n").repeated(300));
    repo.commitAll();
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    m_window->openPath(repo.path());
    ASSERT_TRUE(counted.wait(60000));
    ASSERT_TRUE(processEventsUntil(
        [&] { return m_window->budgetMeter()->summaryText() == expectedSummary(); }));

    const prompt::Selection &sel = *m_workspace->selection();
    const qint64 testTokens = sel.file(sel.snapshot().find("tests/test_engine.cpp")).stats.tokens;
    ASSERT_GT(testTokens, 1000);
    const qint64 before = sel.selected(0).tokens;

    // A cap just under what the request needs: dropping the tests is enough.
    QAction *fit = nullptr;
    for (QAction *action : m_window->findChildren<QAction *>())
        if (action->text() == QStringLiteral("&Fit to Budget"))
            fit = action;
    ASSERT_NE(fit, nullptr);
    QSignalSpy fitRequested(m_window->budgetMeter(), &reposcope::ui::BudgetMeter::fitRequested);
    // Learn the fixed part the meter charges, then set the cap one token short.
    m_window->budgetMeter()->requestFit(); // fits at the catalog cap: nothing changes
    ASSERT_EQ(fitRequested.count(), 1);
    EXPECT_EQ(sel.selected(0).tokens, before);
    const qint64 fixed = fitRequested.first().at(0).toLongLong();
    const qint64 needed = fixed + sel.selected(0).tokens + sel.selected(0).overhead;
    ASSERT_GT(needed - 1, 1024);
    QSpinBox *cap = nullptr;
    for (QSpinBox *spin : m_window->budgetMeter()->findChildren<QSpinBox *>())
        if (spin->toolTip().contains(QStringLiteral("context window")))
            cap = spin;
    ASSERT_NE(cap, nullptr);
    cap->setValue(int(needed - 1));

    const qint64 costBefore = sel.selected(0).tokens + sel.selected(0).overhead;
    fit->trigger();
    // The result: a summary and the dropped file with its reason and tokens.
    auto *dialog = m_window->findChild<reposcope::ui::FitResultDialog *>();
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(processEventsUntil([&] { return dialog->isVisible(); }));
    QStringList labels;
    for (const QLabel *label : dialog->findChildren<QLabel *>())
        labels << label->text();
    const qint64 freed = costBefore - (sel.selected(0).tokens + sel.selected(0).overhead);
    EXPECT_GT(freed, testTokens); // the file's header and the tests/ folder line go too
    EXPECT_EQ(labels.join(QLatin1Char('\n')),
              QStringLiteral("Deselected 1 file(s), %1 tokens, to fit the budget.")
                  .arg(QLocale().toString(freed)));
    ASSERT_EQ(dialog->droppedList()->topLevelItemCount(), 1);
    const QTreeWidgetItem *row = dialog->droppedList()->topLevelItem(0);
    EXPECT_EQ(row->text(0), QStringLiteral("tests/test_engine.cpp"));
    EXPECT_EQ(row->text(1), QStringLiteral("test"));
    EXPECT_EQ(row->text(2), QLocale().toString(freed));
    dialog->close();
    EXPECT_EQ(sel.selected(0).tokens, before - testTokens);
    EXPECT_FALSE(sel.file(sel.snapshot().find("tests/test_engine.cpp")).checked);
    EXPECT_TRUE(sel.file(sel.snapshot().find("src/engine.cpp")).checked);
    EXPECT_EQ(m_window->budgetMeter()->summaryText(), expectedSummary());
    const QModelIndex testsRow = m_window->treeModel()->indexForNode(sel.snapshot().find("tests"));
    EXPECT_EQ(testsRow.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
}

// With a tokenizer registry the window counts with the chosen model's vocabulary: a path
// opened while that vocabulary is still loading is opened once, with it. A missing
// vocabulary falls back to the estimator and the meter says why.
TEST_F(MainWindowTest, OpensOnceWithTheModelsTokenizerOrSaysWhyNot) {
    ScratchRepo repo;
    makeSampleRepo(repo);
    for (const bool dataPresent : {true, false}) {
        const QString folder = dataPresent
                                   ? reposcope::tokenize::TokenizerRegistry::defaultDataFolder()
                                   : repo.path() + QStringLiteral("/no-such-folder");
        if (dataPresent &&
            !QFileInfo::exists(folder + QStringLiteral("/tiktoken/encoders/o200k_base.json")))
            continue; // the bootstrap installs it; without it only the fallback can be checked
        reposcope::tokenize::TokenizerRegistry registry(folder);
        m_window.reset();
        m_window = std::make_unique<MainWindow>(reposcope::ui::MainWindowServices{
            m_workspace.get(), &m_catalog, s_syntax.get(), &registry});
        m_window->budgetMeter()->selectModel(QStringLiteral("openrouter"),
                                             QStringLiteral("meta-llama/llama-4-scout"));
        QSignalSpy started(m_workspace.get(), &workspace::Workspace::scanStarted);
        QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
        m_window->openPath(repo.path());
        ASSERT_TRUE(counted.wait(60000));
        EXPECT_FALSE(started.wait(200)) << "no second scan follows";
        EXPECT_EQ(started.count(), 1);
        EXPECT_FALSE(m_workspace->countsAreExact()) << "Scout's own tokenizer is not available";
        const QString line = m_window->budgetMeter()->tokenizerLine();
        if (dataPresent) {
            EXPECT_TRUE(m_workspace->tokenizer().id().startsWith(QStringLiteral("o200k_base:")));
            EXPECT_TRUE(line.contains(QStringLiteral("closest vocabulary"))) << line.toStdString();
        } else {
            EXPECT_EQ(m_workspace->tokenizer().id(), QStringLiteral("estimate-v1"));
            EXPECT_TRUE(line.contains(QStringLiteral("could not be loaded"))) << line.toStdString();
        }
        m_window.reset();
    }
}

// One Ctrl+F for the window: it finds in the shown file unless the focus is in the tree,
// where it filters the tree; never an "ambiguous shortcut" that does nothing.
TEST_F(MainWindowTest, CtrlFFindsInTheFileOrFiltersTheTreeByFocus) {
    m_window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(m_window.get()));
    reposcope::ui::CodeViewer *viewer = m_window->codeViewer();
    auto *bar = m_window->findChild<reposcope::ui::FindBar *>();
    ASSERT_NE(bar, nullptr);
    auto *filter = m_window->repoPanel()->findChild<QLineEdit *>();
    ASSERT_NE(filter, nullptr);

    // No file shown: Ctrl+F goes to the tree's name filter.
    viewer->setFocus();
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(filter->hasFocus());
    EXPECT_TRUE(bar->isHidden());

    viewer->showText(QStringLiteral("a.cpp"), QStringLiteral("int x = 1;\nint y = x;\n"));
    viewer->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(bar->isVisible());

    bar->dismiss();
    m_window->repoPanel()->treeView()->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(filter->hasFocus());
    EXPECT_TRUE(bar->isHidden());
}
