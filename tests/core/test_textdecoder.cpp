// SPDX-License-Identifier: MIT
// decodeText: encodings, binary detection, replacement of invalid bytes, legacy fallback.
#include "text/textdecoder.h"

#include <QRandomGenerator>
#include <QStringDecoder>

#include <gtest/gtest.h>

using namespace reposcope::text;

namespace {

QByteArray utf16(const QString &s, bool littleEndian) {
    QByteArray out = littleEndian ? QByteArray("\xFF\xFE", 2) : QByteArray("\xFE\xFF", 2);
    for (const QChar c : s) {
        const char lo = char(c.unicode() & 0xFF), hi = char(c.unicode() >> 8);
        out.append(littleEndian ? lo : hi);
        out.append(littleEndian ? hi : lo);
    }
    return out;
}

// Both overloads (the view, and the QByteArray one that may share the buffer) must
// give the same answer.
DecodedText decode(const QByteArray &raw) {
    const DecodedText fromView = decodeText(QByteArrayView(raw));
    const DecodedText fromArray = decodeText(raw);
    EXPECT_EQ(fromView.encoding, fromArray.encoding) << raw.toHex().toStdString();
    EXPECT_EQ(fromView.binary, fromArray.binary) << raw.toHex().toStdString();
    EXPECT_EQ(fromView.replacedBytes, fromArray.replacedBytes) << raw.toHex().toStdString();
    EXPECT_EQ(fromView.utf8, fromArray.utf8) << raw.toHex().toStdString();
    return fromArray;
}

} // namespace

TEST(TextDecoder, EmptyAndPlainUtf8) {
    const DecodedText empty = decode("");
    EXPECT_EQ(empty.encoding, Encoding::Utf8);
    EXPECT_FALSE(empty.binary);
    EXPECT_TRUE(empty.utf8.isEmpty());
    EXPECT_EQ(empty.note(), QString());

    const QByteArray text = "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80\nline 2\n";
    const DecodedText d = decode(text);
    EXPECT_EQ(d.encoding, Encoding::Utf8);
    EXPECT_FALSE(d.binary);
    EXPECT_EQ(d.replacedBytes, 0);
    EXPECT_EQ(d.utf8, text);
    EXPECT_EQ(d.note(), QString());
}

TEST(TextDecoder, Utf8BomIsRemoved) {
    const DecodedText d = decode("\xEF\xBB\xBFint x;\n");
    EXPECT_EQ(d.encoding, Encoding::Utf8Bom);
    EXPECT_EQ(d.utf8, QByteArray("int x;\n"));
    EXPECT_EQ(d.note(), QStringLiteral("UTF-8 with BOM, converted to UTF-8"));
    // A BOM alone is an empty text.
    const DecodedText only = decode("\xEF\xBB\xBF");
    EXPECT_EQ(only.encoding, Encoding::Utf8Bom);
    EXPECT_TRUE(only.utf8.isEmpty());
}

TEST(TextDecoder, Utf16WithBomIsConvertedNotBinary) {
    const QString s = QString::fromUtf8("h\xC3\xA9 \xF0\x9F\x98\x80\r\nend");
    for (const bool le : {true, false}) {
        const QByteArray raw = utf16(s, le);
        ASSERT_TRUE(raw.contains('\0')); // the NULs must not make it binary
        const DecodedText d = decode(raw);
        EXPECT_FALSE(d.binary);
        EXPECT_EQ(d.encoding, le ? Encoding::Utf16LE : Encoding::Utf16BE);
        EXPECT_EQ(d.utf8, s.toUtf8());
        EXPECT_EQ(d.replacedBytes, 0);
        EXPECT_EQ(d.note(), le ? QStringLiteral("UTF-16 LE, converted to UTF-8")
                               : QStringLiteral("UTF-16 BE, converted to UTF-8"));
    }
}

TEST(TextDecoder, Utf16OddTrailingByteIsNotDroppedSilently) {
    QByteArray raw = utf16(QStringLiteral("ab"), true);
    raw += 'c'; // half a code unit
    const DecodedText d = decode(raw);
    EXPECT_EQ(d.encoding, Encoding::Utf16LE);
    EXPECT_TRUE(d.utf8.startsWith("ab"));
    EXPECT_GE(d.replacedBytes, 1) << "the stray byte must be reported";
    EXPECT_FALSE(d.note().isEmpty());
}

TEST(TextDecoder, NulInFirst8000BytesMeansBinary) {
    const DecodedText d = decode(QByteArray("PNG\x00\x01\x02", 6));
    EXPECT_TRUE(d.binary);
    EXPECT_TRUE(d.utf8.isEmpty());
    EXPECT_EQ(d.note(), QStringLiteral("binary content (a NUL byte in the first 8000 bytes)"));

    QByteArray last(8000, 'a');
    last[7999] = '\0';
    EXPECT_TRUE(decode(last).binary);

    QByteArray after(9000, 'a');
    after[8000] = '\0';
    const DecodedText late = decode(after);
    EXPECT_FALSE(late.binary) << "git's rule only looks at the first 8000 bytes";
    EXPECT_EQ(late.utf8, after);
}

TEST(TextDecoder, FewInvalidBytesBecomeReplacementCharacters) {
    // Three valid multi-byte characters outnumber one bad byte: still UTF-8.
    const DecodedText d = decode("h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xFF end");
    EXPECT_EQ(d.encoding, Encoding::Utf8);
    EXPECT_EQ(d.replacedBytes, 1);
    EXPECT_EQ(d.utf8, QByteArray("h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xEF\xBF\xBD end"));
    EXPECT_EQ(d.note(), QStringLiteral("1 invalid UTF-8 byte(s) replaced with U+FFFD"));
    EXPECT_TRUE(isValidUtf8(d.utf8));

    // A truncated sequence: each stray byte is counted.
    const DecodedText t = decode("\xE2\x9C\x93\xE2\x9C\x93\xE2\x9C\x93 \xE2\x9C");
    EXPECT_EQ(t.encoding, Encoding::Utf8);
    EXPECT_EQ(t.replacedBytes, 2);
    EXPECT_EQ(t.utf8, QByteArray("\xE2\x9C\x93\xE2\x9C\x93\xE2\x9C\x93 \xEF\xBF\xBD\xEF\xBF\xBD"));

    // With a UTF-8 BOM the file is UTF-8 whatever the count.
    const DecodedText b = decode("\xEF\xBB\xBF"
                                 "a\xFF\xFE"
                                 "b");
    EXPECT_EQ(b.encoding, Encoding::Utf8Bom);
    EXPECT_EQ(b.replacedBytes, 2);
    EXPECT_EQ(b.utf8, QByteArray("a\xEF\xBF\xBD\xEF\xBF\xBD"
                                 "b"));
    EXPECT_EQ(
        b.note(),
        QStringLiteral(
            "UTF-8 with BOM, converted to UTF-8; 2 invalid UTF-8 byte(s) replaced with U+FFFD"));
}

TEST(TextDecoder, MostlyInvalidIsWindows1252) {
    // 0x80 = euro sign, 0x93/0x94 = curly quotes, 0xE9 = e acute (not Latin-1 controls).
    const DecodedText d = decode("caf\xE9 \x93quoted\x94 \x80"
                                 "5");
    EXPECT_EQ(d.encoding, Encoding::Legacy8Bit);
    EXPECT_EQ(d.replacedBytes, 0);
    EXPECT_EQ(QString::fromUtf8(d.utf8),
              QString::fromUtf8("caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC"
                                "5"));
    EXPECT_EQ(d.note(), QStringLiteral("8-bit legacy (read as Windows-1252), converted to UTF-8"));
    EXPECT_TRUE(isValidUtf8(d.utf8));
}

TEST(TextDecoder, IsValidUtf8RejectsOverlongSurrogatesAndOutOfRange) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("plain ascii that is longer than eight bytes"));
    EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF")); // U+10FFFF
    EXPECT_TRUE(isValidUtf8("\xED\x9F\xBF"));     // U+D7FF
    EXPECT_TRUE(isValidUtf8("\xEE\x80\x80"));     // U+E000
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));        // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xC1\xBF"));
    EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));     // overlong
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));     // surrogate D800
    EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF")); // overlong
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(isValidUtf8("\x80"));
    EXPECT_FALSE(isValidUtf8("\xC3"));
    EXPECT_FALSE(isValidUtf8("\xE2\x9C"));
}

// The ASCII fast path must not skip a bad byte at any offset.
TEST(TextDecoder, InvalidByteFoundAtEveryOffset) {
    for (int len = 1; len <= 40; ++len) {
        for (int at = 0; at < len; ++at) {
            QByteArray s(len, 'x');
            s[at] = char(0xFF);
            EXPECT_FALSE(isValidUtf8(s)) << len << " " << at;
            QByteArray ok(len, 'x');
            ok[at] = char(0x7F);
            EXPECT_TRUE(isValidUtf8(ok)) << len << " " << at;
        }
    }
}

// Random byte strings: our validity check agrees with Qt's strict UTF-8 decoder.
TEST(TextDecoder, ValidityAgreesWithQtDecoderOnRandomInput) {
    QRandomGenerator rng(99);
    const char pieces[][5] = {
        "a",    "\xC3\xA9",     "\xE2\x9C\x93",     "\xF0\x9F\x98\x80", "\x80",
        "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\x80",     "\xFF",
        "\n",   "\xBF"};
    for (int round = 0; round < 3000; ++round) {
        QByteArray s;
        for (int i = 0, n = int(rng.bounded(12)); i < n; ++i)
            s += pieces[rng.bounded(int(std::size(pieces)))];
        if (rng.bounded(2))
            s.prepend(QByteArray(int(rng.bounded(17)), 'p'));
        QStringDecoder qt(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
        const QString decoded = qt.decode(s);
        EXPECT_EQ(isValidUtf8(s), !qt.hasError()) << s.toHex().toStdString();
        if (isValidUtf8(s)) {
            const DecodedText d = decode(s);
            EXPECT_EQ(d.utf8, s);
            EXPECT_EQ(d.replacedBytes, 0);
            EXPECT_EQ(QString::fromUtf8(d.utf8), decoded);
        } else {
            const DecodedText d = decode(s);
            EXPECT_TRUE(isValidUtf8(d.utf8)) << "output is always valid UTF-8";
        }
        if (::testing::Test::HasFailure())
            return;
    }
}

TEST(TextDecoder, CountLinesAsAnEditorShowsThem) {
    EXPECT_EQ(countLines(""), 0);
    EXPECT_EQ(countLines("a"), 1);
    EXPECT_EQ(countLines("a\n"), 1);
    EXPECT_EQ(countLines("a\nb"), 2);
    EXPECT_EQ(countLines("\n"), 1);
    EXPECT_EQ(countLines("\n\n"), 2);
    EXPECT_EQ(countLines("a\r\nb\r\n"), 2);
    EXPECT_EQ(countLines(QByteArray(1000, '\n')), 1000);
}

TEST(TextDecoder, EncodingLabels) {
    EXPECT_EQ(encodingLabel(Encoding::Utf8), QStringLiteral("UTF-8"));
    EXPECT_EQ(encodingLabel(Encoding::Utf8Bom), QStringLiteral("UTF-8 with BOM"));
    EXPECT_EQ(encodingLabel(Encoding::Utf16LE), QStringLiteral("UTF-16 LE"));
    EXPECT_EQ(encodingLabel(Encoding::Utf16BE), QStringLiteral("UTF-16 BE"));
    EXPECT_EQ(encodingLabel(Encoding::Legacy8Bit),
              QStringLiteral("8-bit legacy (read as Windows-1252)"));
}
