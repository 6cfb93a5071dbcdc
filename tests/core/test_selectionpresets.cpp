// SPDX-License-Identifier: MIT
// Selection presets: a real scratch repository opened by a Workspace, the selection captured
// as a preset (folders compacted), written, read back and applied; paths that are gone are
// reported; corrupt files are reported and never saved over; repository presets are
// read-only; name rules.
#include "scratchrepo.h"
#include "workspace/presetselection.h"
#include "workspace/selectionpresets.h"
#include "workspacetest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>

using namespace reposcope;
using namespace reposcope::test;
using workspace::applicationOf;
using workspace::applyPreset;
using workspace::PresetFile;
using workspace::presetFromSelection;
using workspace::RepositoryPresets;
using workspace::SelectionPreset;

namespace {

void writeFile(const QString &path, const QByteArray &bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QByteArray readFile(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class SelectionPresetsTest : public WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        m_repo.initGit();
        m_repo.write(QStringLiteral("server/api.go"), "package server\nfunc API() {}\n");
        m_repo.write(QStringLiteral("server/db/store.go"), "package db\nfunc Store() {}\n");
        m_repo.write(QStringLiteral("server/vendor/lib/x.go"), "package lib\n"); // vendored
        m_repo.write(QStringLiteral("web/app.ts"), "export const app = 1;\n");
        m_repo.write(QStringLiteral("web/util.ts"), "export const util = 2;\n");
        m_repo.write(QStringLiteral("docs/guide.md"), "# Guide\n");
        m_repo.write(QStringLiteral("schema.sql"), "create table t (id int);\n");
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        ASSERT_NE(m_workspace->selection(), nullptr);
    }

    prompt::Selection &sel() { return *m_workspace->selection(); }
    int node(const char *path) { return sel().snapshot().find(QByteArray(path)); }
    QList<QByteArray> checkedPaths() {
        QList<QByteArray> out;
        for (const int n : sel().selectedFiles())
            out << sel().snapshot().path(n);
        return out;
    }

    ScratchRepo m_repo;
};

TEST_F(SelectionPresetsTest, FullFoldersAreCompactedAndFilesListed) {
    sel().selectOnly({});
    sel().setChecked(node("server"), true); // every file the rules leave in: not vendor/
    sel().setChecked(node("web/app.ts"), true);
    SelectionPreset preset = presetFromSelection(sel(), QStringLiteral("backend"));
    std::sort(preset.paths.begin(), preset.paths.end());
    EXPECT_EQ(preset.paths, (QList<QByteArray>{"server/", "web/app.ts"}));

    // Ticking the vendored file by hand makes server/ more than the folder tick: its files
    // are listed instead.
    sel().setChecked(node("server/vendor/lib/x.go"), true);
    const SelectionPreset explicitTick = presetFromSelection(sel(), QStringLiteral("x"));
    EXPECT_TRUE(explicitTick.paths.contains("server/vendor/lib/x.go"));
    EXPECT_TRUE(explicitTick.paths.contains("server/db/"));
    EXPECT_FALSE(explicitTick.paths.contains("server/"));
}

TEST_F(SelectionPresetsTest, RoundTripThroughTheFileRestoresTheTicksAndPins) {
    sel().selectOnly({"server/api.go", "server/db/store.go", "schema.sql"});
    sel().setPinned(node("server/db"), true);
    const QList<QByteArray> before = checkedPaths();
    PresetFile file;
    file.put(presetFromSelection(sel(), QStringLiteral("backend only")));
    const QString path = PresetFile::userFileFor(m_repo.path());
    ASSERT_TRUE(file.save(path).ok());

    sel().resetToDefaults();
    sel().setPinned(node("server/db"), false);
    ASSERT_NE(checkedPaths(), before);

    const RepositoryPresets loaded = RepositoryPresets::loadFor(m_repo.path());
    EXPECT_TRUE(loaded.problems.isEmpty()) << loaded.problems.join(u'\n').toStdString();
    const SelectionPreset *preset = loaded.find(QStringLiteral("backend only"));
    ASSERT_NE(preset, nullptr);
    QList<QByteArray> paths = preset->paths;
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(paths, (QList<QByteArray>{"schema.sql", "server/"}));
    EXPECT_EQ(preset->pins, (QList<QByteArray>{"server/db"}));
    const workspace::PresetApplication app = applicationOf(sel(), *preset);
    EXPECT_TRUE(app.missingPaths.isEmpty());
    applyPreset(sel(), app);
    EXPECT_EQ(checkedPaths(), before);
    EXPECT_TRUE(sel().isPinned(node("server/db")));
    EXPECT_EQ(app.selectedFiles, 3);
}

TEST_F(SelectionPresetsTest, GlobsSelectWhatTheyMatchLikeSelectByGlob) {
    SelectionPreset preset;
    preset.name = QStringLiteral("typescript");
    preset.globs = {QStringLiteral("**/*.ts"), QStringLiteral("*.go")};
    applyPreset(sel(), applicationOf(sel(), preset));
    prompt::Selection &s = sel();
    const QList<QByteArray> viaPreset = checkedPaths();
    s.selectOnly({});
    s.setCheckedByGlob(QStringLiteral("**/*.ts"), true);
    s.setCheckedByGlob(QStringLiteral("*.go"), true);
    EXPECT_EQ(viaPreset, checkedPaths());
    EXPECT_TRUE(viaPreset.contains("web/app.ts"));
    EXPECT_FALSE(viaPreset.contains("server/vendor/lib/x.go")); // excluded stays out
}

TEST_F(SelectionPresetsTest, PathsThatAreGoneAreReported) {
    SelectionPreset preset;
    preset.name = QStringLiteral("backend only");
    preset.paths = {"server/",       "old/", "gone.go", "web/app.ts", "web/" /* a folder, fine */,
                    "docs/guide.md/" /* a file spelt as a folder */};
    preset.pins = {"removed/pin"};
    const workspace::PresetApplication app = applicationOf(sel(), preset);
    EXPECT_EQ(app.missingPaths,
              (QList<QByteArray>{"old/", "gone.go", "docs/guide.md/", "removed/pin"}));
    EXPECT_EQ(app.missingMessage(preset.name).toStdString(),
              "4 paths of \"backend only\" are no longer in the repository: old/, gone.go, "
              "docs/guide.md/, removed/pin");
    EXPECT_EQ(app.selectedFiles, 4); // api.go, store.go, app.ts, util.ts
    SelectionPreset one = preset;
    one.paths = {"gone.go"};
    one.pins.clear();
    EXPECT_EQ(applicationOf(sel(), one).missingMessage(QStringLiteral("x")).toStdString(),
              "1 path of \"x\" is no longer in the repository: gone.go");
}

TEST_F(SelectionPresetsTest, RepositoryPresetsAreReadAndShadowedByTheUsers) {
    writeFile(m_repo.filePath(QStringLiteral(".reposcope/presets.json")),
              R"({"version":1,"presets":[{"name":"security surface","paths":["server/"]},)"
              R"({"name":"docs","paths":["docs/"]}]})");
    PresetFile user;
    SelectionPreset mine;
    mine.name = QStringLiteral("docs");
    mine.paths = {"docs/guide.md", "schema.sql"};
    user.put(mine);
    ASSERT_TRUE(user.save(PresetFile::userFileFor(m_repo.path())).ok());

    const RepositoryPresets loaded = RepositoryPresets::loadFor(m_repo.path());
    ASSERT_TRUE(loaded.problems.isEmpty()) << loaded.problems.join(u'\n').toStdString();
    const SelectionPreset *shared = loaded.find(QStringLiteral("security surface"));
    ASSERT_NE(shared, nullptr);
    EXPECT_TRUE(shared->fromRepository);
    EXPECT_FALSE(loaded.find(QStringLiteral("docs"))->fromRepository);
    EXPECT_EQ(loaded.find(QStringLiteral("docs"))->paths.size(), 2);
    const QList<SelectionPreset> all = loaded.all();
    ASSERT_EQ(all.size(), 2);
    EXPECT_EQ(all[0].name, QStringLiteral("docs"));
    EXPECT_EQ(all[1].name, QStringLiteral("security surface"));
    // Saving the user's presets never touches the repository's file.
    const QByteArray repoFile = readFile(PresetFile::repositoryFile(m_repo.path()));
    ASSERT_TRUE(loaded.user.save(PresetFile::userFileFor(m_repo.path())).ok());
    EXPECT_EQ(readFile(PresetFile::repositoryFile(m_repo.path())), repoFile);
}

TEST_F(SelectionPresetsTest, EachRepositoryHasItsOwnFile) {
    ScratchRepo other;
    other.write(QStringLiteral("a.txt"), "a\n");
    EXPECT_NE(PresetFile::userFileFor(m_repo.path()), PresetFile::userFileFor(other.path()));
    EXPECT_TRUE(PresetFile::userFileFor(m_repo.path())
                    .startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                QStringLiteral("/presets/")));
    // The same folder spelt another way is the same repository.
    EXPECT_EQ(PresetFile::userFileFor(m_repo.path() + QStringLiteral("/./")),
              PresetFile::userFileFor(m_repo.path()));
}

TEST(SelectionPresetFile, CorruptFileIsReportedAndNeverSavedOver) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.json"));
    for (const QByteArray &bad :
         {QByteArray("{not json"), QByteArray(R"({"version":1})"),
          QByteArray(R"({"version":7,"presets":[]})"),
          QByteArray(R"({"version":1,"presets":[{"name":"a","paths":"x"}]})"),
          QByteArray(R"({"version":1,"presets":[{"name":"a"},{"name":"a"}]})"),
          QByteArray(R"({"version":1,"presets":[{"name":""}]})")}) {
        writeFile(path, bad);
        const Result<PresetFile> loaded = PresetFile::load(path);
        ASSERT_FALSE(loaded.ok()) << bad.toStdString();
        EXPECT_TRUE(loaded.error().message.contains(QDir::toNativeSeparators(path)));
        EXPECT_TRUE(loaded.error().message.contains(QStringLiteral("correct it or move it away")));
        PresetFile fresh;
        SelectionPreset p;
        p.name = QStringLiteral("new");
        fresh.put(p);
        const Result<Ok> saved = fresh.save(path);
        ASSERT_FALSE(saved.ok());
        EXPECT_TRUE(saved.error().message.contains(QStringLiteral("not overwritten")));
        EXPECT_EQ(readFile(path), bad); // untouched
    }
    EXPECT_TRUE(
        PresetFile::load(dir.filePath(QStringLiteral("missing.json")))->presets().isEmpty());
}

TEST(SelectionPresetFile, NameRules) {
    EXPECT_FALSE(PresetFile::checkName(QString()).ok());
    EXPECT_FALSE(PresetFile::checkName(QStringLiteral("   ")).ok());
    EXPECT_FALSE(PresetFile::checkName(QString(PresetFile::kMaxNameLength + 1, u'x')).ok());
    EXPECT_TRUE(PresetFile::checkName(QString(PresetFile::kMaxNameLength, u'x')).ok());
    EXPECT_FALSE(PresetFile::checkName(QStringLiteral("a\nb")).ok());
    EXPECT_FALSE(PresetFile::checkName(QStringLiteral("a\u200Bb")).ok()); // zero-width space
    EXPECT_EQ(*PresetFile::checkName(QStringLiteral("  backend only ")),
              QStringLiteral("backend only"));
    // Odd but visible characters are kept, and survive the file.
    const QString odd = QStringLiteral("sécurité / \"quotes\" & <tags> 🔒");
    ASSERT_TRUE(PresetFile::checkName(odd).ok());
    PresetFile file;
    SelectionPreset a;
    a.name = odd;
    a.paths = {"dir with space/", "ünï.go"};
    file.put(a);
    SelectionPreset b;
    b.name = QStringLiteral("b");
    file.put(b);
    const Result<PresetFile> back = PresetFile::fromJson(file.toJson());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, file);

    // Duplicates: put replaces in place, rename refuses a taken name.
    SelectionPreset a2 = a;
    a2.paths = {"x.go"};
    file.put(a2);
    ASSERT_EQ(file.presets().size(), 2);
    EXPECT_EQ(file.presets()[0].paths, (QList<QByteArray>{"x.go"}));
    EXPECT_FALSE(file.rename(QStringLiteral("b"), odd).ok());
    EXPECT_FALSE(file.rename(QStringLiteral("b"), QString()).ok());
    EXPECT_FALSE(file.rename(QStringLiteral("nope"), QStringLiteral("c")).ok());
    EXPECT_TRUE(file.rename(QStringLiteral("b"), QStringLiteral(" c ")).ok());
    EXPECT_NE(file.find(QStringLiteral("c")), nullptr);
    EXPECT_TRUE(file.remove(QStringLiteral("c")));
    EXPECT_FALSE(file.remove(QStringLiteral("c")));
}

} // namespace
