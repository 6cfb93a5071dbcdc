// SPDX-License-Identifier: MIT
// Selection ▸ Presets in the window: saving and loading restores exactly the ticked files,
// Undo after a load brings the previous selection back, rename and delete (with Undo, by the
// strip's button and by Ctrl+Z) in Manage Presets, and a preset of another repository is not
// offered. The presets file is really written and read (off the UI thread).
#include "eventloop.h"
#include "mainwindow.h"
#include "repository/presetscontroller.h"
#include "repository/presetsdialog.h"
#include "repository/presetsmenu.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "selectionhistory.h"
#include "uitestsupport.h"
#include "workspace/selectionpresets.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;
using ui::PresetsController;

namespace {

class PresetsWindowTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_repo.initGit();
        m_repo.write(QStringLiteral("server/api.go"), "package server\nfunc API() {}\n");
        m_repo.write(QStringLiteral("server/db/store.go"), "package db\nfunc Store() {}\n");
        m_repo.write(QStringLiteral("web/app.ts"), "export const app = 1;\n");
        m_repo.write(QStringLiteral("docs/guide.md"), "# Guide\n");
        m_repo.commitAll();
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_presets = m_window->findChild<PresetsController *>(QStringLiteral("presetsController"));
        ASSERT_NE(m_presets, nullptr);
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    void openAndWaitForPresets(const QString &path) {
        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, path));
        ASSERT_TRUE(processEventsUntil([&] {
            return m_presets->isReady() &&
                   m_presets->repositoryRoot() == m_workspace->snapshot()->info().rootPath;
        }));
    }

    void waitForWrite() {
        ASSERT_TRUE(processEventsUntil([&] { return !m_presets->isWriting(); }));
    }

    QList<QByteArray> ticked() const {
        QList<QByteArray> out;
        const prompt::Selection &sel = *m_workspace->selection();
        for (const int n : sel.selectedFiles())
            out << sel.snapshot().path(n);
        return out;
    }

    models::RepoTreeModel *model() const { return m_window->treeModel(); }
    // The preset names the menu offers, in order.
    QStringList menuEntries() const {
        auto *menu = m_window->findChild<ui::PresetsMenu *>(QStringLiteral("presetsMenu"));
        QStringList names;
        if (!menu)
            return {QStringLiteral("<no menu>")};
        for (QAction *a : menu->actions())
            if (a->data().isValid())
                names << a->data().toString();
        return names;
    }

    KSyntaxHighlighting::Repository m_syntax;
    ScratchRepo m_repo;
    std::unique_ptr<ui::MainWindow> m_window;
    PresetsController *m_presets = nullptr;
};

TEST_F(PresetsWindowTest, SaveThenLoadRestoresExactlyTheTickedFilesAndUndoBringsTheOldBack) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    model()->selectOnly({"server/api.go", "server/db/store.go", "docs/guide.md"});
    const QList<QByteArray> saved = ticked();
    ASSERT_EQ(saved.size(), 3);
    ASSERT_TRUE(m_presets->saveSelectionAs(QStringLiteral("backend only")).ok());
    ASSERT_NO_FATAL_FAILURE(waitForWrite());
    EXPECT_EQ(menuEntries(), QStringList{QStringLiteral("backend only")});

    // The file is real and holds the folder compacted.
    const Result<workspace::PresetFile> file =
        workspace::PresetFile::load(workspace::PresetFile::userFileFor(m_repo.path()));
    ASSERT_TRUE(file.ok());
    ASSERT_NE(file->find(QStringLiteral("backend only")), nullptr);
    EXPECT_TRUE(file->find(QStringLiteral("backend only"))->paths.contains("server/"));

    model()->selectOnly({"web/app.ts"});
    const QList<QByteArray> before = ticked();
    const int steps = model()->history()->stack()->count();
    QSignalSpy loaded(m_presets, &PresetsController::presetLoaded);
    ASSERT_TRUE(m_presets->load(QStringLiteral("backend only")));
    EXPECT_EQ(ticked(), saved);
    ASSERT_EQ(loaded.size(), 1);
    EXPECT_EQ(loaded[0][1].toString(), QString()); // nothing missing
    EXPECT_EQ(model()->history()->stack()->count(), steps + 1);
    EXPECT_EQ(model()->history()->stack()->undoText(),
              QStringLiteral("Load Preset 'backend only'"));
    EXPECT_EQ(model()
                  ->data(model()->indexForNode(m_workspace->snapshot()->find("server")),
                         Qt::CheckStateRole)
                  .toInt(),
              Qt::Checked);

    model()->history()->stack()->undo();
    EXPECT_EQ(ticked(), before);
    model()->history()->stack()->redo();
    EXPECT_EQ(ticked(), saved);

    // A preset saved earlier, then a file deleted: loading says which path is gone.
    m_repo.write(QStringLiteral("extra.txt"), "x\n");
    m_repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    model()->selectOnly({"extra.txt", "web/app.ts"});
    ASSERT_TRUE(m_presets->saveSelectionAs(QStringLiteral("with extra")).ok());
    ASSERT_NO_FATAL_FAILURE(waitForWrite());
    QFile::remove(m_repo.filePath(QStringLiteral("extra.txt")));
    m_repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    QSignalSpy loadedAgain(m_presets, &PresetsController::presetLoaded);
    ASSERT_TRUE(m_presets->load(QStringLiteral("with extra")));
    ASSERT_EQ(loadedAgain.size(), 1);
    EXPECT_EQ(loadedAgain[0][1].toString(),
              QStringLiteral("1 path of \"with extra\" is no longer in the repository: extra.txt"));
    EXPECT_EQ(ticked(), (QList<QByteArray>{"web/app.ts"}));
}

TEST_F(PresetsWindowTest, ManageDialogRenamesAndDeletesWithUndo) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    model()->selectOnly({"web/app.ts"});
    ASSERT_TRUE(m_presets->saveSelectionAs(QStringLiteral("frontend")).ok());
    model()->selectOnly({"server/api.go"});
    ASSERT_TRUE(m_presets->saveSelectionAs(QStringLiteral("api")).ok());
    ASSERT_NO_FATAL_FAILURE(waitForWrite());

    ui::PresetsDialog dialog(m_presets, m_window.get());
    dialog.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&dialog));
    ASSERT_EQ(dialog.list()->count(), 2);

    // Rename in place, as F2 and typing do.
    QListWidgetItem *item = dialog.itemFor(QStringLiteral("frontend"));
    ASSERT_NE(item, nullptr);
    item->setText(QStringLiteral("web only"));
    EXPECT_EQ(menuEntries(), (QStringList{QStringLiteral("web only"), QStringLiteral("api")}));
    // A taken name is refused and the item keeps its name.
    dialog.itemFor(QStringLiteral("api"))->setText(QStringLiteral("web only"));
    EXPECT_NE(dialog.itemFor(QStringLiteral("api")), nullptr);
    EXPECT_TRUE(dialog.findChild<QLabel *>(QStringLiteral("presetMessage"))
                    ->text()
                    .contains(QStringLiteral("already a preset named")));

    // Delete, then the strip's Undo.
    dialog.list()->setCurrentItem(dialog.itemFor(QStringLiteral("web only")));
    auto *deleteButton = dialog.findChild<QPushButton *>(QStringLiteral("deletePresetButton"));
    auto *undoButton = dialog.findChild<QPushButton *>(QStringLiteral("undoDeleteButton"));
    ASSERT_TRUE(deleteButton && undoButton);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    EXPECT_EQ(menuEntries(), QStringList{QStringLiteral("api")});
    EXPECT_TRUE(undoButton->isVisible());
    QTest::mouseClick(undoButton, Qt::LeftButton);
    EXPECT_EQ(menuEntries(), (QStringList{QStringLiteral("web only"), QStringLiteral("api")}));
    EXPECT_FALSE(undoButton->isVisible());

    // Delete with the key, undo with Ctrl+Z in the dialog.
    dialog.activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&dialog));
    dialog.list()->setFocus();
    dialog.list()->setCurrentItem(dialog.itemFor(QStringLiteral("api")));
    QTest::keyClick(dialog.list(), Qt::Key_Delete);
    EXPECT_EQ(menuEntries(), QStringList{QStringLiteral("web only")});
    QTest::keyClick(dialog.list(), Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(menuEntries(), (QStringList{QStringLiteral("web only"), QStringLiteral("api")}));

    // What is on disk follows.
    ASSERT_NO_FATAL_FAILURE(waitForWrite());
    const Result<workspace::PresetFile> file =
        workspace::PresetFile::load(workspace::PresetFile::userFileFor(m_repo.path()));
    ASSERT_TRUE(file.ok());
    ASSERT_EQ(file->presets().size(), 2);
    EXPECT_EQ(file->presets()[0].name, QStringLiteral("web only"));
    EXPECT_EQ(file->presets()[0].paths, (QList<QByteArray>{"web/"})); // the whole folder
    EXPECT_EQ(file->presets()[1].name, QStringLiteral("api"));

    // Load from the dialog.
    dialog.list()->setCurrentItem(dialog.itemFor(QStringLiteral("web only")));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("loadPresetButton")),
                      Qt::LeftButton);
    EXPECT_EQ(ticked(), (QList<QByteArray>{"web/app.ts"}));
}

TEST_F(PresetsWindowTest, RepositoryPresetsAreReadOnlyAndOtherRepositoriesPresetsAreNotShown) {
    m_repo.write(QStringLiteral(".reposcope/presets.json"),
                 R"({"version":1,"presets":[{"name":"security surface","paths":["server/db/"]}]})");
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    model()->selectOnly({"web/app.ts"});
    ASSERT_TRUE(m_presets->saveSelectionAs(QStringLiteral("mine")).ok());
    ASSERT_NO_FATAL_FAILURE(waitForWrite());
    EXPECT_EQ(menuEntries(),
              (QStringList{QStringLiteral("mine"), QStringLiteral("security surface")}));
    EXPECT_FALSE(m_presets->rename(QStringLiteral("security surface"), QStringLiteral("x")).ok());
    EXPECT_FALSE(m_presets->remove(QStringLiteral("security surface")));
    ASSERT_TRUE(m_presets->load(QStringLiteral("security surface")));
    EXPECT_EQ(ticked(), (QList<QByteArray>{"server/db/store.go"}));

    ui::PresetsDialog dialog(m_presets, m_window.get());
    dialog.list()->setCurrentItem(dialog.itemFor(QStringLiteral("security surface")));
    EXPECT_FALSE(
        dialog.findChild<QPushButton *>(QStringLiteral("deletePresetButton"))->isEnabled());
    EXPECT_FALSE(dialog.itemFor(QStringLiteral("security surface"))->flags() & Qt::ItemIsEditable);

    ScratchRepo other;
    other.initGit();
    other.write(QStringLiteral("main.c"), "int main(void) { return 0; }\n");
    other.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(other.path()));
    EXPECT_TRUE(menuEntries().isEmpty()) << menuEntries().join(u',').toStdString();
    EXPECT_FALSE(m_presets->load(QStringLiteral("mine")));
    EXPECT_EQ(dialog.list()->count(), 0);

    // And back: the first repository's presets are there again.
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    EXPECT_EQ(menuEntries(),
              (QStringList{QStringLiteral("mine"), QStringLiteral("security surface")}));
}

TEST_F(PresetsWindowTest, ACorruptPresetsFileIsReportedAndNotSavedOver) {
    const QString file = workspace::PresetFile::userFileFor(m_repo.path());
    QDir().mkpath(QFileInfo(file).absolutePath());
    {
        QFile f(file);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("{\"version\":1,\"presets\":[{\"name\":");
    }
    QSignalSpy problems(m_presets, &PresetsController::problemOccurred);
    ASSERT_NO_FATAL_FAILURE(openAndWaitForPresets(m_repo.path()));
    ASSERT_GE(problems.size(), 1);
    EXPECT_TRUE(problems[0][0].toString().contains(QStringLiteral("correct it or move it away")));
    const Result<Ok> saved = m_presets->saveSelectionAs(QStringLiteral("x"));
    ASSERT_FALSE(saved.ok());
    EXPECT_TRUE(saved.error().message.contains(QStringLiteral("not overwritten")));
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), QByteArray("{\"version\":1,\"presets\":[{\"name\":"));
}

} // namespace
