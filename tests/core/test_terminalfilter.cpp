// SPDX-License-Identifier: MIT
// The terminal filter: every control a terminal acts on is rendered visibly (ESC, CSI, OSC
// 8/52/title, DCS/APC/PM/SOS, C1 in UTF-8, BEL, BS, bare CR, DEL), text, tabs, newlines,
// CRLF and UTF-8 stay as they are, invalid UTF-8 becomes U+FFFD, and the output does not
// depend on where the input was split into chunks.
#include "text/terminalfilter.h"

#include <QString>
#include <QStringDecoder>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using reposcope::text::TerminalFilter;

namespace {

std::string show(const QByteArray &bytes) {
    return bytes.toStdString();
}

QByteArray filterSplit(QByteArrayView input, const std::vector<qsizetype> &cuts) {
    TerminalFilter filter;
    QByteArray out;
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        out += filter.feed(input.sliced(from, cut - from));
        from = cut;
    }
    out += filter.feed(input.sliced(from));
    out += filter.finish();
    return out;
}

// What no terminal-bound output may hold, checked byte by byte and independently of the
// filter's own code: C0 controls other than TAB, LF and the CR of a CRLF; DEL; C1 controls
// in UTF-8; bidi overrides; invalid UTF-8. Returns a description of the first one found.
std::string firstActiveByte(const QByteArray &out) {
    for (qsizetype i = 0; i < out.size(); ++i) {
        const auto b = static_cast<unsigned char>(out[i]);
        if (b == '\t' || b == '\n')
            continue;
        if (b == '\r' && i + 1 < out.size() && out[i + 1] == '\n')
            continue;
        if (b < 0x20 || b == 0x7F)
            return "control byte " + std::to_string(b) + " at " + std::to_string(i);
        if (b == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) <= 0x9F)
            return "C1 control at " + std::to_string(i);
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(out);
    if (decoder.hasError())
        return "invalid UTF-8";
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            return "bidi control";
    }
    return {};
}

// Hostile answers and their visible renderings, written out by hand.
struct Case {
    const char *name;
    QByteArray input;
    QByteArray expected;
};

std::vector<Case> cases() {
    return {
        {"plain text and UTF-8 pass", "Grüße, 世界 🙂\tcol\nnext line\n",
         "Grüße, 世界 🙂\tcol\nnext line\n"},
        {"CRLF stays", "one\r\ntwo\r\n", "one\r\ntwo\r\n"},
        {"SGR colour", "\x1b[31mred\x1b[0m plain", "␛[31mred␛[0m plain"},
        {"cursor and erase", "\x1b[2J\x1b[H\x1b[?1049h", "␛[2J␛[H␛[?1049h"},
        {"OSC 52 clipboard write", "\x1b]52;c;ZWNobyBwd25lZA==\x07", "␛]52;c;ZWNobyBwd25lZA==␇"},
        {"OSC 8 hyperlink", "\x1b]8;;https://evil.test/\x1b\\click\x1b]8;;\x1b\\",
         "␛]8;;https://evil.test/␛\\click␛]8;;␛\\"},
        {"window title", "\x1b]0;owned\x07\x1b]2;also\x1b\\", "␛]0;owned␇␛]2;also␛\\"},
        {"DCS, APC, PM, SOS strings", "\x1bP1$r0m\x1b\\\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\",
         "␛P1$r0m␛\\␛_apc␛\\␛^pm␛\\␛Xsos␛\\"},
        {"two-character ESC sequences",
         "\x1b"
         "c\x1b"
         "7\x1b"
         "8\x1b=",
         "␛c␛7␛8␛="},
        {"C1 controls in UTF-8",
         "\xc2\x9b"
         "2J \xc2\x9d"
         "0;t\xc2\x9c \xc2\x90q\xc2\x9c \xc2\x85",
         "<U+009B>2J <U+009D>0;t<U+009C> <U+0090>q<U+009C> <U+0085>"},
        {"raw 8-bit C1 bytes are invalid UTF-8",
         "a\x9b"
         "2Jb\x9d"
         "c",
         "a\xef\xbf\xbd"
         "2Jb\xef\xbf\xbd"
         "c"},
        {"BEL, BS, DEL, NUL, VT, FF",
         QByteArray("a\x07"
                    "b\x08"
                    "c\x7f"
                    "d\0e\x0b"
                    "f\x0cg",
                    13),
         "a␇b␈c␡d␀e␋f␌g"},
        {"bare CR overwrite", "Nothing found.\rEVIL", "Nothing found.␍EVIL"},
        {"CR CR LF", "x\r\r\ny", "x␍\r\ny"},
        {"CR at the end", "tail\r", "tail␍"},
        {"invalid UTF-8 becomes U+FFFD",
         "\xc0\x80|\xed\xa0\x80|\xf5|\xf4\x90\x80\x80|\xe2\x82"
         "A|\xff",
         "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|"
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd"
         "A|\xef\xbf\xbd"},
        {"overlong three- and four-byte forms", "\xe0\x80\xaf|\xf0\x8f\xbf\xbf",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"truncated character at the end", "ok\xe2\x82", "ok\xef\xbf\xbd"},
        {"bidi override",
         "user\xe2\x80\xae"
         "txt.exe\xe2\x81\xa6",
         "user<U+202E>txt.exe<U+2066>"},
        {"edges of valid UTF-8 pass",
         "\xc2\xa0\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
         "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
         "\xc2\xa0\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
         "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"},
    };
}

} // namespace

TEST(TerminalFilter, RendersEveryControlVisiblyAndKeepsText) {
    for (const Case &c : cases()) {
        SCOPED_TRACE(c.name);
        const QByteArray out = TerminalFilter::filtered(c.input);
        EXPECT_EQ(show(out), show(c.expected));
        EXPECT_EQ(firstActiveByte(out), "");
    }
}

TEST(TerminalFilter, EverySplitGivesTheSameOutput) {
    QByteArray all;
    for (const Case &c : cases())
        all += c.input;
    const QByteArray whole = TerminalFilter::filtered(all);
    EXPECT_EQ(firstActiveByte(whole), "");
    for (qsizetype i = 0; i <= all.size(); ++i)
        ASSERT_EQ(show(filterSplit(all, {i})), show(whole)) << "split at " << i;
    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < all.size(); ++i)
        everyByte.push_back(i);
    EXPECT_EQ(show(filterSplit(all, everyByte)), show(whole));
    // Three chunks, every pair of cuts, over each case (so a split CR and a split UTF-8
    // character can meet in one feed).
    for (const Case &c : cases()) {
        SCOPED_TRACE(c.name);
        for (qsizetype i = 0; i <= c.input.size(); ++i)
            for (qsizetype j = i; j <= c.input.size(); ++j)
                ASSERT_EQ(show(filterSplit(c.input, {i, j})), show(c.expected))
                    << "cuts at " << i << ", " << j;
    }
}

TEST(TerminalFilter, TextWithoutControlsIsUnchanged) {
    const QByteArray text = "## Findings\n\n1. `app/db.py:2` — SQL injection (CWE-89).\n"
                            "\tdef find(name): ...\r\n«quoted» ∑ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \\x1b[31m as text\n";
    EXPECT_EQ(show(TerminalFilter::filtered(text)), show(text));
}

TEST(TerminalFilter, FinishResetsForTheNextStream) {
    TerminalFilter filter;
    EXPECT_EQ(show(filter.feed("a\r")), "a");
    EXPECT_EQ(show(filter.finish()), "␍");
    EXPECT_EQ(show(filter.feed("\nb\xe2")), "\nb");
    EXPECT_EQ(show(filter.finish()), "\xef\xbf\xbd");
    EXPECT_EQ(show(filter.feed("c")), "c");
    EXPECT_EQ(show(filter.finish()), "");
}

// Deterministic random bytes, weighted towards controls and UTF-8 lead bytes: the output
// is never active, and random splits never change it.
TEST(TerminalFilter, RandomBytesNeverReachTheTerminalActive) {
    std::mt19937 rng(18);
    const std::vector<unsigned char> alphabet = {0x1b, '[',  ']',  0x07, '\r', '\n', '\t', 0x08,
                                                 0x7f, 0x00, 0x9b, 0xc2, 0xe2, 0x80, 0xae, 0xf0,
                                                 0x9f, 0xed, 0xa0, 0xff, 'a',  ';',  '\\'};
    for (int round = 0; round < 3000; ++round) {
        QByteArray input;
        const int length = int(rng() % 40);
        for (int k = 0; k < length; ++k)
            input += rng() % 4 == 0 ? char(rng() % 256) : char(alphabet[rng() % alphabet.size()]);
        const QByteArray whole = TerminalFilter::filtered(input);
        ASSERT_EQ(firstActiveByte(whole), "") << input.toHex().toStdString();
        std::vector<qsizetype> cuts;
        for (qsizetype i = 1; i < input.size(); ++i)
            if (rng() % 3 == 0)
                cuts.push_back(i);
        ASSERT_EQ(show(filterSplit(input, cuts)), show(whole)) << input.toHex().toStdString();
        // Valid UTF-8 that the filter leaves alone is exactly the input.
        if (firstActiveByte(input).empty()) {
            ASSERT_EQ(show(whole), show(input)) << input.toHex().toStdString();
        }
    }
}
