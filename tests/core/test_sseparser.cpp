// SPDX-License-Identifier: MIT
// The SSE parser: every split of a realistic stream gives the same events as one feed;
// line ends (LF, CR, CRLF, mixed, CRLF split between feeds), comments, multi-line data,
// BOM, fields, finish() and a 1 MB event.
#include "llm/stream/sseparser.h"

#include <QString> // QByteArray concatenation goes through QStringBuilder

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

using namespace reposcope::llm;

namespace reposcope::llm {
// Found by argument-dependent lookup (std::vector's == and gtest's printer); internal
// linkage so other test files may define their own.
static bool operator==(const SseEvent &a, const SseEvent &b) {
    return a.event == b.event && a.data == b.data && a.id == b.id;
}
static void PrintTo(const SseEvent &e, std::ostream *os) {
    *os << "{event=\"" << e.event.toStdString() << "\" id=\"" << e.id.toStdString() << "\" data=\""
        << e.data.left(200).toStdString() << "\"}";
}
} // namespace reposcope::llm

namespace {

std::vector<SseEvent> parseWhole(QByteArrayView bytes, SseParser *parserOut = nullptr) {
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed(bytes, out);
    parser.finish(out);
    if (parserOut)
        *parserOut = parser;
    return out;
}

std::vector<SseEvent> parseSplit(QByteArrayView bytes, const std::vector<qsizetype> &cuts) {
    SseParser parser;
    std::vector<SseEvent> out;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        parser.feed(bytes.sliced(from, cut - from), out);
        from = cut;
    }
    parser.feed(bytes.sliced(from), out);
    parser.finish(out);
    return out;
}

SseEvent ev(const QByteArray &data, const QByteArray &event = {}, const QByteArray &id = {}) {
    return SseEvent{event, data, id};
}

// A realistic OpenRouter-style stream: keep-alive comments, a role delta with null
// content, content deltas with escapes and non-ASCII, usage in the last chunk, [DONE].
QByteArray realisticStream(const char *eol) {
    QByteArray s =
        ": OPENROUTER PROCESSING\n\n"
        R"(data: {"id":"gen-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]})"
        "\n\n"
        R"(data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"Hello \"w\u00f6rld\"\n"}}]})"
        "\n\n"
        ": OPENROUTER PROCESSING\n\n"
        "event: message\nid: 7\n"
        R"(data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"é 🙂 done"},"finish_reason":"stop"}]})"
        "\n\n"
        "data:\ndata: second line\ndata:third\n\n"
        R"(data: {"id":"gen-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5}})"
        "\n\n"
        "data: [DONE]\n\n";
    // JSON escapes such as \n are two characters, so only real line ends are replaced
    s.replace('\n', QByteArrayView(eol));
    return s;
}

std::vector<SseEvent> realisticEvents() {
    return {
        ev(R"({"id":"gen-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]})"),
        ev(R"({"id":"gen-1","choices":[{"index":0,"delta":{"content":"Hello \"w\u00f6rld\"\n"}}]})"),
        ev(R"({"id":"gen-1","choices":[{"index":0,"delta":{"content":"é 🙂 done"},"finish_reason":"stop"}]})",
           "message", "7"),
        // the last event id persists (WHATWG "last event ID buffer"); the type does not
        ev("\nsecond line\nthird", "", "7"),
        ev(R"({"id":"gen-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5}})", "",
           "7"),
        ev("[DONE]", "", "7"),
    };
}

TEST(SseParser, WholeStreamGivesTheExpectedEvents) {
    SseParser parser;
    const auto events = parseWhole(realisticStream("\n"), &parser);
    EXPECT_EQ(events, realisticEvents());
    EXPECT_EQ(parser.commentLines(), 2);
    EXPECT_EQ(parser.bytesFed(), realisticStream("\n").size());
}

TEST(SseParser, EveryLineEndStyleGivesTheSameEvents) {
    for (const char *eol : {"\n", "\r\n", "\r"}) {
        SCOPED_TRACE(testing::Message()
                     << "eol length " << strlen(eol) << " first " << int(eol[0]));
        EXPECT_EQ(parseWhole(realisticStream(eol)), realisticEvents());
    }
}

TEST(SseParser, EverySingleSplitPointGivesTheSameEvents) {
    for (const char *eol : {"\n", "\r\n", "\r"}) {
        const QByteArray stream = realisticStream(eol);
        const auto expected = parseWhole(stream);
        ASSERT_EQ(expected, realisticEvents());
        for (qsizetype cut = 0; cut <= stream.size(); ++cut)
            ASSERT_EQ(parseSplit(stream, {cut}), expected)
                << "split at " << cut << " eol " << int(eol[0]) << int(eol[1]);
    }
}

TEST(SseParser, EveryPairOfSplitPointsOnAShortStream) {
    const QByteArray stream = "\xEF\xBB\xBF: ping\r\ndata: a\r\ndata:  b\r\n\r\n"
                              "event: x\rid: 1\rdata: c\r\r"
                              "data: d\n\ndata: e";
    const std::vector<SseEvent> expected = {ev("a\n b"), ev("c", "x", "1"), ev("d", "", "1"),
                                            ev("e", "", "1")};
    ASSERT_EQ(parseWhole(stream), expected);
    for (qsizetype i = 0; i <= stream.size(); ++i)
        for (qsizetype j = i; j <= stream.size(); ++j)
            ASSERT_EQ(parseSplit(stream, {i, j}), expected) << "split at " << i << ", " << j;
}

TEST(SseParser, OneByteTrickle) {
    for (const char *eol : {"\n", "\r\n", "\r"}) {
        const QByteArray stream = realisticStream(eol);
        SseParser parser;
        std::vector<SseEvent> out;
        for (qsizetype i = 0; i < stream.size(); ++i)
            parser.feed(stream.sliced(i, 1), out);
        parser.finish(out);
        EXPECT_EQ(out, realisticEvents()) << "eol " << int(eol[0]);
        EXPECT_EQ(parser.commentLines(), 2);
    }
}

TEST(SseParser, EventsAreEmittedAsSoonAsTheirBlankLineArrives) {
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed("data: one\n", out);
    EXPECT_TRUE(out.empty());
    parser.feed("\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "one");
    // feed() appends, it does not clear
    parser.feed("data: two\n\n", out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].data, "two");
}

TEST(SseParser, CrlfSplitAcrossFeedsDoesNotMakeABlankLine) {
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed("data: a\r", out);
    parser.feed("\ndata: b\r", out);
    parser.feed("\n\r", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "a\nb");
    parser.feed("\n", out); // LF of the CRLF that was the blank line: no second dispatch
    parser.feed("", out);
    parser.finish(out);
    EXPECT_EQ(out.size(), 1u);
}

TEST(SseParser, CrAtEndOfFeedThenEmptyFeedKeepsThePairing) {
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed("data: a\r", out);
    parser.feed("", out);
    parser.feed("\n", out);
    EXPECT_TRUE(out.empty()); // CR LF is one line end, not a line end plus a blank line
    parser.feed("\r\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "a");
}

TEST(SseParser, MixedLineEnds) {
    EXPECT_EQ(parseWhole("data: 1\rdata: 2\ndata: 3\r\n\ndata: 4\n\r\n"),
              (std::vector<SseEvent>{ev("1\n2\n3"), ev("4")}));
    // CR CR is two line ends: the second one is the blank line
    EXPECT_EQ(parseWhole("data: x\r\rdata: y\r\n\r\n"), (std::vector<SseEvent>{ev("x"), ev("y")}));
}

TEST(SseParser, CommentsAreCountedAndSkipped) {
    SseParser parser;
    const auto events =
        parseWhole(": OPENROUTER PROCESSING\n\n:\n: x\ndata: a\n: inside\ndata: b\n\n", &parser);
    EXPECT_EQ(events, (std::vector<SseEvent>{ev("a\nb")}));
    EXPECT_EQ(parser.commentLines(), 4);
}

TEST(SseParser, FieldSyntax) {
    // no space, one space (removed), two spaces (one kept), no colon (empty value)
    EXPECT_EQ(parseWhole("data:a\n\n"), (std::vector<SseEvent>{ev("a")}));
    EXPECT_EQ(parseWhole("data: a\n\n"), (std::vector<SseEvent>{ev("a")}));
    EXPECT_EQ(parseWhole("data:  a\n\n"), (std::vector<SseEvent>{ev(" a")}));
    EXPECT_EQ(parseWhole("data\n\n"), (std::vector<SseEvent>{ev("")}));
    EXPECT_EQ(parseWhole("data:\ndata\n\n"), (std::vector<SseEvent>{ev("\n")}));
    // a colon inside the value stays
    EXPECT_EQ(parseWhole("data: a: b:c\n\n"), (std::vector<SseEvent>{ev("a: b:c")}));
    // unknown fields and retry are ignored; field names are case-sensitive
    EXPECT_EQ(parseWhole("retry: 100\nfoo: bar\nDATA: no\nData: no\ndata: yes\n\n"),
              (std::vector<SseEvent>{ev("yes")}));
    // trailing spaces belong to the value
    EXPECT_EQ(parseWhole("data: a \n\n"), (std::vector<SseEvent>{ev("a ")}));
}

TEST(SseParser, EventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak) {
    EXPECT_EQ(parseWhole("event: ping\n\ndata: x\n\n"), (std::vector<SseEvent>{ev("x")}));
    EXPECT_EQ(parseWhole("\n\n\n\n"), std::vector<SseEvent>{});
    EXPECT_EQ(parseWhole("event: error\ndata: {}\n\n"), (std::vector<SseEvent>{ev("{}", "error")}));
}

TEST(SseParser, IdFieldRules) {
    // an id with NUL is ignored; an empty id resets the last event id
    static const char stream[] = "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\nid\ndata: c\n\n";
    EXPECT_EQ(parseWhole(QByteArrayView(stream, sizeof stream - 1)),
              (std::vector<SseEvent>{ev("a", "", "1"), ev("b", "", "1"), ev("c", "", "")}));
}

TEST(SseParser, LeadingBomIsSkippedOnceEvenWhenSplit) {
    const QByteArray stream = "\xEF\xBB\xBF"
                              "data: a\n\n";
    EXPECT_EQ(parseWhole(stream), (std::vector<SseEvent>{ev("a")}));
    for (qsizetype i = 0; i <= stream.size(); ++i)
        for (qsizetype j = i; j <= stream.size(); ++j)
            ASSERT_EQ(parseSplit(stream, {i, j}), (std::vector<SseEvent>{ev("a")}))
                << i << "," << j;
    // only at the very start: a BOM later is part of the field name (an unknown field)
    EXPECT_EQ(parseWhole("data: a\n\n\xEF\xBB\xBF"
                         "data: b\n\n"),
              (std::vector<SseEvent>{ev("a")}));
    // a second BOM at the start is not skipped
    EXPECT_EQ(parseWhole("\xEF\xBB\xBF\xEF\xBB\xBF"
                         "data: b\n\n"),
              std::vector<SseEvent>{});
    // something that only starts like a BOM is kept
    EXPECT_EQ(parseWhole("\xEF\xBB"
                         "data: b\n\n"),
              std::vector<SseEvent>{});
    // a stream shorter than a BOM
    EXPECT_EQ(parseWhole("\xEF\xBB"), std::vector<SseEvent>{});
}

TEST(SseParser, FinishFlushesDataWithoutTheFinalBlankLine) {
    EXPECT_EQ(parseWhole("data: a\n"), (std::vector<SseEvent>{ev("a")}));
    EXPECT_EQ(parseWhole("data: a"), (std::vector<SseEvent>{ev("a")}));
    EXPECT_EQ(parseWhole("data: a\r"), (std::vector<SseEvent>{ev("a")}));
    EXPECT_EQ(parseWhole("data: a\ndata: b"), (std::vector<SseEvent>{ev("a\nb")}));
    EXPECT_EQ(parseWhole("event: x\n"), std::vector<SseEvent>{});
    EXPECT_EQ(parseWhole(": only a comment"), std::vector<SseEvent>{});
    // finish() with nothing pending emits nothing
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed("data: a\n\n", out);
    parser.finish(out);
    parser.finish(out);
    EXPECT_EQ(out.size(), 1u);
}

TEST(SseParser, ResetStartsAFreshStream) {
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed(": c\nid: 9\ndata: half", out);
    parser.reset();
    EXPECT_EQ(parser.commentLines(), 0);
    EXPECT_EQ(parser.bytesFed(), 0);
    parser.feed("\xEF\xBB\xBF"
                "data: new\n\n",
                out);
    EXPECT_EQ(out, (std::vector<SseEvent>{ev("new")}));
}

TEST(SseParser, OneMegabyteEventInChunks) {
    QByteArray payload;
    payload.reserve(1 << 20);
    for (int i = 0; payload.size() < (1 << 20); ++i)
        payload += QByteArray::number(i % 10);
    const QByteArray stream =
        QByteArray("data: ") + payload + QByteArray("\r\ndata: tail\r\n\r\ndata: next\r\n\r\n");
    const std::vector<SseEvent> expected = {ev(payload + QByteArray("\ntail")), ev("next")};
    EXPECT_EQ(parseWhole(stream), expected);
    for (qsizetype chunk : {1, 7, 1000, 16384, 65536}) {
        SseParser parser;
        std::vector<SseEvent> out;
        for (qsizetype from = 0; from < stream.size(); from += chunk)
            parser.feed(QByteArrayView(stream).sliced(from, std::min(chunk, stream.size() - from)),
                        out);
        parser.finish(out);
        ASSERT_EQ(out, expected) << "chunk " << chunk;
    }
}

TEST(SseParser, CrOnlyStreamWithManyLinesInOneFeed) {
    // many CR-terminated lines in one feed (no LF anywhere)
    QByteArray stream;
    std::vector<SseEvent> expected;
    for (int i = 0; i < 5000; ++i) {
        stream += QByteArray("data: ") + QByteArray::number(i) + QByteArray("\r\r");
        expected.push_back(ev(QByteArray::number(i)));
    }
    EXPECT_EQ(parseWhole(stream), expected);
}

TEST(SseParser, ArbitraryBytesNeverCrashAndSplitsAgree) {
    // a deterministic pseudo-random soup of the bytes that matter
    const char alphabet[] = {'d', 'a', 't', ':', ' ', '\r', '\n', 'x', '\0', '\xEF', 'e', 'i'};
    quint32 seed = 12345;
    for (int round = 0; round < 200; ++round) {
        QByteArray stream;
        for (int i = 0; i < 300; ++i) {
            seed = seed * 1664525u + 1013904223u;
            stream += alphabet[(seed >> 16) % sizeof alphabet];
        }
        const auto expected = parseWhole(stream);
        for (qsizetype cut = 0; cut <= stream.size(); cut += 7)
            ASSERT_EQ(parseSplit(stream, {cut}), expected) << "round " << round << " cut " << cut;
    }
}

} // namespace
