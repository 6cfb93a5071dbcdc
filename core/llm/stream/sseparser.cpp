// SPDX-License-Identifier: MIT
#include "llm/stream/sseparser.h"

#include <cstring>

namespace reposcope::llm {

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr qsizetype kBomSize = 3;
// A carried line that grew past this (a huge single event) gives its buffer back once
// processed, so one 10 MB event does not pin 10 MB for the rest of the stream.
constexpr qsizetype kKeepPartialCapacity = 64 * 1024;

bool isField(QByteArrayView name, const char *literal, qsizetype size) {
    return name.size() == size && std::memcmp(name.data(), literal, size_t(size)) == 0;
}

} // namespace

void SseParser::feed(QByteArrayView bytes, std::vector<SseEvent> &out) {
    m_bytes += bytes.size();
    if (bytes.isEmpty())
        return;

    // The BOM check needs the first three bytes, which may come in separate feeds: hold
    // them in m_partial until they decide (nothing else is in m_partial at that point).
    QByteArray head;
    if (!m_started) {
        m_partial.append(bytes.data(), bytes.size());
        const qsizetype n = std::min(m_partial.size(), kBomSize);
        if (std::memcmp(m_partial.constData(), kBom, size_t(n)) == 0 && n < kBomSize)
            return; // still a BOM prefix: wait for more
        m_started = true;
        head = std::move(m_partial);
        m_partial = QByteArray();
        if (head.startsWith(QByteArrayView(kBom, kBomSize)))
            head.remove(0, kBomSize);
        bytes = head;
        if (bytes.isEmpty())
            return;
    }

    const char *const data = bytes.data();
    const qsizetype size = bytes.size();
    qsizetype pos = 0;

    if (m_lastWasCr) {
        m_lastWasCr = false;
        if (data[0] == '\n')
            pos = 1; // the LF of a CRLF split across two feeds
    }

    // Next LF and next CR at or after `pos`, cached so a stream using only one kind of
    // line end is still scanned once (no quadratic rescans for the other kind).
    qsizetype nextLf = -1;
    qsizetype nextCr = -1;
    auto find = [&](char c, qsizetype from) -> qsizetype {
        const void *hit = std::memchr(data + from, c, size_t(size - from));
        return hit ? static_cast<const char *>(hit) - data : size;
    };

    while (pos < size) {
        if (nextLf < pos)
            nextLf = find('\n', pos);
        if (nextCr < pos)
            nextCr = find('\r', pos);
        const qsizetype end = std::min(nextLf, nextCr);
        if (end == size) {
            m_partial.append(data + pos, size - pos);
            return;
        }

        const QByteArrayView line(data + pos, end - pos);
        if (m_partial.isEmpty()) {
            processLine(line, out);
        } else {
            m_partial.append(line.data(), line.size());
            processLine(m_partial, out);
            if (m_partial.capacity() > kKeepPartialCapacity)
                m_partial = QByteArray();
            else
                m_partial.resize(0); // keeps the buffer for the next split line
        }

        pos = end + 1;
        if (data[end] == '\r') {
            if (pos < size) {
                if (data[pos] == '\n')
                    ++pos;
            } else {
                m_lastWasCr = true;
            }
        }
    }
}

void SseParser::finish(std::vector<SseEvent> &out) {
    m_started = true; // a lone BOM prefix held back is then simply a (garbage) line
    if (!m_partial.isEmpty()) {
        const QByteArray line = std::move(m_partial);
        m_partial = QByteArray();
        processLine(line, out);
    }
    m_lastWasCr = false;
    dispatch(out);
}

void SseParser::reset() {
    m_partial = QByteArray();
    m_current = SseEvent();
    m_hasData = false;
    m_lastWasCr = false;
    m_started = false;
    m_comments = 0;
    m_bytes = 0;
}

void SseParser::processLine(QByteArrayView line, std::vector<SseEvent> &out) {
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':') {
        ++m_comments;
        return;
    }

    QByteArrayView field = line;
    QByteArrayView value;
    if (const void *colon = std::memchr(line.data(), ':', size_t(line.size()))) {
        const qsizetype at = static_cast<const char *>(colon) - line.data();
        field = line.first(at);
        value = line.sliced(at + 1);
        if (!value.isEmpty() && value.front() == ' ')
            value = value.sliced(1);
    }

    if (isField(field, "data", 4)) {
        if (m_hasData) {
            m_current.data.append('\n');
            m_current.data.append(value.data(), value.size());
        } else {
            m_current.data = value.toByteArray();
            m_hasData = true;
        }
    } else if (isField(field, "event", 5)) {
        m_current.event = value.toByteArray();
    } else if (isField(field, "id", 2)) {
        // WHATWG: an id containing NUL is ignored; otherwise it becomes the last event id,
        // which later events keep until another `id:` line changes it.
        if (!value.contains('\0'))
            m_current.id = value.toByteArray();
    }
    // `retry:` and unknown fields are ignored.
}

void SseParser::dispatch(std::vector<SseEvent> &out) {
    if (m_hasData) {
        out.push_back(SseEvent{m_current.event, std::move(m_current.data), m_current.id});
        m_current.data = QByteArray();
        m_hasData = false;
    }
    m_current.event = QByteArray(); // the event type buffer resets even without data
}

} // namespace reposcope::llm
