// SPDX-License-Identifier: MIT
// reposcope-cli as a black box: real executable, real scratch repositories.
#include "scratchrepo.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "clirun.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

using reposcope::test::ScratchRepo;

using reposcope::test::CliRun;
using reposcope::test::runCli;

namespace {

unsigned modeOf(const QString &path) {
    struct stat st;
    EXPECT_EQ(::stat(QFile::encodeName(path).constData(), &st), 0);
    return unsigned(st.st_mode & 07777);
}

class CliTest : public ::testing::Test {
protected:
    void SetUp() override {
        repo.initGit();
        repo.write(QStringLiteral("src/main.c"), "int main(void) {\n    return 0;\n}\n");
        repo.write(QStringLiteral("src/util/strings.c"), "/* util */\nint len(const char *s);\n");
        repo.write(QStringLiteral("README.md"), "# Demo\n");
        repo.write(QStringLiteral("package-lock.json"), "{}\n");
        repo.write(QStringLiteral("logo.png"), QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
        repo.write(QStringLiteral(".gitignore"), "build/\n");
        repo.write(QStringLiteral("build/out.o"), "ignored");
        repo.commitAll();
    }
    QStringList withCache(QStringList args) const {
        return args << QStringLiteral("--cache-dir") << cache.path();
    }
    ScratchRepo repo;
    QTemporaryDir cache;
};

} // namespace

TEST_F(CliTest, CountJsonListsFilesFoldersAndReasons) {
    const CliRun r =
        runCli(withCache({QStringLiteral("count"), repo.path(), QStringLiteral("--json")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QJsonObject root = QJsonDocument::fromJson(r.out).object();
    QStringList paths;
    QJsonObject lock, png;
    for (const QJsonValue &v : root.value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = v.toObject();
        paths << f.value(QStringLiteral("path")).toString();
        if (f.value(QStringLiteral("path")).toString() == QStringLiteral("package-lock.json"))
            lock = f;
        if (f.value(QStringLiteral("path")).toString() == QStringLiteral("logo.png"))
            png = f;
    }
    paths.sort();
    EXPECT_EQ(paths, repo.gitLsFiles());
    EXPECT_EQ(lock.value(QStringLiteral("excluded")).toString(), QStringLiteral("lock file"));
    EXPECT_FALSE(lock.value(QStringLiteral("selected")).toBool());
    EXPECT_EQ(png.value(QStringLiteral("excluded")).toString(), QStringLiteral("binary"));
    const QJsonObject selected = root.value(QStringLiteral("selected")).toObject();
    EXPECT_EQ(selected.value(QStringLiteral("files")).toInt(), 4); // .gitignore, README, 2 sources
    qint64 sum = 0;
    for (const QJsonValue &v : root.value(QStringLiteral("files")).toArray())
        if (v.toObject().value(QStringLiteral("selected")).toBool())
            sum += v.toObject().value(QStringLiteral("tokens")).toInteger();
    EXPECT_EQ(selected.value(QStringLiteral("tokens")).toInteger(), sum);
    EXPECT_GT(sum, 0);
}

TEST_F(CliTest, CountHonoursIncludeAndExcludeGlobs) {
    const CliRun r =
        runCli(withCache({QStringLiteral("count"), repo.path(), QStringLiteral("--json"),
                          QStringLiteral("--include"), QStringLiteral("src/**"),
                          QStringLiteral("--exclude"), QStringLiteral("**/util/*")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QJsonObject root = QJsonDocument::fromJson(r.out).object();
    QStringList selected;
    for (const QJsonValue &v : root.value(QStringLiteral("files")).toArray())
        if (v.toObject().value(QStringLiteral("selected")).toBool())
            selected << v.toObject().value(QStringLiteral("path")).toString();
    EXPECT_EQ(selected, QStringList{QStringLiteral("src/main.c")});
}

TEST_F(CliTest, CountTableEndsWithTotals) {
    const CliRun r = runCli(withCache({QStringLiteral("count"), repo.path(),
                                       QStringLiteral("--tokenizer"), QStringLiteral("estimate")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains("src/")) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains("[excluded: lock file]"));
    EXPECT_TRUE(r.out.contains("selected: ~")) << "estimates are marked";
    EXPECT_TRUE(r.err.isEmpty()) << r.err.toStdString();
}

TEST_F(CliTest, UnknownTokenizerIsAUsageError) {
    const CliRun r = runCli(withCache({QStringLiteral("count"), repo.path(),
                                       QStringLiteral("--tokenizer"), QStringLiteral("klingon")}));
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("unknown tokenizer")) << r.err.toStdString();
}

TEST_F(CliTest, BrokenTokenizerFileFallsBackToTheEstimateWithAWarning) {
    repo.write(QStringLiteral("broken/tokenizer.json"), "{\"model\": ");
    const CliRun r =
        runCli(withCache({QStringLiteral("count"), repo.path(), QStringLiteral("--tokenizer"),
                          repo.filePath(QStringLiteral("broken/tokenizer.json"))}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.startsWith("warning: ")) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains("selected: ~")) << "the fallback is marked as an estimate";
}

TEST_F(CliTest, PackXmlHasTreeAndFilesInOrder) {
    QTemporaryDir outDir;
    const QString outFile = outDir.filePath(QStringLiteral("pack.xml"));
    const CliRun r =
        runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), outFile}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QFile f(outFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray pack = f.readAll();
    const QByteArray tree =
        "<directory_structure>\nsrc/\n  util/\n    strings.c\n  main.c\n.gitignore\nREADME.md\n"
        "</directory_structure>\n";
    EXPECT_TRUE(pack.contains(tree)) << pack.toStdString();
    const qsizetype a = pack.indexOf(
        "<file path=\"src/util/strings.c\">\n/* util */\nint len(const char *s);\n</file>");
    const qsizetype b =
        pack.indexOf("<file path=\"src/main.c\">\nint main(void) {\n    return 0;\n}\n</file>");
    const qsizetype c = pack.indexOf("<file path=\"README.md\">\n# Demo\n</file>");
    EXPECT_GE(a, 0);
    EXPECT_GT(b, a);
    EXPECT_GT(c, b);
    EXPECT_FALSE(pack.contains("package-lock.json"));
    EXPECT_FALSE(pack.contains("logo.png"));
    EXPECT_TRUE(pack.endsWith("</files>\n"));
}

TEST_F(CliTest, PackMarkdownWithLineNumbers) {
    QTemporaryDir outDir;
    const QString outFile = outDir.filePath(QStringLiteral("pack.md"));
    const CliRun r =
        runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), outFile,
                          QStringLiteral("--format"), QStringLiteral("markdown"),
                          QStringLiteral("--line-numbers")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QFile f(outFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray pack = f.readAll();
    EXPECT_TRUE(pack.contains(
        "### src/main.c\n\n````\n1: int main(void) {\n2:     return 0;\n3: }\n````\n"))
        << pack.toStdString();
}

TEST_F(CliTest, PackAtARefReadsFromGitNotTheDisk) {
    repo.write(QStringLiteral("src/main.c"), "changed on disk\n");
    QTemporaryDir outDir;
    const QString outFile = outDir.filePath(QStringLiteral("pack.xml"));
    const CliRun r = runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("--ref"),
                                       QStringLiteral("HEAD"), QStringLiteral("-o"), outFile}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QFile f(outFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray pack = f.readAll();
    EXPECT_TRUE(pack.contains("int main(void)"));
    EXPECT_FALSE(pack.contains("changed on disk"));
}

TEST_F(CliTest, ExitCodesAreDistinct) {
    EXPECT_EQ(runCli({}).exitCode, 2);
    EXPECT_EQ(runCli({QStringLiteral("frobnicate")}).exitCode, 2);
    EXPECT_EQ(runCli({QStringLiteral("count")}).exitCode, 2);
    EXPECT_EQ(runCli({QStringLiteral("pack"), repo.path()}).exitCode, 2); // no -o
    EXPECT_EQ(runCli({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"),
                      QStringLiteral("x"), QStringLiteral("--format"), QStringLiteral("pdf")})
                  .exitCode,
              2);
    const CliRun missing =
        runCli(withCache({QStringLiteral("count"), repo.path() + QStringLiteral("/nope")}));
    EXPECT_EQ(missing.exitCode, 3);
    EXPECT_TRUE(missing.err.startsWith("error: ")) << missing.err.toStdString();
    const CliRun badRef =
        runCli(withCache({QStringLiteral("count"), repo.path(), QStringLiteral("--ref"),
                          QStringLiteral("no-such-branch")}));
    EXPECT_EQ(badRef.exitCode, 3);
    const CliRun unwritable =
        runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"),
                          repo.path() + QStringLiteral("/no/such/dir/pack.xml")}));
    EXPECT_EQ(unwritable.exitCode, 4);
    EXPECT_TRUE(unwritable.err.contains("cannot write")) << unwritable.err.toStdString();
}

TEST_F(CliTest, HelpDocumentsFlagsAndExitCodes) {
    const CliRun top = runCli({QStringLiteral("--help")});
    EXPECT_EQ(top.exitCode, 0);
    EXPECT_TRUE(top.out.contains("Exit codes"));
    const CliRun pack = runCli({QStringLiteral("pack"), QStringLiteral("--help")});
    EXPECT_EQ(pack.exitCode, 0);
    for (const char *flag : {"--ref", "--include", "--exclude", "--format", "--line-numbers", "-o"})
        EXPECT_TRUE(pack.out.contains(flag)) << flag;
}

// The first pack is written from what counting read (empty cache), the second reads the
// files again (every count cached): the bytes and the reported totals are the same.
TEST_F(CliTest, PackFromACountingPassEqualsPackFromTheFiles) {
    QTemporaryDir outDir;
    const QString cold = outDir.filePath(QStringLiteral("cold.xml"));
    const QString warm = outDir.filePath(QStringLiteral("warm.xml"));
    const QStringList flags{QStringLiteral("--no-default-excludes"), QStringLiteral("--format"),
                            QStringLiteral("markdown"), QStringLiteral("--line-numbers")};
    const CliRun a = runCli(withCache(
        QStringList{QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), cold} + flags));
    const CliRun b = runCli(withCache(
        QStringList{QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), warm} + flags));
    ASSERT_EQ(a.exitCode, 0) << a.err.toStdString();
    ASSERT_EQ(b.exitCode, 0) << b.err.toStdString();
    QFile fa(cold), fb(warm);
    ASSERT_TRUE(fa.open(QIODevice::ReadOnly));
    ASSERT_TRUE(fb.open(QIODevice::ReadOnly));
    const QByteArray packA = fa.readAll();
    EXPECT_TRUE(packA.contains("package-lock.json")) << packA.toStdString();
    EXPECT_TRUE(packA == fb.readAll());
    auto totals = [](const QByteArray &err) { return err.left(err.lastIndexOf(" in ")); };
    EXPECT_EQ(totals(a.err).toStdString(), totals(b.err).toStdString());
}

// Writing over an existing pack replaces it and keeps its permissions; a new pack gets
// the usual permissions of a new file (not a temporary file's 0600).
TEST_F(CliTest, PackReplacesAnExistingFileAndKeepsItsPermissions) {
    QTemporaryDir outDir;
    const QString existing = outDir.filePath(QStringLiteral("pack.xml"));
    {
        QFile f(existing);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("old content that is longer than nothing");
    }
    ASSERT_EQ(::chmod(QFile::encodeName(existing).constData(), 0640), 0);
    ASSERT_EQ(
        runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), existing}))
            .exitCode,
        0);
    QFile f(existing);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_TRUE(f.readAll().startsWith("<repository_overview>"));
    EXPECT_EQ(modeOf(existing), 0640u);

    const QString fresh = outDir.filePath(QStringLiteral("new.xml"));
    ASSERT_EQ(runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), fresh}))
                  .exitCode,
              0);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    EXPECT_EQ(modeOf(fresh), 0666u & ~unsigned(mask));
    EXPECT_EQ(QDir(outDir.path()).entryList(QDir::Files).size(), 2); // no temporary left
}
