// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace reposcope::llm {

// One server-sent event (WHATWG "event stream" format): the `data:` lines of one event
// joined with '\n', plus its `event:` and `id:` fields when present.
struct SseEvent {
    QByteArray event; // "" when the stream did not name it ("message")
    QByteArray data;
    QByteArray id;
};

// Incremental, stand-alone SSE parser. Fed raw bytes exactly as they arrive (split
// anywhere, even inside a CRLF or a UTF-8 sequence), it emits each event once its
// terminating blank line is seen. Handles LF, CR and CRLF line ends, comment lines
// (':' — keep-alives such as ": OPENROUTER PROCESSING"), multi-line data, a leading BOM,
// an optional single space after the colon, and fields without a value.
// Cost: one pass over the bytes; designed for > 200 MB/s. Not thread-safe.
class SseParser {
public:
    // Appends the events completed by `bytes` to `out` (does not clear it).
    void feed(QByteArrayView bytes, std::vector<SseEvent> &out);
    // End of stream: an event whose blank line never came is emitted if it has data
    // (servers that close right after the last `data:` line).
    void finish(std::vector<SseEvent> &out);
    void reset();

    qint64 commentLines() const { return m_comments; }
    qint64 bytesFed() const { return m_bytes; }

private:
    void processLine(QByteArrayView line, std::vector<SseEvent> &out);
    void dispatch(std::vector<SseEvent> &out);

    QByteArray m_partial; // an unterminated line carried to the next feed
    SseEvent m_current;
    bool m_hasData = false;
    bool m_lastWasCr = false; // a CR ended the previous feed: a leading LF is its pair
    bool m_started = false;   // BOM check done
    qint64 m_comments = 0;
    qint64 m_bytes = 0;
};

} // namespace reposcope::llm
