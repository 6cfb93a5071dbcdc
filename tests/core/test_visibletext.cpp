// SPDX-License-Identifier: MIT
// visibleName / visibleQuote / rawName: every structure-changing character becomes a visible
// escape, the mapping is reversible, and quotes stay short.
#include "text/visibletext.h"

#include <QRandomGenerator>

#include <gtest/gtest.h>

using namespace reposcope::text;

namespace {

// True when `s` holds a character that could act on a terminal or break a line or an XML
// document: C0/C1 controls, DEL, line/paragraph separators, bidi controls, non-characters.
bool holdsActiveCharacter(const QString &s) {
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        const char16_t u = c.unicode();
        if (c.isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            const char32_t cp = QChar::surrogateToUcs4(c, s[i + 1]);
            if (cp >= 0xE0000 && cp <= 0xE007F)
                return true; // tag characters
            ++i;
            continue;
        }
        if (u < 0x20 || (u >= 0x7F && u <= 0x9F) || u == 0x2028 || u == 0x2029 ||
            (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) || u == 0x200E ||
            u == 0x200F || u == 0x061C || u == 0xFFFE || u == 0xFFFF || u == 0xFFFD ||
            c.isSurrogate())
            return true;
    }
    return false;
}

} // namespace

TEST(VisibleText, OrdinaryNamesAreUnchanged) {
    for (const char *name :
         {"src/main.cpp", "docs/read me.md", "d\xC3\xA9j\xC3\xA0/\xE4\xB8\xAD.txt",
          "emoji \xF0\x9F\x98\x80.png", "it's \"quoted\" & <tagged>"}) {
        const QByteArray raw(name);
        EXPECT_FALSE(needsEscape(raw)) << name;
        EXPECT_EQ(visibleName(raw), QString::fromUtf8(raw)) << name;
        EXPECT_EQ(visibleNameUtf8(raw), raw) << name;
        EXPECT_EQ(visibleName(QString::fromUtf8(raw)), QString::fromUtf8(raw)) << name;
    }
}

TEST(VisibleText, ControlCharactersBecomeEscapes) {
    EXPECT_EQ(visibleName(QByteArray("a\nb")), QStringLiteral("a\\nb"));
    EXPECT_EQ(visibleName(QByteArray("a\rb\tc")), QStringLiteral("a\\rb\\tc"));
    EXPECT_EQ(visibleName(QByteArray("\x1b[31mred")), QStringLiteral("\\x1b[31mred"));
    EXPECT_EQ(visibleName(QByteArray("bell\x07")), QStringLiteral("bell\\x07"));
    EXPECT_EQ(visibleName(QByteArray("del\x7f")), QStringLiteral("del\\x7f"));
    EXPECT_EQ(visibleName(QByteArray("nul", 4)), QStringLiteral("nul\\x00"));
    EXPECT_EQ(visibleName(QByteArray("back\\slash")), QStringLiteral("back\\\\slash"));
}

TEST(VisibleText, InvalidUtf8BytesStayDistinct) {
    const QByteArray ff("name\xFF.txt");
    const QByteArray fe("name\xFE.txt");
    EXPECT_EQ(visibleName(ff), QStringLiteral("name\\xff.txt"));
    EXPECT_EQ(visibleName(fe), QStringLiteral("name\\xfe.txt"));
    EXPECT_NE(visibleName(ff), visibleName(fe)); // QString::fromUtf8 makes both "name\uFFFD.txt"
    // A lone lead byte, an overlong form and an encoded surrogate are bytes, not characters.
    EXPECT_EQ(visibleName(QByteArray("\xC3x")), QStringLiteral("\\xc3x"));
    EXPECT_EQ(visibleName(QByteArray("\xC0\xAF")), QStringLiteral("\\xc0\\xaf"));
    EXPECT_EQ(visibleName(QByteArray("\xED\xA0\x80")), QStringLiteral("\\xed\\xa0\\x80"));
    // A real U+FFFD in a name is a character (kept), not the escape of an invalid byte.
    EXPECT_EQ(visibleName(QByteArray("\xEF\xBF\xBD")), QString(QChar(0xFFFD)));
}

TEST(VisibleText, InvisibleAndReorderingCodePointsBecomeEscapes) {
    EXPECT_EQ(visibleName(QByteArray("a\xE2\x80\xAE"
                                     "cod.exe")),
              QStringLiteral("a\\u202ecod.exe"));
    EXPECT_EQ(visibleName(QByteArray("x\xE2\x80\xA8y\xE2\x80\xA9z")),
              QStringLiteral("x\\u2028y\\u2029z"));
    EXPECT_EQ(visibleName(QByteArray("\xC2\x85"
                                     "nel")),
              QStringLiteral("\\u0085nel"));
    EXPECT_EQ(visibleName(QByteArray("\xC2\x9B"
                                     "31m")),
              QStringLiteral("\\u009b31m"));
    EXPECT_EQ(visibleName(QByteArray("\xE2\x81\xA6"
                                     "iso")),
              QStringLiteral("\\u2066iso"));
    EXPECT_EQ(visibleName(QByteArray("\xEF\xBB\xBF"
                                     "bom")),
              QStringLiteral("\\ufeffbom"));
    EXPECT_EQ(visibleName(QByteArray("\xEF\xBF\xBF")), QStringLiteral("\\uffff"));
    EXPECT_EQ(visibleName(QByteArray("\xF3\xA0\x81\x81")), QStringLiteral("\\U000e0041"));
    // The QString overload applies the same rules, and escapes lone surrogates.
    EXPECT_EQ(visibleName(QStringView(u"a\n\u202Eb")), QStringLiteral("a\\n\\u202eb"));
    const QChar lone[] = {QChar(0xD800), QLatin1Char('x')};
    EXPECT_EQ(visibleName(QStringView(lone, 2)), QStringLiteral("\\ud800x"));
}

TEST(VisibleText, RawNameInvertsVisibleNameForAnyBytes) {
    QRandomGenerator rng(18);
    // Bytes chosen to hit every class: ASCII, controls, backslash, valid and broken UTF-8.
    const QByteArray pieces[] = {"a",        "\\",
                                 "\n",       "\x1b",
                                 "\x7f",     "\xFF",
                                 "\xC3\xA9", "\xE2\x80\xAE",
                                 "\xC2\x85", "\xF0\x9F\x98\x80",
                                 "\xE2\x80", "x",
                                 "\\x41",    "\xF3\xA0\x81\x81",
                                 "\t"};
    for (int round = 0; round < 2000; ++round) {
        QByteArray raw;
        const int n = rng.bounded(12);
        for (int i = 0; i < n; ++i)
            raw += pieces[rng.bounded(int(std::size(pieces)))];
        if (rng.bounded(4) == 0)
            raw += char(rng.bounded(256));
        const QString visible = visibleName(raw);
        EXPECT_FALSE(holdsActiveCharacter(visible)) << raw.toHex().toStdString();
        const auto back = rawName(visible);
        ASSERT_TRUE(back.has_value()) << raw.toHex().toStdString();
        EXPECT_EQ(*back, raw) << raw.toHex().toStdString();
        EXPECT_EQ(visibleNameUtf8(raw), visible.toUtf8());
        EXPECT_EQ(needsEscape(raw), visible != QString::fromUtf8(raw) || raw.contains('\\'))
            << raw.toHex().toStdString();
    }
}

TEST(VisibleText, RawNameRejectsBackslashesThatStartNoEscape) {
    EXPECT_EQ(rawName(u"plain/path.c"), QByteArray("plain/path.c"));
    EXPECT_EQ(rawName(u"a\\\\b"), QByteArray("a\\b"));
    EXPECT_FALSE(rawName(u"trailing\\").has_value());
    EXPECT_FALSE(rawName(u"src\\foo.c").has_value());
    EXPECT_FALSE(rawName(u"\\xZZ").has_value());
    EXPECT_FALSE(rawName(u"\\u12").has_value());
}

TEST(VisibleText, QuoteCutsLongBytesAndSaysHowMany) {
    QByteArray junk;
    for (int i = 0; i < 16 * 1024; ++i)
        junk += char(i % 3 == 0 ? 0x1b : i % 3 == 1 ? 0x07 : 0xFF);
    const QString quoted = visibleQuote(junk, 40);
    EXPECT_LE(quoted.size(), 40 + 32);
    EXPECT_FALSE(holdsActiveCharacter(quoted));
    EXPECT_TRUE(quoted.startsWith(QStringLiteral("\\x1b\\x07\\xff"))) << quoted.toStdString();
    EXPECT_TRUE(quoted.endsWith(QStringLiteral("\u2026 (16384 bytes)"))) << quoted.toStdString();
    // Never cut inside an escape: what precedes the ellipsis is whole escapes.
    const QString kept = quoted.left(quoted.indexOf(QChar(0x2026)));
    EXPECT_EQ(kept.size() % 4, 0) << kept.toStdString();
    EXPECT_TRUE(rawName(kept).has_value());

    // Short text is quoted whole, with no note.
    EXPECT_EQ(visibleQuote(QByteArray("llama")), QStringLiteral("llama"));
    EXPECT_EQ(visibleQuote(QByteArray("gpt\n2")), QStringLiteral("gpt\\n2"));
    EXPECT_EQ(visibleQuote(QStringView(u"BPE\u001b]0;x\u0007"), 64),
              QStringLiteral("BPE\\x1b]0;x\\x07"));
    const QString longText = QString(200, QLatin1Char('w'));
    const QString cut = visibleQuote(longText, 20);
    EXPECT_EQ(cut, QString(20, QLatin1Char('w')) + QStringLiteral("\u2026 (200 bytes)"));
}
