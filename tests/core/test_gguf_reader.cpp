// SPDX-License-Identifier: MIT
// GGUF metadata reader: round trips, every kind of broken file, and the GGUF vocabulary
// loader on generated files.
#include "ggufwriter.h"
#include "llm/gguf/ggufreader.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bpetokenizer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <gtest/gtest.h>

#include <random>

using namespace reposcope;
using namespace reposcope::llm;
using reposcope::test::GgufWriter;

namespace {

class GgufTest : public ::testing::Test {
protected:
    QString writeBytes(const QByteArray &bytes, const QString &name = QStringLiteral("m.gguf")) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        return path;
    }

    // The file must be rejected with an InvalidData error whose message contains `needle`.
    void expectInvalid(const QByteArray &bytes, const QString &needle) {
        const auto r = readGgufMetadata(writeBytes(bytes));
        ASSERT_FALSE(r.ok()) << "accepted a broken file; expected: " << needle.toStdString();
        EXPECT_EQ(r.error().code, Error::Code::InvalidData);
        EXPECT_TRUE(r.error().message.contains(needle, Qt::CaseInsensitive))
            << r.error().message.toStdString()
            << "\n  expected to contain: " << needle.toStdString();
    }

    QTemporaryDir m_dir;
};

QByteArray u64(quint64 v) {
    QByteArray b(8, '\0');
    qToLittleEndian<quint64>(v, b.data());
    return b;
}
QByteArray u32(quint32 v) {
    QByteArray b(4, '\0');
    qToLittleEndian<quint32>(v, b.data());
    return b;
}

GgufWriter allTypes() {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("general.name", "Round Trip ✓");
    w.addUInt8("t.u8", 250);
    w.addInt8("t.i8", -100);
    w.addUInt16("t.u16", 65000);
    w.addInt16("t.i16", -32000);
    w.addUInt32("t.u32", 4000000000u);
    w.addInt32("t.i32", -2000000000);
    w.addUInt64("t.u64", 18000000000000000000ull);
    w.addInt64("t.i64", -9000000000000000000ll);
    w.addFloat32("t.f32", 1.5f);
    w.addFloat64("t.f64", -2.25);
    w.addBool("t.bool", true);
    w.addString("t.empty", "");
    w.addStringArray("t.strs", {"a", "", "Ġthe", QByteArray("\0x", 2)});
    w.addInt32Array("t.ints", {1, -2, 3});
    w.addFloat32Array("t.floats", {0.5f, -1.0f});
    w.addUInt32("llama.context_length", 4096);
    w.addUInt32("general.file_type", 15);
    return w;
}

} // namespace

TEST_F(GgufTest, RoundTripsEveryValueType) {
    const auto r = readGgufMetadata(writeBytes(allTypes().build()));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    const GgufInfo &i = *r;
    EXPECT_EQ(i.version, 3u);
    EXPECT_EQ(i.architecture, QStringLiteral("llama"));
    EXPECT_EQ(i.name, QStringLiteral("Round Trip ✓"));
    EXPECT_EQ(i.contextLength, 4096u);
    EXPECT_EQ(i.fileType, 15u);
    EXPECT_EQ(i.fileTypeName, QStringLiteral("Q4_K_M"));
    EXPECT_EQ(i.keyValues.size(), 19u);
    EXPECT_EQ(i.value("t.u8")->toInt(), 250);
    EXPECT_EQ(i.value("t.i8")->toInt(), -100);
    EXPECT_EQ(i.value("t.u16")->toInt(), 65000);
    EXPECT_EQ(i.value("t.i16")->toInt(), -32000);
    EXPECT_EQ(i.value("t.u32")->toUInt(), 4000000000u);
    EXPECT_EQ(i.value("t.i32")->toInt(), -2000000000);
    EXPECT_EQ(i.value("t.u64")->toUInt(), 18000000000000000000ull);
    EXPECT_FALSE(i.value("t.u64")->toInt().has_value()); // out of int64 range
    EXPECT_EQ(i.value("t.i64")->toInt(), -9000000000000000000ll);
    EXPECT_FALSE(i.value("t.i64")->toUInt().has_value());
    EXPECT_EQ(i.value("t.f32")->toDouble(), 1.5);
    EXPECT_EQ(i.value("t.f64")->toDouble(), -2.25);
    EXPECT_EQ(i.value("t.bool")->toBool(), true);
    EXPECT_EQ(i.value("t.empty")->toString(), QString());
    EXPECT_FALSE(i.value("t.u8")->toString().has_value());
    const QList<QByteArray> *strs = i.value("t.strs")->stringArray();
    ASSERT_NE(strs, nullptr);
    EXPECT_EQ(*strs, (QList<QByteArray>{"a", "", "Ġthe", QByteArray("\0x", 2)}));
    EXPECT_EQ(i.value("t.ints")->intArray(), (std::vector<qint64>{1, -2, 3}));
    EXPECT_EQ(i.value("t.floats")->floatArray(), (std::vector<double>{0.5, -1.0}));
    EXPECT_EQ(i.value("t.ints")->stringArray(), nullptr);
    EXPECT_EQ(i.value("missing"), nullptr);
    EXPECT_EQ(i.parameterCount, 0u);
}

TEST_F(GgufTest, ReadsVersion2) {
    const auto r = readGgufMetadata(writeBytes(allTypes().build(2)));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_EQ(r->version, 2u);
}

TEST_F(GgufTest, TinyModelReportsShapeAndParameters) {
    test::TinyLlamaOptions o;
    o.blocks = 2;
    const QByteArray bytes = test::tinyLlama(o).build();
    const auto r = readGgufMetadata(writeBytes(bytes));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    const quint64 vocab = quint64(test::tinyVocab().tokens.size());
    const quint64 embd = 16, ff = 32, kv = 8;
    const quint64 perBlock =
        embd + embd * embd + 2 * embd * kv + embd * embd + embd + 3 * embd * ff;
    EXPECT_EQ(r->parameterCount, embd * vocab + embd + 2 * perBlock);
    EXPECT_EQ(r->tensors.size(), 2u + 2 * 9);
    EXPECT_EQ(r->blockCount, 2u);
    EXPECT_EQ(r->embeddingLength, embd);
    EXPECT_EQ(r->headCount, 2u);
    EXPECT_EQ(r->headCountKv, 1u);
    EXPECT_EQ(r->contextLength, 256u);
    EXPECT_EQ(r->fileTypeName, QStringLiteral("F32"));
    EXPECT_EQ(r->dataOffset % 32, 0u);
    EXPECT_EQ(r->fileSize, quint64(bytes.size()));
    EXPECT_EQ(r->tensors[0].name, QByteArray("token_embd.weight"));
    EXPECT_EQ(r->tensors[0].dims, (std::vector<quint64>{embd, vocab}));

    // A model list can skip the big arrays and the tensor table.
    GgufReadOptions light;
    light.keepArraysUpTo = 16;
    light.readTensorInfo = false;
    const auto l = readGgufMetadata(writeBytes(bytes), light);
    ASSERT_TRUE(l.ok()) << l.error().message.toStdString();
    const GgufValue *tokens = l->value("tokenizer.ggml.tokens");
    ASSERT_NE(tokens, nullptr);
    EXPECT_FALSE(tokens->contentsKept);
    EXPECT_EQ(tokens->count, vocab);
    EXPECT_EQ(tokens->stringArray(), nullptr);
    EXPECT_FALSE(l->parameterCount.has_value());
    EXPECT_EQ(l->contextLength, 256u);
}

TEST_F(GgufTest, MissingFileIsNotFound) {
    const auto r = readGgufMetadata(m_dir.filePath(QStringLiteral("nope.gguf")));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::NotFound);
}

TEST_F(GgufTest, RejectsBadHeaders) {
    expectInvalid(QByteArray(), QStringLiteral("only 0 bytes"));
    expectInvalid("GGU", QStringLiteral("only 3 bytes"));
    QByteArray bad = allTypes().build();
    bad[0] = 'X';
    expectInvalid(bad, QStringLiteral("bad magic"));
    expectInvalid(allTypes().build(1), QStringLiteral("version 1 is not supported"));
    expectInvalid(allTypes().build(4), QStringLiteral("unsupported GGUF version 4"));
    expectInvalid(allTypes().build(3, -1, qint64(1) << 40), QStringLiteral("key/values"));
    expectInvalid(allTypes().build(3, qint64(1) << 40), QStringLiteral("tensors"));
}

TEST_F(GgufTest, EveryTruncationIsAClearError) {
    test::TinyLlamaOptions o;
    o.embd = 8;
    o.ff = 8;
    const QByteArray full = test::tinyLlama(o).build();
    ASSERT_TRUE(readGgufMetadata(writeBytes(full)).ok());
    // Every prefix, sampled densely over the metadata and sparsely over the tensor data.
    for (qsizetype n = 0; n < full.size(); n += (n < 600 ? 1 : n < 12000 ? 13 : 397)) {
        const auto r = readGgufMetadata(writeBytes(full.left(n)));
        ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes accepted";
        ASSERT_FALSE(r.error().message.isEmpty());
        if (n >= 24) { // past the fixed header
            ASSERT_TRUE(r.error().message.contains(QStringLiteral("truncated")) ||
                        r.error().message.contains(QStringLiteral("more than the file holds")))
                << n << ": " << r.error().message.toStdString();
        }
    }
}

TEST_F(GgufTest, RejectsHugeClaimedSizes) {
    GgufWriter s;
    s.addRaw("big.string", GgufWriter::String, u64(quint64(1) << 62) + "abc");
    expectInvalid(s.build(), QStringLiteral("big.string"));

    GgufWriter a;
    a.addRaw("big.array", GgufWriter::Array, u32(GgufWriter::UInt64) + u64(quint64(1) << 61));
    expectInvalid(a.build(), QStringLiteral("more than the file holds"));

    GgufWriter sa; // a string array whose count fits the file only as 8-byte lengths
    sa.addRaw("big.strings", GgufWriter::Array, u32(GgufWriter::String) + u64(1000000) + u64(5));
    expectInvalid(sa.build(), QStringLiteral("big.strings"));

    GgufWriter k;
    k.addRaw(QByteArray(), GgufWriter::UInt8, QByteArray(1, '\0'));
    QByteArray keyTooLong = k.build();
    // Patch the key length (right after the 24-byte header) to something absurd.
    qToLittleEndian<quint64>(quint64(1) << 50, keyTooLong.data() + 24);
    expectInvalid(keyTooLong, QStringLiteral("key #0"));
}

TEST_F(GgufTest, RejectsMalformedValues) {
    GgufWriter t;
    t.addRaw("weird", 13, QByteArray(8, '\0'));
    expectInvalid(t.build(), QStringLiteral("unknown value type 13"));

    GgufWriter e;
    e.addRaw("weird.array", GgufWriter::Array, u32(99) + u64(1));
    expectInvalid(e.build(), QStringLiteral("unknown element type 99"));

    GgufWriter d;
    d.addUInt32("same", 1);
    d.addUInt32("same", 2);
    expectInvalid(d.build(), QStringLiteral("duplicate key 'same'"));

    GgufWriter b;
    b.addRaw("flag", GgufWriter::Bool, QByteArray(1, '\x07'));
    expectInvalid(b.build(), QStringLiteral("bool"));

    // Arrays nested deeper than the cap.
    QByteArray nested;
    for (int i = 0; i < 10; ++i)
        nested += u32(GgufWriter::Array) + u64(1);
    nested += u32(GgufWriter::UInt8) + u64(1) + QByteArray(1, '\0');
    GgufWriter n;
    n.addRaw("deep", GgufWriter::Array, nested);
    expectInvalid(n.build(), QStringLiteral("nests arrays"));

    GgufWriter al = allTypes();
    al.addUInt32("general.alignment", 24);
    expectInvalid(al.build(), QStringLiteral("power of two"));
}

TEST_F(GgufTest, RejectsBrokenTensorTables) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addTensor("a", {4, 4});
    QByteArray good = w.build();
    ASSERT_TRUE(readGgufMetadata(writeBytes(good)).ok());
    const qsizetype info = good.indexOf(QByteArray("\x01\0\0\0\0\0\0\0a", 9));
    ASSERT_GT(info, 0);
    const qsizetype dimsAt = info + 9;

    QByteArray dims5 = good;
    qToLittleEndian<quint32>(5, dims5.data() + dimsAt);
    expectInvalid(dims5, QStringLiteral("5 dimensions"));

    QByteArray huge = good;
    qToLittleEndian<quint64>(quint64(1) << 40, huge.data() + dimsAt + 4);
    expectInvalid(huge, QStringLiteral("extends past the end"));

    QByteArray type = good;
    qToLittleEndian<quint32>(200, type.data() + dimsAt + 4 + 16);
    expectInvalid(type, QStringLiteral("unknown ggml type 200"));

    QByteArray unaligned = good;
    qToLittleEndian<quint64>(4, unaligned.data() + dimsAt + 4 + 16 + 4);
    expectInvalid(unaligned, QStringLiteral("not aligned"));

    expectInvalid(good.left(good.size() - 4), QStringLiteral("extends past the end"));
}

TEST_F(GgufTest, RandomCorruptionNeverCrashes) {
    test::TinyLlamaOptions o;
    o.tensors = true;
    o.embd = 8;
    o.ff = 8;
    const QByteArray full = test::tinyLlama(o).build();
    std::mt19937 rng(7);
    int rejected = 0;
    for (int round = 0; round < 600; ++round) {
        QByteArray b = full;
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            // Mostly the metadata, where the lengths and counts are.
            const qsizetype at = qsizetype(rng() % quint32(std::min<qsizetype>(b.size(), 6000)));
            b[at] = char(rng());
        }
        const auto r = readGgufMetadata(writeBytes(b));
        if (!r.ok()) {
            ++rejected;
            EXPECT_FALSE(r.error().message.isEmpty());
        }
    }
    EXPECT_GT(rejected, 0);
}

// ---- loadGgufVocabulary -------------------------------------------------------------

namespace {

GgufWriter vocabFile(const QByteArray &pre = "qwen2") {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("general.name", "tiny vocab");
    test::addGpt2Vocab(w, test::tinyVocab(), pre);
    return w;
}

} // namespace

TEST_F(GgufTest, VocabularyLoadsAsBpeSpec) {
    const auto r = tokenize::loadGgufVocabulary(writeBytes(vocabFile().build()));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    const tokenize::BpeSpec &spec = *r;
    const test::TinyVocab v = test::tinyVocab();
    EXPECT_TRUE(spec.id.startsWith(QStringLiteral("gguf:tiny_vocab:")));
    EXPECT_EQ(spec.id.size(), QStringLiteral("gguf:tiny_vocab:").size() + 8);
    EXPECT_EQ(spec.normalization, tokenize::BpeSpec::Normalization::None);
    EXPECT_FALSE(spec.ignoreMerges);
    ASSERT_EQ(spec.splitPatterns.size(), 1);
    EXPECT_TRUE(spec.splitPatterns[0].contains(QStringLiteral(R"(\p{N}|)")));
    ASSERT_EQ(spec.vocab.size(), size_t(v.tokens.size() - 3));
    for (int b = 0; b < 256; ++b) {
        EXPECT_EQ(spec.vocab[size_t(b)].first, QByteArray(1, char(b)));
        EXPECT_EQ(spec.vocab[size_t(b)].second, b);
    }
    EXPECT_EQ(spec.vocab[256].first, QByteArray(" t"));
    EXPECT_EQ(spec.vocab[258].first, QByteArray(" the"));
    ASSERT_EQ(spec.merges.size(), v.rawMerges.size());
    for (size_t i = 0; i < spec.merges.size(); ++i)
        EXPECT_EQ(spec.merges[i], v.rawMerges[i]) << i;
    ASSERT_EQ(spec.specialTokens.size(), 3u);
    EXPECT_EQ(spec.specialTokens[0].first, QByteArray("<|endoftext|>"));
    EXPECT_EQ(spec.specialTokens[0].second, int(v.tokens.size() - 3));
    EXPECT_EQ(spec.specialTokens[2].first, QByteArray("<|im_end|>"));

    // The id changes with the vocabulary and is stable otherwise.
    const auto again =
        tokenize::loadGgufVocabulary(writeBytes(vocabFile().build(), QStringLiteral("b.gguf")));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->id, spec.id);
    const auto other = tokenize::loadGgufVocabulary(
        writeBytes(vocabFile("gpt-2").build(), QStringLiteral("c.gguf")));
    ASSERT_TRUE(other.ok()) << other.error().message.toStdString();
    EXPECT_NE(other->id, spec.id);
}

TEST_F(GgufTest, VocabularyPreTokenizerTypes) {
    struct Case {
        QByteArray pre;
        int patterns;
        bool ignoreMerges;
    };
    for (const Case &c : {Case{"llama-bpe", 1, true}, Case{"llama3", 1, true},
                          Case{"qwen2", 1, false}, Case{"deepseek-v3", 3, false},
                          Case{"gpt-2", 1, false}, Case{"default", 4, false}, Case{"", 4, false}}) {
        const auto r = tokenize::loadGgufVocabulary(writeBytes(vocabFile(c.pre).build()));
        ASSERT_TRUE(r.ok()) << c.pre.constData() << ": " << r.error().message.toStdString();
        EXPECT_EQ(r->splitPatterns.size(), c.patterns) << c.pre.constData();
        EXPECT_EQ(r->ignoreMerges, c.ignoreMerges) << c.pre.constData();
    }
    const auto unknown = tokenize::loadGgufVocabulary(writeBytes(vocabFile("chameleon").build()));
    ASSERT_FALSE(unknown.ok());
    EXPECT_TRUE(unknown.error().message.contains(
        QStringLiteral("unsupported: pre-tokenizer \"chameleon\"")))
        << unknown.error().message.toStdString();
}

TEST_F(GgufTest, VocabularyErrorsNameWhatIsWrong) {
    GgufWriter spm;
    spm.addString("tokenizer.ggml.model", "llama");
    spm.addStringArray("tokenizer.ggml.tokens", {"<unk>", "▁the"});
    auto r = tokenize::loadGgufVocabulary(writeBytes(spm.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("unsupported: SentencePiece")))
        << r.error().message.toStdString();

    GgufWriter none;
    none.addString("general.architecture", "llama");
    r = tokenize::loadGgufVocabulary(writeBytes(none.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("tokenizer.ggml.model")));

    GgufWriter noTokens;
    noTokens.addString("tokenizer.ggml.model", "gpt2");
    noTokens.addStringArray("tokenizer.ggml.merges", {});
    r = tokenize::loadGgufVocabulary(writeBytes(noTokens.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("tokenizer.ggml.tokens")));

    const test::TinyVocab v = test::tinyVocab();
    GgufWriter noMerges;
    noMerges.addString("tokenizer.ggml.model", "gpt2");
    noMerges.addStringArray("tokenizer.ggml.tokens", v.tokens);
    r = tokenize::loadGgufVocabulary(writeBytes(noMerges.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("tokenizer.ggml.merges")));

    GgufWriter types;
    types.addString("tokenizer.ggml.model", "gpt2");
    types.addStringArray("tokenizer.ggml.tokens", v.tokens);
    types.addInt32Array("tokenizer.ggml.token_type", {1, 1});
    types.addStringArray("tokenizer.ggml.merges", v.merges);
    r = tokenize::loadGgufVocabulary(writeBytes(types.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("token_type")));

    GgufWriter badMerge;
    badMerge.addString("tokenizer.ggml.model", "gpt2");
    badMerge.addStringArray("tokenizer.ggml.tokens", v.tokens);
    badMerge.addStringArray("tokenizer.ggml.merges", {"Ġ t", "nospace"});
    r = tokenize::loadGgufVocabulary(writeBytes(badMerge.build()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("merge 1 \"nospace\"")))
        << r.error().message.toStdString();

    // A truncated file: the reader's error comes through.
    const QByteArray full = vocabFile().build();
    r = tokenize::loadGgufVocabulary(writeBytes(full.left(full.size() / 2)));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("truncated")))
        << r.error().message.toStdString();
}

TEST_F(GgufTest, VocabularyEncodesWithBpeTokenizer) {
    auto spec = tokenize::loadGgufVocabulary(writeBytes(vocabFile().build()));
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    auto tok = tokenize::BpeTokenizer::create(std::move(*spec));
    ASSERT_TRUE(tok.ok()) << tok.error().message.toStdString();
    // " the" is one merged token (id 258); "<|im_end|>" in text is never the special token.
    EXPECT_EQ((*tok)->encode(" the"), (std::vector<int>{258}));
    EXPECT_GT((*tok)->count("<|im_end|>"), 1);
}
