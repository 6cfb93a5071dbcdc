// SPDX-License-Identifier: MIT
// reposcope-cli --preset NAME and --list-presets: the user's preset (written where the window
// saves it) selects exactly what the same explicit selection selects; the repository's
// committed preset works too; an unknown name lists the presets there are and exits 2; gone
// paths are a warning; --include/--exclude still leave files out.
#include "scratchrepo.h"
#include "workspace/selectionpresets.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope;
using workspace::PresetFile;
using workspace::SelectionPreset;

namespace {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

class CliPresets : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_home.isValid());
        m_repo.initGit();
        m_repo.write(QStringLiteral("server/api.go"), "package server\nfunc API() {}\n");
        m_repo.write(QStringLiteral("server/db/store.go"), "package db\nfunc Store() {}\n");
        m_repo.write(QStringLiteral("web/app.ts"), "export const app = 1;\n");
        m_repo.write(QStringLiteral("docs/guide.md"), "# Guide\nSome words here.\n");
        m_repo.write(QStringLiteral("schema.sql"), "create table t (id int);\n");
        m_repo.commitAll();
    }

    // Where the window keeps this repository's presets for a user whose data folder is
    // m_home/data: <AppData>/presets/<sha256 of the canonical root>.json.
    QString userPresetFile() const {
        const QByteArray hash =
            QCryptographicHash::hash(QFileInfo(m_repo.path()).canonicalFilePath().toUtf8(),
                                     QCryptographicHash::Sha256)
                .toHex();
        return m_home.path() + QStringLiteral("/data/RepoScope/RepoScope/presets/") +
               QString::fromLatin1(hash) + QStringLiteral(".json");
    }

    void saveUserPreset(const SelectionPreset &preset) {
        PresetFile file;
        file.put(preset);
        ASSERT_TRUE(file.save(userPresetFile()).ok());
    }

    CliResult run(QStringList args) const {
        args.insert(1, m_repo.path());
        args << QStringLiteral("--tokenizer") << QStringLiteral("estimate")
             << QStringLiteral("--no-cache");
        QProcess proc;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
        proc.setProcessEnvironment(env);
        proc.start(QStringLiteral(REPOSCOPE_CLI), args);
        EXPECT_TRUE(proc.waitForFinished(300000));
        return {proc.exitCode(), proc.readAllStandardOutput(), proc.readAllStandardError()};
    }

    // The selected totals and the selected files of `count --json`.
    static std::pair<QJsonObject, QSet<QString>> selectionOf(const CliResult &r) {
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        QSet<QString> files;
        for (const QJsonValue &f : root.value(QStringLiteral("files")).toArray())
            if (f.toObject().value(QStringLiteral("selected")).toBool())
                files.insert(f.toObject().value(QStringLiteral("path")).toString());
        return {root.value(QStringLiteral("selected")).toObject(), files};
    }

    QTemporaryDir m_home;
    test::ScratchRepo m_repo;
};

TEST_F(CliPresets, CountWithAPresetEqualsTheSameExplicitSelection) {
    SelectionPreset preset;
    preset.name = QStringLiteral("backend only");
    preset.paths = {"server/", "schema.sql"};
    ASSERT_NO_FATAL_FAILURE(saveUserPreset(preset));

    const CliResult viaPreset = run({QStringLiteral("count"), QStringLiteral("--json"),
                                     QStringLiteral("--preset"), QStringLiteral("backend only")});
    ASSERT_EQ(viaPreset.exitCode, 0) << viaPreset.err.toStdString();
    const CliResult explicitly = run({QStringLiteral("count"), QStringLiteral("--json"),
                                      QStringLiteral("--include"), QStringLiteral("server/**"),
                                      QStringLiteral("--include"), QStringLiteral("schema.sql")});
    ASSERT_EQ(explicitly.exitCode, 0) << explicitly.err.toStdString();
    const auto [presetTotals, presetFiles] = selectionOf(viaPreset);
    const auto [explicitTotals, explicitFiles] = selectionOf(explicitly);
    EXPECT_EQ(presetFiles,
              (QSet<QString>{QStringLiteral("server/api.go"), QStringLiteral("server/db/store.go"),
                             QStringLiteral("schema.sql")}));
    EXPECT_EQ(presetFiles, explicitFiles);
    EXPECT_EQ(presetTotals, explicitTotals);
    EXPECT_EQ(presetTotals.value(QStringLiteral("files")).toInt(), 3);
    EXPECT_GT(presetTotals.value(QStringLiteral("tokens")).toInteger(), 0);
    // And differs from the default selection, which holds every file.
    const CliResult plain = run({QStringLiteral("count"), QStringLiteral("--json")});
    EXPECT_EQ(selectionOf(plain).second.size(), 5);
}

TEST_F(CliPresets, UnknownNameListsThePresetsAndExitsWithUsage) {
    SelectionPreset preset;
    preset.name = QStringLiteral("backend only");
    preset.paths = {"server/"};
    ASSERT_NO_FATAL_FAILURE(saveUserPreset(preset));
    m_repo.write(QStringLiteral(".reposcope/presets.json"),
                 R"({"version":1,"presets":[{"name":"security surface","paths":["server/db/"]}]})");

    const CliResult r =
        run({QStringLiteral("count"), QStringLiteral("--preset"), QStringLiteral("nope")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("there is no selection preset 'nope'")) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains("available: 'backend only', 'security surface'"))
        << r.err.toStdString();
    EXPECT_TRUE(r.out.isEmpty());

    const CliResult list = run({QStringLiteral("count"), QStringLiteral("--list-presets")});
    EXPECT_EQ(list.exitCode, 0) << list.err.toStdString();
    EXPECT_EQ(list.out, "backend only\t1 path(s)\n"
                        "security surface\t1 path(s)\t(from the repository)\n");
}

TEST_F(CliPresets, NoPresetsAtAllSaysHowToMakeOne) {
    const CliResult r =
        run({QStringLiteral("pack"), QStringLiteral("--preset"), QStringLiteral("x"),
             QStringLiteral("-o"), m_home.filePath(QStringLiteral("pack.xml"))});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("this repository has none")) << r.err.toStdString();
    EXPECT_FALSE(QFileInfo::exists(m_home.filePath(QStringLiteral("pack.xml"))));
}

TEST_F(CliPresets, RepositoryCommittedPresetPacksItsFiles) {
    m_repo.write(QStringLiteral(".reposcope/presets.json"),
                 R"({"version":1,"presets":[{"name":"security surface",)"
                 R"("paths":["server/db/","gone/"],"globs":["*.sql"]}]})");
    m_repo.commitAll(QStringLiteral("presets"));
    const QString packFile = m_home.filePath(QStringLiteral("pack.xml"));
    const CliResult r = run({QStringLiteral("pack"), QStringLiteral("--preset"),
                             QStringLiteral("security surface"), QStringLiteral("-o"), packFile});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains("1 path of \"security surface\" is no longer in the repository: "
                               "gone/"))
        << r.err.toStdString();
    QFile f(packFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray pack = f.readAll();
    EXPECT_TRUE(pack.contains("<file path=\"server/db/store.go\">"));
    EXPECT_TRUE(pack.contains("<file path=\"schema.sql\">"));
    EXPECT_FALSE(pack.contains("<file path=\"server/api.go\">"));
    EXPECT_FALSE(pack.contains("<file path=\"web/app.ts\">"));
}

TEST_F(CliPresets, IncludeAndExcludeStillLeaveFilesOut) {
    SelectionPreset preset;
    preset.name = QStringLiteral("mixed");
    preset.paths = {"server/api.go", "web/app.ts", "schema.sql"};
    ASSERT_NO_FATAL_FAILURE(saveUserPreset(preset));
    const CliResult r =
        run({QStringLiteral("count"), QStringLiteral("--json"), QStringLiteral("--preset"),
             QStringLiteral("mixed"), QStringLiteral("--exclude"), QStringLiteral("*.ts")});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_EQ(selectionOf(r).second,
              (QSet<QString>{QStringLiteral("server/api.go"), QStringLiteral("schema.sql")}));
    EXPECT_TRUE(r.err.contains("1 file(s) of 'mixed' are excluded here and left out: web/app.ts"))
        << r.err.toStdString();
}

TEST_F(CliPresets, ACorruptUserFileIsAWarningNotACrash) {
    QDir().mkpath(QFileInfo(userPresetFile()).absolutePath());
    QFile f(userPresetFile());
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{broken");
    f.close();
    m_repo.write(QStringLiteral(".reposcope/presets.json"),
                 R"({"version":1,"presets":[{"name":"docs","paths":["docs/"]}]})");
    const CliResult r = run({QStringLiteral("count"), QStringLiteral("--json"),
                             QStringLiteral("--preset"), QStringLiteral("docs")});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains("the selection presets file is not valid JSON"))
        << r.err.toStdString();
    EXPECT_EQ(selectionOf(r).second, (QSet<QString>{QStringLiteral("docs/guide.md")}));
}

} // namespace
