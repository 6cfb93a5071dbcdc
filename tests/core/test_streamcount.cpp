// SPDX-License-Identifier: MIT
// StreamCounter: content fed in chunks of any size counts exactly as the whole content
// (CountJob::analyse) with a real tokenizer: UTF-16 and multibyte UTF-8 split across
// chunks, text longer than one counting piece, one-line text, binary, BOMs.
#include "repo/contentreader.h"
#include "tokenize/countjob.h"
#include "tokenize/estimatortokenizer.h"
#include "tokenize/streamcount.h"
#include "tokenize/tokenizerregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringConverter>
#include <QTemporaryDir>

#include "generatedtext.h"

#include <gtest/gtest.h>

using namespace reposcope::tokenize;
using reposcope::test::minifiedLine;

namespace {

std::shared_ptr<const Tokenizer> o200k() {
    static std::shared_ptr<const Tokenizer> t = [] {
        TokenizerRegistry registry(TokenizerRegistry::defaultDataFolder());
        TokenizerChoice choice = registry.resolve(QStringLiteral("o200k"), true);
        return choice.exactForModel ? choice.tokenizer : nullptr;
    }();
    return t;
}

#define REQUIRE_O200K()                                                                            \
    if (!o200k())                                                                                  \
    GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh"

ContentStats streamed(const QByteArray &raw, const Tokenizer &t, qsizetype chunk) {
    StreamCounter counter(t);
    for (qsizetype at = 0; at < raw.size(); at += chunk)
        if (!counter.feed(QByteArrayView(raw).sliced(at, std::min(chunk, raw.size() - at))))
            break;
    ContentStats s = counter.finish();
    EXPECT_FALSE(counter.needsWholeContent());
    return s;
}

void expectSame(const QByteArray &raw, const Tokenizer &t, qsizetype chunk,
                const std::string &what) {
    const ContentStats whole = CountJob::analyse(raw, t);
    const ContentStats part = streamed(raw, t, chunk);
    EXPECT_EQ(part.tokens, whole.tokens) << what << " chunk " << chunk;
    EXPECT_EQ(part.lines, whole.lines) << what << " chunk " << chunk;
    EXPECT_EQ(part.binary, whole.binary) << what;
    EXPECT_EQ(part.generated, whole.generated) << what;
    EXPECT_EQ(part.encoding, whole.encoding) << what;
    EXPECT_EQ(part.replacedBytes, whole.replacedBytes) << what;
}

QByteArray utf16(const QString &s, bool le) {
    QStringEncoder enc(le ? QStringConverter::Utf16LE : QStringConverter::Utf16BE);
    return (le ? QByteArray("\xFF\xFE") : QByteArray("\xFE\xFF")) + QByteArray(enc.encode(s));
}

} // namespace

TEST(StreamCounter, SmallContentsInTinyChunksCountAsWhole) {
    REQUIRE_O200K();
    const QString mixed =
        QStringLiteral("Grüße 😀 world\nline two\r\n\tindent  x = 1;\n日本語 text");
    const QList<std::pair<std::string, QByteArray>> cases{
        {"ascii", "int main() {\n    return 0;\n}\n"},
        {"utf8 multibyte", mixed.toUtf8()},
        {"utf8 bom", "\xEF\xBB\xBF" + mixed.toUtf8()},
        {"utf16 le", utf16(mixed, true)},
        {"utf16 be", utf16(mixed, false)},
        {"binary", QByteArray("\x7f"
                              "ELF\x02\x01\x01\x00\x00\x00 text after",
                              24)},
        {"empty", QByteArray()},
        {"no final newline", "a\nb"},
    };
    for (const auto &[what, raw] : cases)
        for (qsizetype chunk : {1, 2, 3, 5, 7, 64})
            expectSame(raw, *o200k(), chunk, what);
}

TEST(StreamCounter, SourceFilesOfTheProjectCountAsWhole) {
    REQUIRE_O200K();
    QDirIterator it(QStringLiteral(REPOSCOPE_SOURCE_DIR "/core/tokenize"),
                    {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                    QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const QByteArray raw = f.readAll();
        expectSame(raw, *o200k(), 97, f.fileName().toStdString());
        expectSame(raw, *o200k(), 4096, f.fileName().toStdString());
        ++files;
    }
    EXPECT_GT(files, 10);
}

TEST(StreamCounter, TextLongerThanOnePieceIsSplitWithoutChangingTheCount) {
    REQUIRE_O200K();
    // Over 1 MiB, so the counter hands the tokenizer several pieces.
    const QByteArray line = minifiedLine(3 << 20, 11);
    EstimatorTokenizer estimator;
    for (qsizetype chunk : {4093, 65536, 1 << 20}) {
        expectSame(line, *o200k(), chunk, "one line");
        expectSame(line, estimator, chunk, "one line, estimator");
    }
    QByteArray lines = line;
    for (qsizetype i = 0, spaces = 0; i < lines.size(); ++i)
        if (lines[i] == ' ' && ++spaces % 40 == 0)
            lines[i] = '\n';
    expectSame(lines, *o200k(), 65521, "many lines");
    const QString text = QString::fromUtf8(lines);
    expectSame(utf16(text, true), *o200k(), 65521, "utf16 le, long"); // odd: halves a unit
    expectSame(utf16(text, false), *o200k(), 65537, "utf16 be, long");
    StreamCounter counter(*o200k());
    for (qsizetype at = 0; at < line.size(); at += 65536)
        counter.feed(QByteArrayView(line).sliced(at, std::min<qsizetype>(65536, line.size() - at)));
    counter.finish();
    EXPECT_LT(counter.peakPending(), qsizetype(2) << 20) << "text is held in pieces";
}

TEST(StreamCounter, InvalidUtf8AsksForTheWholeContent) {
    EstimatorTokenizer t;
    StreamCounter counter(t);
    QByteArray raw(9000, 'a');
    raw[8500] = char(0xFF);
    counter.feed(raw);
    counter.finish();
    EXPECT_TRUE(counter.needsWholeContent());
}

TEST(StreamCounter, CountStreamingReadsAFileInChunks) {
    REQUIRE_O200K();
    QTemporaryDir dir;
    const QByteArray content = minifiedLine(2 << 20, 5);
    QFile f(dir.filePath(QStringLiteral("big.js")));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    reposcope::repo::RepoInfo info;
    info.rootPath = dir.path();
    auto reader = reposcope::repo::makeContentReader(info);
    reposcope::repo::ScannedFile file;
    file.path = "big.js";
    file.size = content.size();
    const auto stats = countStreaming(*reader, file, *o200k(), 100000);
    ASSERT_TRUE(stats.ok()) << stats.error().message.toStdString();
    EXPECT_EQ(stats->tokens, CountJob::analyse(content, *o200k()).tokens);
    EXPECT_TRUE(stats->generated); // one long line: minified
    file.path = "missing.js";
    EXPECT_FALSE(countStreaming(*reader, file, *o200k()).ok());
}
