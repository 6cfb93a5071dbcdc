// SPDX-License-Identifier: MIT
// Token ids of BpeTokenizer on Hugging Face tokenizer.json files, compared with the JS
// implementation shipped with each @lenml package (tests/reference/lenml_ids.mjs), run in
// the same test: hard strings and a sample of the Go tree's files.
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bpetokenizer.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include <algorithm>

using namespace reposcope;
using namespace reposcope::tokenize;

namespace {

QString npmModules() {
    QStringList candidates;
    const QString env = qEnvironmentVariable("REPOSCOPE_NPM_MODULES");
    if (!env.isEmpty())
        candidates << env;
    candidates << QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules")
               << QStringLiteral("/tmp/lenml/node_modules");
    for (const QString &c : candidates) {
        if (QFile::exists(c + QStringLiteral("/@lenml/tokenizers/package.json")))
            return c;
    }
    return {};
}

// Strings where pre-tokenizers and byte-level BPE usually go wrong. No special-token
// text (the reference splits those out; counting never does) and valid UTF-8 only (the
// reference sees text after TextDecoder).
std::vector<QByteArray> hardStrings() {
    std::vector<QByteArray> s = {
        "Hello, world!",
        "I'm you're we've they'll she'd it's I'M YOU'RE WE'VE THEY'LL SHE'D IT'S",
        "don't DON'T Don'T 'sup 's 'll'll",
        "   leading spaces and trailing   ",
        "tabs\tand\t\tmore\ttabs\t",
        "line1\nline2\n\nline4\n\n\n\nend",
        "crlf\r\nline\r\n\r\n\r\nend\r",
        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
        "                                                                                ",
        "0 12 123 1234 12345 123456 1234567 3.14159 1,000,000 0x1F 1e10",
        "٠١٢٣٤٥٦٧٨٩ ０１２３ ¹²³ ½ Ⅻ",
        "你好，世界！这是一个测试。中文字符和English混合",
        "日本語のテキスト、ひらがなとカタカナ。漢字も。",
        "한국어 텍스트입니다",
        "Ελληνικά κείμενα και русский текст и עברית וערבית العربية",
        "emoji 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ "
        "🇫🇷🇩🇪",
        "combining: e\xcc\x81 a\xcc\x88 n\xcc\x83 \xe1\x84\x80\xe1\x85\xa1 Zalgo: Z\xcc\xb5\xcd\x8a"
        "a\xcc\xb7\xcc\x9bl\xcc\xb6g\xcc\xb4o",
        "precomposed: é ä ñ; decomposed: e\xcc\x81 a\xcc\x88 n\xcc\x83; ligature: ﬁ ﬂ; fullwidth: "
        "ＡＢＣ",
        "symbols: © ® ™ ° ± × ÷ → ← ↑ ↓ ∀ ∃ ∈ ∑ ∫ √ ∞ ≠ ≤ ≥",
        "punct: !!! ??? ... --- ___ *** ### @@@ $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}}",
        "code: if (x != nullptr && y->z[0] >= 42) { return a::b<c>(d); } // comment",
        "func main() {\n\tfmt.Println(\"hi\")\n}\n",
        "def f(x):\n    return x ** 2  # square\n",
        "<html><body class=\"x\">&amp; &lt;tag&gt;</body></html>",
        "url: https://example.com/path?query=1&b=2#frag mail@example.org",
        "zero\xe2\x80\x8bwidth\xe2\x80\x8cjoiner\xe2\x80\x8d and BOM \xef\xbb\xbf and "
        "nbsp\xc2\xa0x "
        "and ideographic\xe3\x80\x80space",
        "control: \x01\x02\x07\x1b[31mred\x1b[0m\x7f",
        "private use: \xee\x80\x80 \xf3\xb0\x80\x80 noncharacter \xef\xbf\xbe",
        "astral: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𓀀 𠜎",
        "mixed\u00A0spaces\u2003em\u2009thin\u3000",
        "'s",
        "a",
        " ",
        "\n",
        "ſ's K's",
    };
    // Long runs and a 100 KB single line.
    s.push_back(QByteArray(5000, ' '));
    s.push_back(QByteArray(3000, '\n'));
    s.push_back(QByteArray(4000, '7'));
    QByteArray line;
    while (line.size() < 100 * 1024)
        line += "token counting test 12345 ünïcödé 中文 ";
    s.push_back(line);
    return s;
}

std::vector<QByteArray> goSample(int wanted) {
    const QString root = QStringLiteral("/usr/share/go-1.19/src");
    QStringList files;
    QDirIterator it(root, {QStringLiteral("*.go")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    std::sort(files.begin(), files.end());
    std::vector<QByteArray> out;
    if (files.isEmpty())
        return out;
    const qsizetype step = std::max<qsizetype>(1, files.size() / wanted);
    for (qsizetype i = 0; i < files.size() && int(out.size()) < wanted; i += step) {
        QFile f(files[i]);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QByteArray bytes = f.readAll();
        // Valid UTF-8 only, and no NUL (the separator); Go sources almost always qualify.
        if (bytes.contains('\0') || QString::fromUtf8(bytes).toUtf8() != bytes)
            continue;
        out.push_back(std::move(bytes));
    }
    return out;
}

// Runs the reference and returns one id list per text; empty optional (with a message)
// when it cannot run.
std::optional<std::vector<std::vector<int>>>
referenceIds(const QString &package, const std::vector<QByteArray> &texts, QString &why) {
    QProcess node;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REPOSCOPE_NPM_MODULES"), npmModules());
    node.setProcessEnvironment(env);
    node.start(QStandardPaths::findExecutable(QStringLiteral("node")),
               {QStringLiteral(REPOSCOPE_SOURCE_DIR "/tests/reference/lenml_ids.mjs"), package});
    if (!node.waitForStarted(10000)) {
        why = node.errorString();
        return std::nullopt;
    }
    for (const QByteArray &t : texts) {
        node.write(t);
        node.write(QByteArray(1, '\0'));
    }
    node.closeWriteChannel();
    if (!node.waitForFinished(600000) || node.exitCode() != 0) {
        why = QString::fromUtf8(node.readAllStandardError());
        return std::nullopt;
    }
    const QList<QByteArray> lines = node.readAllStandardOutput().split('\n');
    std::vector<std::vector<int>> out;
    for (qsizetype i = 0; i < lines.size() && out.size() < texts.size(); ++i) {
        std::vector<int> ids;
        for (const QByteArray &n : lines[i].split(' ')) {
            if (!n.isEmpty())
                ids.push_back(n.toInt());
        }
        out.push_back(std::move(ids));
    }
    if (out.size() != texts.size()) {
        why = QStringLiteral("the reference printed %1 lines for %2 texts")
                  .arg(out.size())
                  .arg(texts.size());
        return std::nullopt;
    }
    return out;
}

void expectConforms(const char *name, const std::vector<QByteArray> &texts) {
    const QString modules = npmModules();
    if (modules.isEmpty())
        GTEST_SKIP() << "@lenml tokenizers not installed: run scripts/bootstrap.sh or set "
                        "REPOSCOPE_NPM_MODULES";
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
        GTEST_SKIP() << "node not found";
    const QString path =
        modules +
        QStringLiteral("/@lenml/tokenizer-%1/models/tokenizer.json").arg(QLatin1String(name));
    if (!QFile::exists(path))
        GTEST_SKIP() << path.toStdString() << " missing";
    auto spec = loadHfTokenizerJson(path);
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    auto tok = BpeTokenizer::create(std::move(*spec));
    ASSERT_TRUE(tok.ok()) << tok.error().message.toStdString();

    QString why;
    const auto ref =
        referenceIds(QStringLiteral("@lenml/tokenizer-%1").arg(QLatin1String(name)), texts, why);
    ASSERT_TRUE(ref.has_value()) << "reference failed: " << why.toStdString();

    int mismatches = 0;
    qint64 tokens = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        const std::vector<int> ids =
            (*tok)->encode(std::string_view(texts[i].constData(), size_t(texts[i].size())));
        tokens += qint64((*ref)[i].size());
        EXPECT_EQ(qint64(ids.size()),
                  (*tok)->count(std::string_view(texts[i].constData(), size_t(texts[i].size()))));
        if (ids == (*ref)[i])
            continue;
        if (++mismatches > 5)
            continue;
        size_t at = 0;
        while (at < ids.size() && at < (*ref)[i].size() && ids[at] == (*ref)[i][at])
            ++at;
        auto show = [&](const std::vector<int> &v) {
            std::string s;
            for (size_t k = at; k < std::min(v.size(), at + 8); ++k)
                s += std::to_string(v[k]) + ' ';
            return s;
        };
        ADD_FAILURE() << name << ": text #" << i << " (" << texts[i].size() << " bytes, starts \""
                      << texts[i].left(60).toStdString() << "\") differs at token " << at
                      << ": ours [" << show(ids) << "] (" << ids.size() << " tokens), reference ["
                      << show((*ref)[i]) << "] (" << (*ref)[i].size() << " tokens)";
    }
    EXPECT_EQ(mismatches, 0) << name << ": " << mismatches << " of " << texts.size()
                             << " texts differ";
    std::printf("[ conform  ] %s: %zu texts, %lld reference tokens, %d differ\n", name,
                texts.size(), static_cast<long long>(tokens), mismatches);
}

} // namespace

class HfConformance : public ::testing::TestWithParam<const char *> {};

TEST_P(HfConformance, HardStrings) {
    expectConforms(GetParam(), hardStrings());
}

TEST_P(HfConformance, GoTreeSample) {
    const std::vector<QByteArray> files = goSample(300);
    if (files.empty())
        GTEST_SKIP() << "/usr/share/go-1.19/src not present (Debian package golang-1.19-src)";
    expectConforms(GetParam(), files);
}

INSTANTIATE_TEST_SUITE_P(Lenml, HfConformance, ::testing::Values("llama3", "qwen3", "deepseek_v3"),
                         [](const auto &info) { return std::string(info.param); });
