// SPDX-License-Identifier: MIT
// BpeTokenizer on small synthetic vocabularies: both rank rules (tiktoken's and an ordered
// merge list), ignore_merges, split patterns in sequence, normalization, invalid UTF-8,
// special tokens, errors and thread safety.
#include "tokenize/bpe/bpetokenizer.h"

#include <gtest/gtest.h>

#include <thread>

using namespace reposcope::tokenize;

namespace {

// a=0 b=1 c=2 ' '=3 ab=4 abc=5 bc=6 é(NFC)=7 e=8 0xCC=9 0x81=10 0xC3=11 0xA9=12 <=13 |=14
// x=15 >=16
BpeSpec smallSpec() {
    BpeSpec spec;
    spec.id = QStringLiteral("test:0");
    spec.displayName = QStringLiteral("test");
    spec.splitPatterns = {QStringLiteral("\\S+|\\s+")};
    const std::pair<const char *, int> tokens[] = {
        {"a", 0},     {"b", 1},        {"c", 2},  {" ", 3},    {"ab", 4},    {"abc", 5},
        {"bc", 6},    {"\xC3\xA9", 7}, {"e", 8},  {"\xCC", 9}, {"\x81", 10}, {"\xC3", 11},
        {"\xA9", 12}, {"<", 13},       {"|", 14}, {"x", 15},   {">", 16},
    };
    for (const auto &[bytes, id] : tokens)
        spec.vocab.emplace_back(QByteArray(bytes), id);
    spec.specialTokens.emplace_back(QByteArray("<|x|>"), 99);
    return spec;
}

std::shared_ptr<const BpeTokenizer> make(BpeSpec spec) {
    auto t = BpeTokenizer::create(std::move(spec));
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message.toStdString());
    return t.ok() ? t.value() : nullptr;
}

std::vector<int> ids(std::initializer_list<int> l) {
    return std::vector<int>(l);
}

} // namespace

TEST(BpeEngine, TiktokenRuleMergesLowestRankFirst) {
    const auto t = make(smallSpec());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->encode("abc"), ids({5}));      // whole piece is a token
    EXPECT_EQ(t->encode("abcab"), ids({5, 4})); // ab, ab, then abc
    EXPECT_EQ(t->encode("cab ab"), ids({2, 4, 3, 4}));
    EXPECT_EQ(t->count("abcab"), 2);
    EXPECT_EQ(t->encode(""), ids({}));
    EXPECT_EQ(t->count(""), 0);
}

TEST(BpeEngine, MergeListRanksAndIgnoreMerges) {
    BpeSpec spec = smallSpec();
    spec.merges = {{QByteArray("b"), QByteArray("c")}};
    const auto t = make(spec);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->encode("abc"), ids({0, 6})); // only b+c may merge
    spec.merges = {{QByteArray("b"), QByteArray("c")}, {QByteArray("a"), QByteArray("bc")}};
    EXPECT_EQ(make(spec)->encode("abc"), ids({5}));
    spec.merges = {{QByteArray("a"), QByteArray("b")}, {QByteArray("b"), QByteArray("c")}};
    EXPECT_EQ(make(spec)->encode("abc"), ids({4, 2})); // a+b first, no ab+c merge
    spec.ignoreMerges = true;
    EXPECT_EQ(make(spec)->encode("abc"), ids({5}));
    EXPECT_EQ(make(spec)->encode("abcc"), ids({4, 2, 2}));
}

TEST(BpeEngine, SplitPatternsApplyInSequenceWithIsolatedGaps) {
    BpeSpec spec = smallSpec();
    spec.splitPatterns = {QStringLiteral("\\s+"), QStringLiteral("[a-z]{2}")};
    const auto t = make(spec);
    ASSERT_TRUE(t);
    // "ab cab" -> "ab" " " "cab" -> "ab" " " "ca" "b"
    EXPECT_EQ(t->encode("ab cab"), ids({4, 3, 2, 0, 1}));
    EXPECT_EQ(t->count("ab cab"), 5);
}

TEST(BpeEngine, NormalizesBeforePreTokenizing) {
    BpeSpec spec = smallSpec();
    const auto plain = make(spec);
    EXPECT_EQ(plain->encode("e\xCC\x81"), ids({8, 9, 10}));
    spec.normalization = BpeSpec::Normalization::NFC;
    const auto nfc = make(spec);
    EXPECT_EQ(nfc->encode("e\xCC\x81"), ids({7}));
    EXPECT_EQ(nfc->count("e\xCC\x81 e\xCC\x81"), 3);
}

TEST(BpeEngine, InvalidUtf8IsSplitOffAndNeverCrashes) {
    const auto t = make(smallSpec());
    ASSERT_TRUE(t);
    // 0xFF is not a token: one unknown token (-1) of its own between the valid runs.
    EXPECT_EQ(t->encode("ab\xFF"
                        "ab"),
              ids({4, -1, 4}));
    EXPECT_EQ(t->encode("ab\xC3"), ids({4, 11})); // truncated sequence at the end
    const std::string garbage = "\xC0\x80\xED\xA0\x80\xF5\xFF\xFE ab \xE2\x82";
    EXPECT_EQ(t->count(garbage), static_cast<qint64>(t->encode(garbage).size()));
}

TEST(BpeEngine, SpecialTokensAreNeverMatchedInText) {
    const auto t = make(smallSpec());
    EXPECT_EQ(t->encode("<|x|>"), ids({13, 14, 15, 14, 16}));
}

TEST(BpeEngine, LongPiecesUseTheSameMergeOrder) {
    const auto t = make(smallSpec());
    // 3 * 300 bytes: the heap path; every "abc" must still come out as one token.
    std::string s;
    for (int i = 0; i < 300; ++i)
        s += "abc";
    const std::vector<int> expected(300, 5);
    EXPECT_EQ(t->encode(s), expected);
    EXPECT_EQ(t->count(s), 300);
    // Shorter than the threshold, the linear path gives the same.
    EXPECT_EQ(t->encode(s.substr(0, 30)), std::vector<int>(10, 5));
}

TEST(BpeEngine, CountsAreThreadSafe) {
    const auto t = make(smallSpec());
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += (i % 3 ? "abcab cab " : "bca\xCC\x81 ");
    const qint64 expected = t->count(text);
    std::vector<qint64> results(4, -1);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            for (int k = 0; k < 20; ++k)
                results[static_cast<std::size_t>(i)] = t->count(text);
        });
    for (auto &th : threads)
        th.join();
    for (qint64 r : results)
        EXPECT_EQ(r, expected);
}

TEST(BpeEngine, BadSpecsGiveErrorsThatNameTheProblem) {
    BpeSpec spec = smallSpec();
    spec.splitPatterns = {QStringLiteral("(unclosed")};
    auto r = BpeTokenizer::create(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("does not compile")))
        << r.error().message.toStdString();

    spec = smallSpec();
    spec.vocab.emplace_back(QByteArray("ab"), 42);
    r = BpeTokenizer::create(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("\"ab\" appears twice")))
        << r.error().message.toStdString();

    spec = smallSpec();
    spec.merges = {{QByteArray("c"), QByteArray("a")}};
    r = BpeTokenizer::create(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("merge 1")))
        << r.error().message.toStdString();

    spec = smallSpec();
    spec.vocab.clear();
    EXPECT_FALSE(BpeTokenizer::create(spec).ok());
    spec = smallSpec();
    spec.splitPatterns.clear();
    EXPECT_FALSE(BpeTokenizer::create(spec).ok());
}
