// SPDX-License-Identifier: MIT
#include "llm/client/chatrequest.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace reposcope::llm {

namespace {

// Appends to a QByteArray through a raw pointer. Growth doubles, so appends are amortised
// O(1); the caller reserves the expected size up front so an 8 MB pack grows rarely.
class JsonWriter {
public:
    explicit JsonWriter(qsizetype expected) {
        m_out.resize(std::max<qsizetype>(expected, 256));
        m_cap = m_out.size();
        m_p = m_out.data();
    }

    void raw(const char *s, qsizetype n) {
        ensure(n);
        std::memcpy(m_p + m_len, s, size_t(n));
        m_len += n;
    }
    void raw(const char *s) { raw(s, qsizetype(std::strlen(s))); }
    void raw(const QByteArray &s) { raw(s.constData(), s.size()); }
    void ch(char c) {
        ensure(1);
        m_p[m_len++] = c;
    }

    // A JSON string: quotes, escapes, and valid UTF-8 whatever the input held.
    void string(QByteArrayView utf8) {
        ch('"');
        escape(utf8);
        ch('"');
    }

    void escape(QByteArrayView utf8);

    QByteArray take() {
        m_out.resize(m_len);
        return std::move(m_out);
    }

private:
    void ensure(qsizetype n) {
        if (m_len + n <= m_cap)
            return;
        qsizetype cap = m_cap * 2;
        while (cap < m_len + n)
            cap *= 2;
        m_out.resize(cap);
        m_cap = cap;
        m_p = m_out.data();
    }

    QByteArray m_out;
    char *m_p = nullptr;
    qsizetype m_len = 0;
    qsizetype m_cap = 0;
};

// Bytes that need attention: controls (< 0x20), '"', '\\', and every non-ASCII byte
// (validated as UTF-8). Everything else is copied in runs.
constexpr bool needsWork(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

// Length of the valid UTF-8 sequence at s[0..n), or 0 if it is ill-formed (overlong,
// surrogate, above U+10FFFF, truncated, or a stray continuation byte).
qsizetype validUtf8Length(const unsigned char *s, qsizetype n) {
    const unsigned char c = s[0];
    auto cont = [&](qsizetype i) { return i < n && (s[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; // overlong
        if (c == 0xED && s[1] >= 0xA0)
            return 0; // UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; // overlong
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

// How many bytes one U+FFFD replaces: the lead byte plus the continuation bytes that could
// still have belonged to it ("maximal subpart", as the Unicode standard and WHATWG do).
qsizetype invalidSubpartLength(const unsigned char *s, qsizetype n) {
    const unsigned char c = s[0];
    qsizetype want = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        want = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        want = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        want = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 1;
    }
    qsizetype i = 1;
    if (i < n && s[i] >= lo && s[i] <= hi) {
        ++i;
        while (i <= want && i < n && (s[i] & 0xC0) == 0x80)
            ++i;
    }
    return i;
}

void JsonWriter::escape(QByteArrayView utf8) {
    const auto *s = reinterpret_cast<const unsigned char *>(utf8.data());
    const qsizetype n = utf8.size();
    // Worst case for valid text is 6 bytes out per byte in (\u00XX); reserve for the common
    // case (a little more than the input) and let ensure() handle the rest.
    ensure(n + n / 16 + 16);
    qsizetype i = 0;
    while (i < n) {
        // Copy the run of bytes that need no work, eight at a time where possible.
        qsizetype run = i;
        while (run + 8 <= n) {
            quint64 w;
            std::memcpy(&w, s + run, 8);
            // any byte >= 0x80, < 0x20, == '"' or == '\\' stops the fast path
            constexpr quint64 ones = 0x0101010101010101ULL;
            constexpr quint64 highs = 0x8080808080808080ULL;
            const quint64 lt20 = (w - ones * 0x20) & ~w;
            const quint64 quote = w ^ (ones * 0x22);
            const quint64 eqQuote = (quote - ones) & ~quote;
            const quint64 slash = w ^ (ones * 0x5C);
            const quint64 eqSlash = (slash - ones) & ~slash;
            if (((lt20 | eqQuote | eqSlash) & highs) != 0 || (w & highs) != 0)
                break;
            run += 8;
        }
        while (run < n && !needsWork(s[run]))
            ++run;
        if (run > i) {
            raw(reinterpret_cast<const char *>(s + i), run - i);
            i = run;
            if (i >= n)
                break;
        }

        const unsigned char c = s[i];
        if (c >= 0x80) {
            if (const qsizetype len = validUtf8Length(s + i, n - i)) {
                raw(reinterpret_cast<const char *>(s + i), len);
                i += len;
            } else {
                raw("\xEF\xBF\xBD", 3); // U+FFFD
                i += invalidSubpartLength(s + i, n - i);
            }
            continue;
        }
        switch (c) {
        case '"':
            raw("\\\"", 2);
            break;
        case '\\':
            raw("\\\\", 2);
            break;
        case '\n':
            raw("\\n", 2);
            break;
        case '\r':
            raw("\\r", 2);
            break;
        case '\t':
            raw("\\t", 2);
            break;
        case '\b':
            raw("\\b", 2);
            break;
        case '\f':
            raw("\\f", 2);
            break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            raw(esc, 6);
            break;
        }
        }
        ++i;
    }
}

const char *roleName(ChatMessage::Role role) {
    switch (role) {
    case ChatMessage::Role::System:
        return "system";
    case ChatMessage::Role::Assistant:
        return "assistant";
    case ChatMessage::Role::User:
        break;
    }
    return "user";
}

void writeNumber(JsonWriter &w, double value) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value); // shortest round trip
    w.raw(buf, r.ptr - buf);
}

void writeNumber(JsonWriter &w, qint64 value) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    w.raw(buf, r.ptr - buf);
}

} // namespace

QByteArray buildChatBody(const ChatRequestSpec &spec) {
    qsizetype expected = 256;
    for (const ChatMessage &m : spec.messages) {
        // 1/8 headroom for escapes: growing an 8 MB buffer means a copy plus first-touch
        // page faults on a second, larger one, which costs more than the escaping itself;
        // headroom that is never written is never touched, so it is nearly free.
        const qsizetype text = m.prefix.size() + m.text.size();
        expected += text + text / 8 + 64;
        for (const ImagePart &image : m.images)
            expected += (image.data.size() + 2) / 3 * 4 + image.mimeType.size() + 96;
    }

    JsonWriter w(expected);
    w.raw("{\"model\":");
    w.string(spec.model.toUtf8());
    w.raw(",\"messages\":[");
    bool first = true;
    for (const ChatMessage &m : spec.messages) {
        if (!first)
            w.ch(',');
        first = false;
        w.raw("{\"role\":\"");
        w.raw(roleName(m.role));
        w.raw("\",\"content\":");
        // The prefix (a multi-MB pack) and the text are escaped one after the other, so
        // nobody ever has to concatenate them on the UI thread.
        auto text = [&w, &m] {
            w.ch('"');
            w.escape(m.prefix);
            w.escape(m.text);
            w.ch('"');
        };
        if (m.images.isEmpty()) {
            text();
        } else {
            // Text part first, then the images (OpenRouter asks for that order).
            w.raw("[{\"type\":\"text\",\"text\":");
            text();
            w.ch('}');
            for (const ImagePart &image : m.images) {
                w.raw(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:");
                w.escape(image.mimeType);
                w.raw(";base64,");
                w.raw(image.data.toBase64());
                w.raw("\"}}");
            }
            w.ch(']');
        }
        w.ch('}');
    }
    w.raw("],\"stream\":true");
    if (spec.includeUsage)
        w.raw(",\"stream_options\":{\"include_usage\":true}");
    if (spec.maxTokens > 0) {
        w.raw(",\"max_tokens\":");
        writeNumber(w, qint64(spec.maxTokens));
    }
    if (spec.temperature && std::isfinite(*spec.temperature)) {
        w.raw(",\"temperature\":");
        writeNumber(w, *spec.temperature);
    }
    // llama-server's (and the local engine's) options: prefill progress, and `timings` with the
    // real completion count on every chunk, so the live count is the one the final usage gives.
    if (spec.returnProgress)
        w.raw(",\"return_progress\":true,\"timings_per_token\":true");
    w.ch('}');
    return w.take();
}

QUrl endpointUrl(const QUrl &baseUrl, const QString &path) {
    QString base = baseUrl.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QString tail = path;
    while (tail.startsWith(QLatin1Char('/')))
        tail.remove(0, 1);
    QUrl url = baseUrl;
    url.setPath(base + QLatin1Char('/') + tail, QUrl::TolerantMode);
    return url;
}

QUrl chatCompletionsUrl(const QUrl &baseUrl) {
    return endpointUrl(baseUrl, QStringLiteral("chat/completions"));
}

QString maskKey(const QString &key) {
    if (key.isEmpty())
        return QString();
    if (key.size() < 12)
        return QString(3, QChar(0x2022)); // too short to show any of it safely
    return key.left(4) + QChar(0x2026) + key.right(4);
}

} // namespace reposcope::llm
