// SPDX-License-Identifier: MIT
// Messages that quote bytes from a model or tokenizer file (GGUF keys, string values,
// architecture, tokenizer model names) are short, escaped, and still say what is wrong.
#include "llm/gguf/ggufreader.h"
#include "llm/local/localmodels.h"
#include "tokenize/bpe/bpespec.h"

#include <QFile>
#include <QTemporaryDir>

#include "ggufwriter.h"

#include <gtest/gtest.h>

using namespace reposcope;
using reposcope::test::GgufWriter;

namespace {

// 16 KB the way a corrupted file gives them: ESC and BEL (which act on a terminal), invalid
// UTF-8 and printable bytes mixed.
QByteArray terminalJunk() {
    QByteArray junk;
    junk.reserve(16 * 1024);
    for (int i = 0; junk.size() < 16 * 1024; ++i) {
        switch (i % 5) {
        case 0:
            junk += "\x1b]0;owned\x07";
            break;
        case 1:
            junk += "\x1b[2J";
            break;
        case 2:
            junk += char(0xFF);
            break;
        default:
            junk += "tensor";
        }
    }
    junk.truncate(16 * 1024);
    return junk;
}

// A message fit for one terminal line: no control character, no bidi or line separator.
void expectInert(const QString &message, qsizetype bound) {
    EXPECT_LE(message.size(), bound) << message.left(400).toStdString();
    for (const QChar c : message) {
        const char16_t u = c.unicode();
        ASSERT_FALSE(u < 0x20 || (u >= 0x7F && u <= 0x9F) || u == 0x2028 || u == 0x2029 ||
                     (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            << "U+" << std::hex << unsigned(u) << " in " << message.left(400).toStdString();
    }
}

class QuotedBytesTest : public ::testing::Test {
protected:
    QString writeGguf(const GgufWriter &w, const QString &name) {
        const QString path = dir.filePath(name);
        EXPECT_TRUE(w.write(path));
        return path;
    }
    QTemporaryDir dir;
    const QByteArray junk = terminalJunk();
};

} // namespace

TEST_F(QuotedBytesTest, GgufKeyOfJunkWithAnUnknownTypeGivesAShortError) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addRaw(junk, 99, QByteArray(8, 'x'));
    const auto r = llm::readGgufMetadata(writeGguf(w, QStringLiteral("junkkey.gguf")));
    ASSERT_FALSE(r.ok());
    const QString message = r.error().message;
    expectInert(message, 400);
    EXPECT_TRUE(message.contains(QStringLiteral("unknown value type 99"))) << message.toStdString();
    // The quote still shows where the key starts, escaped, and how long it was.
    EXPECT_TRUE(message.contains(QStringLiteral("\\x1b]0;owned\\x07"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("(16384 bytes)"))) << message.toStdString();
}

TEST_F(QuotedBytesTest, DuplicateJunkKeyGivesAShortError) {
    GgufWriter w;
    w.addString(junk, "a");
    w.addString(junk, "b");
    const auto r = llm::readGgufMetadata(writeGguf(w, QStringLiteral("dupkey.gguf")));
    ASSERT_FALSE(r.ok());
    expectInert(r.error().message, 400);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("duplicate key")));
}

TEST_F(QuotedBytesTest, TensorNameOfJunkGivesAShortError) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addTensor(junk.left(8000), {4, 4});
    QByteArray bytes = w.build();
    // Corrupt the tensor's dimension count (just after its name) to an impossible 9.
    const qsizetype at = bytes.indexOf(junk.left(8000)) + 8000;
    ASSERT_GT(at, 8000);
    bytes[at] = 9;
    const QString path = dir.filePath(QStringLiteral("junktensor.gguf"));
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    const auto r = llm::readGgufMetadata(path);
    ASSERT_FALSE(r.ok());
    expectInert(r.error().message, 400);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("has 9 dimensions")))
        << r.error().message.toStdString();
}

TEST_F(QuotedBytesTest, JunkArchitectureIsShownShortAndEscaped) {
    GgufWriter w;
    w.addString("general.architecture", junk);
    w.addTensor("t", {4});
    const llm::LocalModel m = llm::inspectLocalModel(writeGguf(w, QStringLiteral("arch.gguf")),
                                                     QStringLiteral("test"), QString());
    EXPECT_TRUE(m.error.isEmpty()) << m.error.toStdString();
    expectInert(m.architecture, 120);
    EXPECT_TRUE(m.architecture.startsWith(QStringLiteral("\\x1b]0;owned\\x07")));
}

TEST_F(QuotedBytesTest, GgufTokenizerModelOfJunkGivesAShortError) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("tokenizer.ggml.model", junk);
    const auto r = tokenize::loadGgufVocabulary(writeGguf(w, QStringLiteral("tok.gguf")));
    ASSERT_FALSE(r.ok());
    expectInert(r.error().message, 500);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("tokenizer.ggml.model")));
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("(16384 bytes)")));
}

TEST_F(QuotedBytesTest, GgufTokenTextOfJunkGivesAShortError) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("tokenizer.ggml.model", "gpt2");
    w.addString("tokenizer.ggml.pre", "default");
    w.addStringArray("tokenizer.ggml.tokens", {QByteArray("a"), junk});
    w.addStringArray("tokenizer.ggml.merges", {});
    const auto r = tokenize::loadGgufVocabulary(writeGguf(w, QStringLiteral("toktext.gguf")));
    ASSERT_FALSE(r.ok());
    expectInert(r.error().message, 500);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("token 1")))
        << r.error().message.toStdString();
}

TEST_F(QuotedBytesTest, TokenizerJsonModelTypeOfJunkGivesAShortError) {
    // JSON keeps the control characters as \u escapes; the loader sees them decoded.
    QByteArray type;
    for (const char c : junk.left(4000))
        type += (uchar(c) < 0x20 || uchar(c) >= 0x7F)
                    ? QByteArray("\\u00") + QByteArray::number(uchar(c), 16).rightJustified(2, '0')
                    : QByteArray(1, c);
    const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{\"model\": {\"type\": \"" + type + "\", \"vocab\": {}, \"merges\": []}}");
    f.close();
    const auto r = tokenize::loadHfTokenizerJson(path);
    ASSERT_FALSE(r.ok());
    expectInert(r.error().message, 500);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("model type")))
        << r.error().message.toStdString();
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("\\x1b]0;owned\\x07")));
}
