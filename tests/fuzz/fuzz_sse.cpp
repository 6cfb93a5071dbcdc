// SPDX-License-Identifier: MIT
// Fuzz target: the SSE parser and the chat-completions chunk decoder that reads its events.
#include "fuzzcheck.h"
#include "fuzztargets.h"

#include "llm/stream/chatstream.h"
#include "llm/stream/sseparser.h"

namespace reposcope::fuzz::sse {

namespace {

constexpr const char *kName = "sse";

struct Parsed {
    std::vector<llm::SseEvent> events;
    qint64 comments = 0;
    qint64 bytes = 0;
};

bool operator==(const llm::SseEvent &a, const llm::SseEvent &b) {
    return a.event == b.event && a.data == b.data && a.id == b.id;
}

// Feeds `bytes` in pieces that end at `cuts` (ascending, inside the input).
Parsed parse(QByteArrayView bytes, const std::vector<qsizetype> &cuts) {
    llm::SseParser parser;
    Parsed out;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        parser.feed(bytes.sliced(from, cut - from), out.events);
        from = cut;
    }
    parser.feed(bytes.sliced(from), out.events);
    parser.finish(out.events);
    out.comments = parser.commentLines();
    out.bytes = parser.bytesFed();
    return out;
}

// Pseudo-random cut points drawn from the input itself, so a run is reproducible.
std::vector<qsizetype> cutsFor(QByteArrayView bytes, quint64 salt) {
    quint64 state = salt * 0x9E3779B97F4A7C15ull + quint64(bytes.size());
    for (char c : bytes.first(std::min<qsizetype>(bytes.size(), 64)))
        state = (state ^ quint8(c)) * 0x100000001B3ull;
    std::vector<qsizetype> cuts;
    qsizetype at = 0;
    while (bytes.size() > 1) {
        state ^= state >> 33;
        state *= 0xFF51AFD7ED558CCDull;
        state ^= state >> 29;
        // Mostly short pieces (splits inside CRLF, BOM and field names), some long ones.
        const qsizetype step = 1 + qsizetype(state % ((state >> 8) % 4 == 0 ? 64 : 4));
        at += step;
        if (at >= bytes.size())
            break;
        cuts.push_back(at);
    }
    return cuts;
}

void checkSame(const Parsed &reference, const Parsed &other, const QString &how) {
    FUZZ_CHECK(other.events.size() == reference.events.size(), kName,
               QStringLiteral("%1: %2 events, whole input gives %3")
                   .arg(how)
                   .arg(other.events.size())
                   .arg(reference.events.size()));
    const size_t n = std::min(other.events.size(), reference.events.size());
    for (size_t i = 0; i < n; ++i)
        FUZZ_CHECK(other.events[i] == reference.events[i], kName,
                   QStringLiteral("%1: event %2 differs (data %3 vs %4)")
                       .arg(how)
                       .arg(i)
                       .arg(printable(QString::fromLatin1(other.events[i].data)),
                            printable(QString::fromLatin1(reference.events[i].data))));
    FUZZ_CHECK(other.comments == reference.comments, kName,
               QStringLiteral("%1: %2 comment lines, whole input gives %3")
                   .arg(how)
                   .arg(other.comments)
                   .arg(reference.comments));
    FUZZ_CHECK(other.bytes == reference.bytes, kName, how + QStringLiteral(": bytesFed differs"));
}

void checkChunk(const llm::SseEvent &event) {
    const llm::StreamChunk chunk = llm::decodeChatChunk(event);
    const int kinds = int(chunk.done) + int(chunk.malformed);
    FUZZ_CHECK(kinds <= 1, kName, QStringLiteral("a chunk both done and malformed"));
    if (chunk.done || chunk.malformed) {
        FUZZ_CHECK(chunk.contentDelta.isEmpty() && chunk.reasoningDelta.isEmpty() && !chunk.usage &&
                       !chunk.error && !chunk.progress,
                   kName, QStringLiteral("a done or malformed chunk that carries content"));
    }
    if (chunk.malformed) {
        FUZZ_CHECK(!chunk.malformedReason.isEmpty() && chunk.malformedReason.size() <= 200, kName,
                   QStringLiteral("malformed reason of %1 characters: %2")
                       .arg(chunk.malformedReason.size())
                       .arg(printable(chunk.malformedReason)));
    }
    if (chunk.usage) {
        FUZZ_CHECK(chunk.usage->valid() && chunk.usage->promptTokens >= -1 &&
                       chunk.usage->completionTokens >= -1 && chunk.usage->cachedPromptTokens >= -1,
                   kName, QStringLiteral("usage with impossible figures"));
    }
    if (chunk.progress) {
        const llm::PromptProgress &p = *chunk.progress;
        FUZZ_CHECK(p.total >= 0 && p.cache >= 0 && p.processed >= 0 && p.timeMs >= 0, kName,
                   QStringLiteral("negative prompt progress"));
        const double f = p.fraction();
        FUZZ_CHECK(f == f, kName, QStringLiteral("progress fraction is NaN"));
    }
    if (chunk.error)
        FUZZ_CHECK(!chunk.error->message.isEmpty(), kName,
                   QStringLiteral("an error with no message"));
    // Stateless: the same event decodes the same way.
    const llm::StreamChunk again = llm::decodeChatChunk(event);
    FUZZ_CHECK(again.contentDelta == chunk.contentDelta && again.malformed == chunk.malformed &&
                   again.done == chunk.done && again.finishReason == chunk.finishReason,
               kName, QStringLiteral("decodeChatChunk is not deterministic"));
}

} // namespace

int fuzzOne(const uint8_t *data, size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Parsed whole = parse(bytes, {});
    FUZZ_CHECK(whole.bytes == qint64(size), kName,
               QStringLiteral("bytesFed is not the input size"));

    // Each event ends at a line end or the end of input: never more events than lines.
    const qsizetype lineEnds = bytes.count('\n') + bytes.count('\r') + 1;
    FUZZ_CHECK(qsizetype(whole.events.size()) <= lineEnds, kName,
               QStringLiteral("%1 events from %2 lines").arg(whole.events.size()).arg(lineEnds));
    for (const llm::SseEvent &e : whole.events) {
        FUZZ_CHECK(!e.event.contains('\n') && !e.event.contains('\r') && !e.id.contains('\n') &&
                       !e.id.contains('\r') && !e.id.contains('\0') && !e.data.contains('\r'),
                   kName, QStringLiteral("a line end or NUL inside a field"));
        FUZZ_CHECK(e.data.size() <= bytes.size(), kName,
                   QStringLiteral("data longer than the input"));
    }

    if (size <= 4096) {
        std::vector<qsizetype> everyByte;
        for (qsizetype i = 1; i < qsizetype(size); ++i)
            everyByte.push_back(i);
        checkSame(whole, parse(bytes, everyByte), QStringLiteral("byte by byte"));
    }
    for (quint64 salt = 1; salt <= 3; ++salt)
        checkSame(whole, parse(bytes, cutsFor(bytes, salt)),
                  QStringLiteral("random split %1").arg(salt));

    // The parser can be reused after reset().
    {
        llm::SseParser parser;
        std::vector<llm::SseEvent> first;
        parser.feed("data: x\n", first);
        parser.reset();
        Parsed again;
        parser.feed(bytes, again.events);
        parser.finish(again.events);
        again.comments = parser.commentLines();
        again.bytes = parser.bytesFed();
        checkSame(whole, again, QStringLiteral("after reset()"));
    }

    for (const llm::SseEvent &e : whole.events)
        checkChunk(e);
    return 0;
}

} // namespace reposcope::fuzz::sse
