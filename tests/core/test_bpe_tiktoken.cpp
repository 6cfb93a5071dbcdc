// SPDX-License-Identifier: MIT
// Conformance of BpeTokenizer with the real tiktoken (WASM, npm tiktoken@1.0.22) for
// o200k_base and cl100k_base: identical ids on a corpus of hard strings and on every .go file
// of the Go tree. The reference runs in this test (tests/reference/tiktoken_ids.mjs under
// node); nothing it outputs is committed. Also: loading speed and malformed vocabularies.
//
// The npm packages are found through $REPOSCOPE_NPM_MODULES, else .deps/npm/node_modules;
// without them (or without node) the conformance tests are skipped, saying why.
#include "tokenize/bpe/bpetokenizer.h"

#include <gtest/gtest.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <map>
#include <mutex>
#include <random>

using namespace reposcope::tokenize;

namespace {

const char *const kGoTree = "/usr/share/go-1.19/src";

QString npmModules() {
    const QString env = qEnvironmentVariable("REPOSCOPE_NPM_MODULES");
    if (!env.isEmpty())
        return env;
    const QString deps = QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules");
    return QFileInfo::exists(deps) ? deps : QString();
}

QString vocabularyPath(const QString &encoding) {
    const QString modules = npmModules();
    if (modules.isEmpty())
        return {};
    const QString path =
        modules + QStringLiteral("/tiktoken/encoders/") + encoding + QStringLiteral(".json");
    return QFileInfo::exists(path) ? path : QString();
}

#define REQUIRE_REFERENCE(encoding)                                                                \
    do {                                                                                           \
        if (vocabularyPath(encoding).isEmpty())                                                    \
            GTEST_SKIP() << "tiktoken@1.0.22 not found: set REPOSCOPE_NPM_MODULES or run the "     \
                            "bootstrap (.deps/npm/node_modules)";                                  \
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())                      \
            GTEST_SKIP() << "node is not on PATH; it runs the reference tiktoken";                 \
    } while (false)

std::shared_ptr<const BpeTokenizer> tokenizer(const QString &encoding) {
    static std::mutex mutex;
    static std::map<QString, std::shared_ptr<const BpeTokenizer>> cache;
    std::lock_guard lock(mutex);
    auto &t = cache[encoding];
    if (!t) {
        auto spec = loadTiktokenJson(vocabularyPath(encoding));
        EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error().message.toStdString());
        if (!spec.ok())
            return nullptr;
        auto created = BpeTokenizer::create(std::move(spec).value());
        EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message.toStdString());
        if (created.ok())
            t = created.value();
    }
    return t;
}

// Runs the reference on texts (which must not contain NUL); one id list per text.
std::vector<std::vector<int>> referenceIds(const QString &encoding,
                                           const std::vector<QByteArray> &texts) {
    QProcess node;
    node.setProgram(QStringLiteral("node"));
    node.setArguments({QStringLiteral(REPOSCOPE_SOURCE_DIR "/tests/reference/tiktoken_ids.mjs"),
                       npmModules(), encoding});
    node.start();
    EXPECT_TRUE(node.waitForStarted(30000)) << node.errorString().toStdString();
    for (const QByteArray &t : texts) {
        node.write(t);
        node.write("\0", 1);
    }
    node.closeWriteChannel();
    EXPECT_TRUE(node.waitForFinished(15 * 60 * 1000));
    const QByteArray err = node.readAllStandardError();
    EXPECT_EQ(node.exitCode(), 0) << err.toStdString();
    const QByteArray out = node.readAllStandardOutput();

    std::vector<std::vector<int>> result;
    long long value = -1;
    for (const char c : out) {
        if (c == '[') {
            result.emplace_back();
        } else if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (c == ',' || c == ']') {
            if (value >= 0 && !result.empty())
                result.back().push_back(static_cast<int>(value));
            value = -1;
        }
    }
    EXPECT_EQ(result.size(), texts.size()) << "the reference answered for a different number "
                                              "of texts; stderr: "
                                           << err.toStdString();
    return result;
}

std::string describe(const std::vector<int> &v, std::size_t at) {
    std::string s;
    const std::size_t from = at > 3 ? at - 3 : 0;
    for (std::size_t i = from; i < std::min(v.size(), at + 4); ++i)
        s += (i == at ? "*" : "") + std::to_string(v[i]) + " ";
    return s;
}

// Compares our ids with the reference's for each text; reports the first few mismatches.
void expectSameIds(const QString &encoding, const std::vector<QByteArray> &texts,
                   const std::vector<QString> &names) {
    const auto t = tokenizer(encoding);
    ASSERT_TRUE(t);
    const auto expected = referenceIds(encoding, texts);
    ASSERT_EQ(expected.size(), texts.size());
    int failures = 0;
    long long total = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string_view text(texts[i].constData(),
                                    static_cast<std::size_t>(texts[i].size()));
        const std::vector<int> ours = t->encode(text);
        total += static_cast<long long>(expected[i].size());
        EXPECT_EQ(t->count(text), static_cast<qint64>(ours.size())) << names[i].toStdString();
        if (ours == expected[i])
            continue;
        std::size_t at = 0;
        while (at < ours.size() && at < expected[i].size() && ours[at] == expected[i][at])
            ++at;
        ADD_FAILURE() << encoding.toStdString() << ": " << names[i].toStdString()
                      << " differs at token " << at << " (ours " << ours.size()
                      << " tokens, reference " << expected[i].size()
                      << ")\n  ours: " << describe(ours, at)
                      << "\n  tiktoken: " << describe(expected[i], at);
        if (++failures >= 10)
            break;
    }
    std::printf("[ %s ] %zu texts, %lld reference tokens\n", qPrintable(encoding), texts.size(),
                total);
}

QByteArray utf8(const QString &s) {
    return s.toUtf8();
}

QByteArray fromCodePoints(const std::vector<char32_t> &cps, const QString &separator = {}) {
    QString s;
    for (const char32_t cp : cps) {
        s += QString::fromUcs4(&cp, 1);
        s += separator;
    }
    return s.toUtf8();
}

// The hard strings, already decoded text (valid UTF-8), with a name each.
std::pair<std::vector<QByteArray>, std::vector<QString>> hardStrings() {
    std::vector<QByteArray> texts;
    std::vector<QString> names;
    auto add = [&](const QString &name, const QByteArray &text) {
        texts.push_back(text);
        names.push_back(name);
    };
    // Every Unicode general category: up to 40 code points spread over each.
    std::map<int, std::vector<char32_t>> byCategory;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            continue;
        byCategory[QChar::category(cp)].push_back(cp);
    }
    for (auto &[category, all] : byCategory) {
        if (category == QChar::Other_NotAssigned)
            continue; // the Unicode versions of Qt, PCRE2 and Rust differ here
        std::vector<char32_t> sample;
        const std::size_t step = std::max<std::size_t>(1, all.size() / 40);
        for (std::size_t i = 0; i < all.size(); i += step)
            sample.push_back(all[i]);
        const QString name = QStringLiteral("category %1").arg(category);
        add(name, fromCodePoints(sample));
        add(name + QStringLiteral(" spaced"), fromCodePoints(sample, QStringLiteral(" ")));
        add(name + QStringLiteral(" after letters"), fromCodePoints(sample, QStringLiteral("ab")));
        add(name + QStringLiteral(" after digits"), fromCodePoints(sample, QStringLiteral("7 ")));
    }
    // clang-format off (clang-format 14 is not idempotent on ZWJ sequences)
    add(QStringLiteral("emoji"),
        utf8(QStringLiteral(
            "👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽👍🏿 🇺🇸🇫🇷🇯🇵 "
            "❤️‍🔥 🧑🏻‍💻 😀😃😄 "
            "✈️ ☕ 1️⃣ #️⃣ 🫠")));
    // clang-format on
    add(QStringLiteral("CJK"),
        utf8(QStringLiteral(
            "漢字かなカナ한국어 中文测试，标点。日本語の文章です。「引用」『二重』ｶﾀｶﾅ ㈱ ㍻")));
    add(QStringLiteral("combining"),
        utf8(QStringLiteral(
            "e\u0301 a\u0300\u0301\u0302 Z\u0324\u0354\u0367\u0311\u0313 \u0301\u0302start "
            "ǅemo ǈ ﬁ ſ x\u20DD Ω Å")));
    add(QStringLiteral("scripts"),
        utf8(QStringLiteral(
            "Привет мир Ελληνικά العربية עברית हिन्दी ไทยภาษา ქართული Հայերեն ᠮᠣᠩᠭᠣᠯ")));
    add(QStringLiteral("whitespace runs"),
        QByteArray(1000, ' ') + "x" + QByteArray(7, '\t') + "\n\n\n   \n \t\n" +
            QByteArray(300, '\n') + "   y   \n" +
            utf8(QStringLiteral("\u00A0\u2003\u3000\u2028\u2029\u0085\u000B\u000C z")));
    add(QStringLiteral("CRLF"),
        QByteArray("line one\r\nline two\r\n\r\n\r\n  indented\r\n}\r\n//c\r\n"));
    add(QStringLiteral("digits"),
        utf8(QStringLiteral("1 12 123 1234 12345678901234567890 3.14159e-10 0x1F2E 1,000,000 ١٢٣٤٥ "
                            "０１２３ ²³ ½ Ⅻ")));
    add(QStringLiteral("contractions"),
        QByteArray(
            "I'm you're he'll they've she'd it's don't WE'LL THEY'RE 'S 'll 's x's O'Neil '' ' ") +
            utf8(QStringLiteral("ſ'ſ IT'ſ K'K 'Ｓ")));
    add(QStringLiteral("special token text"),
        QByteArray("<|endoftext|> <|fim_prefix|><|endofprompt|>"));
    add(QStringLiteral("replacement char"),
        utf8(QStringLiteral("a\uFFFDb \uFFFD\uFFFD\uFFFD x\uFFFD")));
    add(QStringLiteral("invalid bytes, decoded"),
        QString::fromUtf8("ok \xFF\xFE bad \xC3 \xE2\x82 \xED\xA0\x80 end").toUtf8());
    add(QStringLiteral("punctuation"),
        QByteArray("!!!??? ...,,, ---=== ///*** {{{}}} ((())) a->b :: ;;\n//\n/*/"));
    add(QStringLiteral("empty"), QByteArray());

    // Long single pieces: tiktoken's merge is quadratic, so 20k bytes each, not 1 MB.
    std::mt19937 rng(42);
    std::string word;
    for (int i = 0; i < 20000; ++i)
        word += static_cast<char>('a' + rng() % 26);
    add(QStringLiteral("20k-letter word"), QByteArray::fromStdString(word));
    add(QStringLiteral("20k spaces"), QByteArray(20000, ' '));
    add(QStringLiteral("20k equals"), QByteArray(20000, '='));
    add(QStringLiteral("20k digits"), QByteArray(20000, '7'));
    // A 1 MB single line of mixed text.
    const char *const words[] = {"func", "return", "err", " ",       "  ", "(",   ")",
                                 "{",    "}",      "x",   "Counter", "42", "3.5", "é",
                                 "日本", "_",      "::",  "don't",   "\t"};
    std::string line;
    while (line.size() < (1 << 20))
        line += words[rng() % std::size(words)];
    add(QStringLiteral("1 MB single line"), QByteArray::fromStdString(line));
    return {texts, names};
}

std::pair<std::vector<QByteArray>, std::vector<QString>> goFiles() {
    std::vector<QByteArray> texts;
    std::vector<QString> names;
    QDirIterator it(QString::fromLatin1(kGoTree), {QStringLiteral("*.go")},
                    QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        // Decode as the app does; the reference gets the same decoded text.
        const QByteArray text = QString::fromUtf8(f.readAll()).toUtf8();
        if (text.contains('\0'))
            continue; // NUL separates texts on the pipe
        texts.push_back(text);
        names.push_back(path);
    }
    return {texts, names};
}

class TiktokenConformance : public ::testing::TestWithParam<const char *> {};

} // namespace

TEST_P(TiktokenConformance, HardStrings) {
    const QString encoding = QString::fromLatin1(GetParam());
    REQUIRE_REFERENCE(encoding);
    const auto [texts, names] = hardStrings();
    expectSameIds(encoding, texts, names);
}

TEST_P(TiktokenConformance, EveryGoFile) {
    const QString encoding = QString::fromLatin1(GetParam());
    REQUIRE_REFERENCE(encoding);
    if (!QFileInfo::exists(QString::fromLatin1(kGoTree)))
        GTEST_SKIP() << kGoTree << " is missing";
    const auto [texts, names] = goFiles();
    ASSERT_GT(texts.size(), 1000u);
    expectSameIds(encoding, texts, names);
}

INSTANTIATE_TEST_SUITE_P(Tiktoken, TiktokenConformance,
                         ::testing::Values("o200k_base", "cl100k_base"));

TEST(TiktokenLoad, IdNamesTheFileHashAndLoadingIsFast) {
    REQUIRE_REFERENCE(QStringLiteral("o200k_base"));
    const QString path = vocabularyPath(QStringLiteral("o200k_base"));
    QElapsedTimer timer;
    timer.start();
    auto spec = loadTiktokenJson(path);
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    auto t = BpeTokenizer::create(std::move(spec).value());
    ASSERT_TRUE(t.ok()) << t.error().message.toStdString();
    const qint64 ms = timer.elapsed();
    std::printf("[ o200k ] load + create: %lld ms\n", ms);
    EXPECT_LT(ms, 1000); // the target is 300 ms (see bench_bpe); generous for loaded CI hosts

    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1).toHex().left(8));
    EXPECT_EQ(t.value()->id(), QStringLiteral("o200k_base:") + hash);
    EXPECT_TRUE(t.value()->isExact());
    EXPECT_EQ(t.value()->count("hello world"), 2);
}

TEST(TiktokenLoad, TruncatedRealVocabularyIsAnErrorNotACrash) {
    REQUIRE_REFERENCE(QStringLiteral("cl100k_base"));
    QFile f(vocabularyPath(QStringLiteral("cl100k_base")));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray data = f.readAll();
    QTemporaryDir dir;
    for (const double fraction : {0.0, 0.001, 0.3, 0.999}) {
        const QString path = dir.filePath(QStringLiteral("cl100k_base.json"));
        QFile out(path);
        ASSERT_TRUE(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(data.left(static_cast<qsizetype>(static_cast<double>(data.size()) * fraction)));
        out.close();
        const auto r = loadTiktokenJson(path);
        ASSERT_FALSE(r.ok()) << fraction;
        EXPECT_TRUE(r.error().message.contains(QStringLiteral("bad JSON")))
            << r.error().message.toStdString();
    }
}

namespace {

// A tiny tiktoken file: the 256 bytes, then "ab" and "abc".
QByteArray tinyVocabulary(const QByteArray &ranksSuffix = {},
                          const QByteArray &patStr = "\\\\S+|\\\\s+") {
    QByteArray ranks = "! 0";
    for (int b = 0; b < 256; ++b)
        ranks += ' ' + QByteArray(1, static_cast<char>(b)).toBase64();
    ranks += "\\n! 256 " + QByteArray("ab").toBase64() + ' ' + QByteArray("abc").toBase64();
    ranks += ranksSuffix;
    QByteArray json = "{";
    if (!patStr.isNull())
        json += "\"pat_str\":\"" + patStr + "\",";
    json += "\"special_tokens\":{\"<|endoftext|>\":300},\"bpe_ranks\":\"" + ranks + "\"}";
    return json;
}

reposcope::Result<BpeSpec> loadText(const QTemporaryDir &dir, const QByteArray &content) {
    const QString path = dir.filePath(QStringLiteral("tiny_base.json"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return reposcope::Error::make(reposcope::Error::Code::Io, QStringLiteral("cannot write"));
    out.write(content);
    out.close();
    return loadTiktokenJson(path);
}

void expectError(const reposcope::Result<BpeSpec> &r, const char *phrase) {
    ASSERT_FALSE(r.ok()) << "expected an error containing " << phrase;
    EXPECT_TRUE(r.error().message.contains(QString::fromUtf8(phrase)))
        << "\"" << r.error().message.toStdString() << "\" should mention " << phrase;
}

} // namespace

TEST(TiktokenLoad, TinyVocabularyLoadsAndTokenizes) {
    QTemporaryDir dir;
    auto spec = loadText(dir, tinyVocabulary());
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    EXPECT_EQ(spec->vocab.size(), 258u);
    EXPECT_TRUE(spec->id.startsWith(QStringLiteral("tiny_base:")));
    EXPECT_EQ(spec->id.size(), QStringLiteral("tiny_base:").size() + 8);
    ASSERT_EQ(spec->specialTokens.size(), 1u);
    auto t = BpeTokenizer::create(std::move(spec).value());
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.value()->encode("abc abd"), (std::vector<int>{257, ' ', 256, 'd'}));
    // Plain "<base64> <rank>" lines are accepted as well.
    spec = loadText(dir, tinyVocabulary("\\n" + QByteArray("xyz").toBase64() + " 258"));
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    EXPECT_EQ(spec->vocab.size(), 259u);
}

TEST(TiktokenLoad, MalformedVocabulariesNameTheProblem) {
    QTemporaryDir dir;
    expectError(loadTiktokenJson(dir.filePath(QStringLiteral("absent.json"))), "does not exist");
    expectError(loadText(dir, QByteArray()), "bad JSON");
    expectError(loadText(dir, tinyVocabulary().left(900)), "bad JSON");
    expectError(loadText(dir, "[1,2]"), "not an object");
    expectError(loadText(dir, tinyVocabulary({}, QByteArray())), "pat_str");
    expectError(loadText(dir, tinyVocabulary("\\n! 300 QQ= YWJj")),
                "line 3: bad base64 token \"QQ=\"");
    expectError(loadText(dir, tinyVocabulary("\\n! 300 Y*Jj")), "bad base64");
    expectError(loadText(dir, tinyVocabulary("\\n! 5 eHl6")), "rank 5 appears twice");
    expectError(loadText(dir, tinyVocabulary("\\n! x eHl6")), "bad first rank");
    expectError(loadText(dir, tinyVocabulary("\\neHl6 seven")),
                "expected \"<base64 token> <rank>\"");
    expectError(
        loadText(dir, "{\"pat_str\":\"a\",\"special_tokens\":{},\"bpe_ranks\":\"! 0 YQ==\"}"),
        "only 1 tokens");
    expectError(loadText(dir, "{\"pat_str\":\"a\",\"special_tokens\":{},\"bpe_ranks\":7}"),
                "bpe_ranks");
    QByteArray badSpecial = tinyVocabulary();
    badSpecial.replace("\"<|endoftext|>\":300", "\"<|endoftext|>\":\"x\"");
    expectError(loadText(dir, badSpecial), "special token \"<|endoftext|>\"");

    // A token listed twice loads, but the tokenizer refuses it.
    auto spec = loadText(dir, tinyVocabulary("\\n! 299 " + QByteArray("ab").toBase64()));
    ASSERT_TRUE(spec.ok());
    auto t = BpeTokenizer::create(std::move(spec).value());
    ASSERT_FALSE(t.ok());
    EXPECT_TRUE(t.error().message.contains(QStringLiteral("\"ab\" appears twice")))
        << t.error().message.toStdString();
    // A pattern PCRE2 rejects.
    spec = loadText(dir, tinyVocabulary({}, "(?<"));
    ASSERT_TRUE(spec.ok());
    t = BpeTokenizer::create(std::move(spec).value());
    ASSERT_FALSE(t.ok());
    EXPECT_TRUE(t.error().message.contains(QStringLiteral("does not compile")));
}

// Correctness on a 1 MiB single piece (the merge loop's worst case). Its speed is a
// benchmark figure (bench_tokenize), never a limit in the test suite.
TEST(TiktokenLoad, OneMegabytePieceCountsLikeItsEncoding) {
    REQUIRE_REFERENCE(QStringLiteral("o200k_base"));
    const auto t = tokenizer(QStringLiteral("o200k_base"));
    ASSERT_TRUE(t);
    std::mt19937 rng(7);
    std::string word;
    for (int i = 0; i < (1 << 20); ++i)
        word += static_cast<char>('a' + rng() % 26);
    QElapsedTimer timer;
    timer.start();
    const qint64 n = t->count(word);
    EXPECT_EQ(n, static_cast<qint64>(t->encode(word).size()));
    EXPECT_GT(n, 100000);
    std::printf("[ o200k ] 1 MiB single-word piece: %lld tokens in %lld ms\n", n, timer.elapsed());
}
