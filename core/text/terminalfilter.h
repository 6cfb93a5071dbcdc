// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace reposcope::text {

// Makes untrusted UTF-8 (a model's answer, a server's error text) safe to write to a
// terminal, as a stream: feed() it the chunks as they arrive, then finish() once.
//
// Kept as they are: printable text (any valid UTF-8), LF, TAB, and CR directly before an
// LF (CRLF). Everything a terminal acts on is rendered visibly, never dropped, so that a
// reader sees that the text tried:
//  - C0 controls (NUL..US except TAB and LF) and DEL become their Unicode Control Pictures:
//    ESC -> U+241B "␛", BEL -> "␇", BS -> "␈", NUL -> "␀", DEL -> "␡"; a CR that is not
//    part of CRLF (it would return to the line's start and overwrite it) becomes "␍".
//  - C1 controls U+0080..U+009F (CSI U+009B, OSC U+009D, DCS U+0090, ...) become the
//    ASCII text "<U+009B>"; so do the bidirectional embedding, override and isolate
//    controls (U+202A..U+202E, U+2066..U+2069), which reorder what a reader sees.
//  - Invalid UTF-8 (stray continuation bytes such as a raw 0x9B, overlong forms, surrogates,
//    truncated sequences) becomes U+FFFD, one per maximal invalid subpart.
// Neutralising the introducer (ESC or a C1 control) neutralises the whole sequence: the
// rest of a CSI, OSC (hyperlinks, window titles, OSC 52 clipboard writes), DCS, APC, PM or
// SOS string is plain text once its ESC is a picture, and its terminator (BEL, ESC \, ST)
// is neutralised too. The filter therefore keeps no sequence state: an unterminated
// sequence cannot swallow the text after it.
//
// Chunks may split a UTF-8 character or a CRLF anywhere: at most three bytes of an
// incomplete character and one CR are held back until the next chunk or finish(). The
// concatenated output does not depend on where the chunks were split. The output is
// always valid UTF-8. Not thread-safe; cost is linear in the input.
class TerminalFilter {
public:
    QByteArray feed(QByteArrayView chunk);
    // Flushes what is held back (an incomplete character becomes U+FFFD, a trailing CR
    // "␍"); the filter is then ready for a new stream.
    QByteArray finish();

    // The whole of `text` through a fresh filter.
    static QByteArray filtered(QByteArrayView text);

private:
    void startSequence(unsigned char byte, QByteArray &out);
    void codePoint(char32_t cp, QByteArray &out);
    void invalid(QByteArray &out);

    char32_t m_cp = 0;        // the code point being decoded
    int m_need = 0;           // continuation bytes still missing
    unsigned char m_low = 0;  // the next continuation byte's allowed range
    unsigned char m_high = 0; // (narrower after E0, ED, F0 and F4)
    bool m_pendingCr = false; // a CR whose successor has not arrived yet
};

} // namespace reposcope::text
