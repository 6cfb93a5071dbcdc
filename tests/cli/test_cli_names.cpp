// SPDX-License-Identifier: MIT
// reposcope-cli over file names with newlines, control characters and invalid UTF-8: the
// count table and its JSON have exactly one row per file, every name escaped; warnings that
// quote a broken tokenizer or model file are short and hold no control characters.
#include "hostilenames.h"
#include "scratchrepo.h"
#include "text/visibletext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include "clirun.h"
#include "ggufwriter.h"

#include <gtest/gtest.h>

using reposcope::test::CliRun;
using reposcope::test::runCli;
using reposcope::test::ScratchRepo;
namespace text = reposcope::text;

namespace {

// Bytes that act on a terminal: C0 controls but newline, DEL, C1 (as UTF-8), separators.
bool holdsTerminalControl(const QByteArray &bytes) {
    const QString s = QString::fromUtf8(bytes);
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != '\n') || (u >= 0x7F && u <= 0x9F) || u == 0x2028 || u == 0x2029 ||
            u == 0x202E)
            return true;
    }
    return false;
}

QByteArray terminalJunk() {
    QByteArray junk;
    while (junk.size() < 16 * 1024)
        junk += "\x1b]0;owned\x07\x1b[2J\xff"
                "tensor";
    return junk.left(16 * 1024);
}

class CliNamesTest : public ::testing::Test {
protected:
    void SetUp() override {
        repo.initGit();
        ASSERT_NO_FATAL_FAILURE(reposcope::test::writeHostileFiles(repo));
        repo.commitAll();
    }
    QStringList withCache(QStringList args) const {
        return args << QStringLiteral("--cache-dir") << cache.path()
                    << QStringLiteral("--tokenizer") << QStringLiteral("estimate");
    }
    ScratchRepo repo;
    reposcope::test::HostileFilesCleanup cleanup{repo};
    QTemporaryDir cache;
};

} // namespace

TEST_F(CliNamesTest, CountTableHasOneRowPerEntry) {
    for (const bool atCommit : {false, true}) {
        QStringList args{QStringLiteral("count"), repo.path()};
        if (atCommit)
            args << QStringLiteral("--ref") << QStringLiteral("HEAD");
        const CliRun r = runCli(withCache(args));
        ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
        EXPECT_FALSE(holdsTerminalControl(r.out));
        // Header, one row per folder and file, a blank line, two summary lines.
        const QList<QByteArray> lines = r.out.split('\n');
        const qsizetype blank = lines.indexOf(QByteArray());
        ASSERT_GT(blank, 0);
        const QList<QByteArray> rows = lines.mid(1, blank - 1);
        QSet<QByteArray> dirs;
        const QList<reposcope::test::HostileFile> files = reposcope::test::hostileFiles();
        for (const reposcope::test::HostileFile &f : files)
            if (f.path.contains('/'))
                dirs.insert(f.path.left(f.path.lastIndexOf('/')));
        EXPECT_EQ(rows.size(), files.size() + dirs.size()) << r.out.toStdString();
        // Each file's escaped name ends exactly one row.
        for (const reposcope::test::HostileFile &f : files) {
            const QByteArray name = text::visibleNameUtf8(f.path.mid(f.path.lastIndexOf('/') + 1));
            int hits = 0;
            const QByteArray last = QByteArray(" ") + name;
            const QByteArray noted = last + "  [";
            for (const QByteArray &row : rows)
                hits += row.endsWith(last) || row.contains(noted);
            EXPECT_EQ(hits, 1) << name.toStdString() << "\n" << r.out.toStdString();
        }
    }
}

TEST_F(CliNamesTest, CountJsonHasOneEntryPerFileWithTheVisiblePath) {
    const CliRun r =
        runCli(withCache({QStringLiteral("count"), repo.path(), QStringLiteral("--json")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    QStringList paths;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("files")).toArray())
        paths << v.toObject().value(QStringLiteral("path")).toString();
    QStringList want;
    for (const reposcope::test::HostileFile &f : reposcope::test::hostileFiles())
        want << text::visibleName(f.path);
    paths.sort();
    want.sort();
    EXPECT_EQ(paths, want);
}

TEST_F(CliNamesTest, PackTreeAndHeadingsStayOnePerFile) {
    QTemporaryDir outDir;
    const QString outFile = outDir.filePath(QStringLiteral("pack.md"));
    const CliRun r =
        runCli(withCache({QStringLiteral("pack"), repo.path(), QStringLiteral("-o"), outFile,
                          QStringLiteral("--format"), QStringLiteral("markdown")}));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QFile f(outFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray pack = f.readAll();
    qsizetype headings = 0;
    for (const QByteArray &line : pack.split('\n'))
        headings += line.startsWith("### ");
    // Every file is selected (all are small text files): one heading each, no more.
    EXPECT_EQ(headings, reposcope::test::hostileFiles().size()) << pack.toStdString();
    EXPECT_FALSE(pack.contains("\n### spoofed"));
    EXPECT_TRUE(pack.contains("### a\\n### spoofed.md\n"));
}

TEST_F(CliNamesTest, BrokenTokenizerJsonWarningIsShortAndInert) {
    QByteArray type;
    for (const char c : terminalJunk())
        type += (uchar(c) < 0x20 || uchar(c) >= 0x7F)
                    ? QByteArray("\\u00") + QByteArray::number(uchar(c), 16).rightJustified(2, '0')
                    : QByteArray(1, c);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{\"model\": {\"type\": \"" + type + "\", \"vocab\": {}, \"merges\": []}}");
    f.close();
    const CliRun r = runCli({QStringLiteral("count"), repo.path(), QStringLiteral("--cache-dir"),
                             cache.path(), QStringLiteral("--tokenizer"), path});
    ASSERT_EQ(r.exitCode, 0) << r.err.left(2000).toStdString();
    EXPECT_TRUE(r.err.startsWith("warning: ")) << r.err.left(2000).toStdString();
    EXPECT_TRUE(r.err.contains("model type")) << r.err.left(2000).toStdString();
    EXPECT_LT(r.err.size(), 1000) << r.err.left(2000).toStdString();
    EXPECT_FALSE(holdsTerminalControl(r.err)) << r.err.left(2000).toStdString();
}

TEST_F(CliNamesTest, BrokenGgufTokenizerWarningIsShortAndInert) {
    reposcope::test::GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addRaw(terminalJunk(), 99, QByteArray(8, 'x'));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.gguf"));
    ASSERT_TRUE(w.write(path));
    const CliRun r = runCli({QStringLiteral("count"), repo.path(), QStringLiteral("--cache-dir"),
                             cache.path(), QStringLiteral("--tokenizer"), path});
    ASSERT_EQ(r.exitCode, 0) << r.err.left(2000).toStdString();
    EXPECT_TRUE(r.err.contains("unknown value type 99")) << r.err.left(2000).toStdString();
    EXPECT_LT(r.err.size(), 1000) << r.err.left(2000).toStdString();
    EXPECT_FALSE(holdsTerminalControl(r.err)) << r.err.left(2000).toStdString();
}
