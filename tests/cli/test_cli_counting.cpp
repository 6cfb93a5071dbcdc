// SPDX-License-Identifier: MIT
// reposcope-cli count / pack / ask: whatever the pack contains is counted. A file over the
// old 32 MiB counting limit is counted in full, a binary is never selected text, and a
// file that cannot be counted stops pack and ask unless --allow-uncounted.
#include "scratchrepo.h"
#include "tokenize/tokenizerregistry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "clirun.h"

#include "generatedtext.h"

#include <gtest/gtest.h>

#include <unistd.h>

namespace tokenize = reposcope::tokenize;

using reposcope::test::CliRun;
using reposcope::test::minifiedLine;
using reposcope::test::runCli;
using reposcope::test::writeBytes;

namespace {

// The files of an XML pack, by path: the content as written (the newline the pack adds
// after a file without a final one included).
std::map<QByteArray, QByteArray> parsePack(const QByteArray &pack) {
    std::map<QByteArray, QByteArray> files;
    const QByteArray open = "<file path=\"";
    for (qsizetype at = pack.indexOf(open); at >= 0; at = pack.indexOf(open, at)) {
        const qsizetype pathEnd = pack.indexOf("\">\n", at);
        const QByteArray path = pack.mid(at + open.size(), pathEnd - at - open.size());
        const qsizetype begin = pathEnd + 3;
        const qsizetype end = pack.indexOf("</file>\n", begin);
        files[path] = pack.mid(begin, end - begin);
        at = end;
    }
    return files;
}

class CliCounting : public ::testing::Test {
protected:
    void SetUp() override {
        const QString root = dir.path();
        writeBytes(root + QStringLiteral("/bundle.min.js"),
                   minifiedLine(34 << 20, 9)); // no final newline
        QByteArray elf("\x7f"
                       "ELF\x02\x01\x01\x00",
                       8);
        elf += QByteArray(200000, '\0');
        writeBytes(root + QStringLiteral("/tool"), elf);
        writeBytes(root + QStringLiteral("/main.c"), "int main(void) { return 0; }\n");
        writeBytes(root + QStringLiteral("/le.txt"), QByteArray("\xFF\xFE"
                                                                "h\0i\0\n\0",
                                                                8));
    }
    QStringList args(const QString &command) const {
        return {command,
                dir.path(),
                QStringLiteral("--size-cap"),
                QStringLiteral("60000000"),
                QStringLiteral("--no-default-excludes"),
                QStringLiteral("--no-cache")};
    }
    QTemporaryDir dir;
    QTemporaryDir out;
};

} // namespace

TEST_F(CliCounting, CountHasTheLargeFileAndNoBinaryInTheSelectedTotals) {
    const CliRun r = runCli(args(QStringLiteral("count")) << QStringLiteral("--json"));
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    const QJsonObject root = QJsonDocument::fromJson(r.out).object();
    std::map<QString, QJsonObject> files;
    for (const QJsonValue &v : root.value(QStringLiteral("files")).toArray())
        files[v.toObject().value(QStringLiteral("path")).toString()] = v.toObject();
    const QJsonObject bundle = files[QStringLiteral("bundle.min.js")];
    EXPECT_TRUE(bundle.value(QStringLiteral("selected")).toBool());
    EXPECT_GT(bundle.value(QStringLiteral("tokens")).toInteger(), 5'000'000);
    EXPECT_FALSE(files[QStringLiteral("tool")].value(QStringLiteral("selected")).toBool());
    const QJsonObject selected = root.value(QStringLiteral("selected")).toObject();
    EXPECT_EQ(selected.value(QStringLiteral("files")).toInt(), 3);
    EXPECT_LT(selected.value(QStringLiteral("bytes")).toInteger(), 34 << 20 | 4096)
        << "the binary's bytes are not selected text";
}

TEST_F(CliCounting, PackedContentsHaveTheTokensCountReports) {
    tokenize::TokenizerRegistry registry(tokenize::TokenizerRegistry::defaultDataFolder());
    const tokenize::TokenizerChoice fresh = registry.resolve(QStringLiteral("o200k"), true);
    if (!fresh.exactForModel)
        GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh";
    const CliRun count = runCli(args(QStringLiteral("count")) << QStringLiteral("--json"));
    ASSERT_EQ(count.exitCode, 0) << count.err.constData();
    const QString packFile = out.filePath(QStringLiteral("pack.xml"));
    const CliRun pack = runCli(args(QStringLiteral("pack")) << QStringLiteral("-o") << packFile);
    ASSERT_EQ(pack.exitCode, 0) << pack.err.constData();
    QFile f(packFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const std::map<QByteArray, QByteArray> packed = parsePack(f.readAll());
    ASSERT_EQ(packed.size(), 3u);
    EXPECT_EQ(packed.count("tool"), 0u) << "a binary is never packed as text";
    qint64 sum = 0;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(count.out).object().value(QStringLiteral("files")).toArray()) {
        const QJsonObject o = v.toObject();
        if (!o.value(QStringLiteral("selected")).toBool())
            continue;
        const QByteArray path = o.value(QStringLiteral("path")).toString().toUtf8();
        ASSERT_EQ(packed.count(path), 1u) << path.constData();
        QByteArray content = packed.at(path);
        if (path == "bundle.min.js")
            content.chop(1); // the newline the pack adds after a file without a final one
        const qint64 tokens =
            fresh.tokenizer->count(std::string_view(content.constData(), size_t(content.size())));
        EXPECT_EQ(o.value(QStringLiteral("tokens")).toInteger(), tokens) << path.constData();
        sum += tokens;
    }
    EXPECT_GT(sum, 5'000'000);
    EXPECT_TRUE(pack.err.contains("packed 3 files")) << pack.err.constData();
}

TEST_F(CliCounting, UncountedFilesStopPackUnlessAllowed) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "running as root: chmod 000 does not stop reads (the core invariant test "
                        "covers an unreadable file by replacing it with a folder)";
    const QString locked = dir.filePath(QStringLiteral("locked.c"));
    writeBytes(locked, "secret\n");
    ASSERT_TRUE(QFile::setPermissions(locked, QFileDevice::Permissions{}));
    const QString packFile = out.filePath(QStringLiteral("pack.xml"));
    const CliRun refused = runCli(args(QStringLiteral("pack")) << QStringLiteral("-o") << packFile);
    EXPECT_EQ(refused.exitCode, 3);
    EXPECT_TRUE(refused.err.contains("locked.c")) << refused.err.constData();
    EXPECT_TRUE(refused.err.contains("--allow-uncounted")) << refused.err.constData();
    EXPECT_FALSE(QFile::exists(packFile));
    const CliRun allowed =
        runCli(args(QStringLiteral("pack"))
               << QStringLiteral("-o") << packFile << QStringLiteral("--allow-uncounted"));
    EXPECT_EQ(allowed.exitCode, 0) << allowed.err.constData();
    QFile f(packFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_FALSE(f.readAll().contains("locked.c")) << "what was not counted is not packed";
}

TEST_F(CliCounting, AllowUncountedIsDocumented) {
    for (const QString &command : {QStringLiteral("pack"), QStringLiteral("ask")}) {
        const CliRun r = runCli({command, QStringLiteral("--help")});
        EXPECT_TRUE(r.out.contains("--allow-uncounted")) << command.toStdString();
    }
}
