// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/contentreader.h"
#include "tokenize/tokencache.h"
#include "tokenize/tokenizer.h"

#include <QByteArray>
#include <QStringDecoder>

#include <optional>

namespace reposcope::tokenize {

// Counts content fed in byte chunks of any size, in bounded memory, with the same result
// as CountJob::analyse() on the whole content (tests prove it): the encoding is decided
// from the head as text::decodeText() does (BOM, a NUL in the first 8000 bytes), UTF-16
// is decoded by a stateful decoder (a code unit or surrogate pair split across chunks is
// joined), UTF-8 sequences split across chunks are carried over, and the text is handed
// to the tokenizer only up to a point where its pre-tokenizer splits anyway (after a
// newline before a letter or digit, or before a space that follows a letter or digit and
// precedes a letter), so the pieces' counts add up to the whole text's count.
//
// UTF-8 with invalid bytes cannot be decided chunk by chunk (decodeText() weighs them over
// the whole file): needsWholeContent() then turns true and the caller falls back to
// analyse() on the whole content. Not thread-safe; one per file.
class StreamCounter {
public:
    explicit StreamCounter(const Tokenizer &tokenizer);
    // Returns false once more input changes nothing (binary, or needsWholeContent()).
    bool feed(QByteArrayView raw);
    ContentStats finish();
    bool needsWholeContent() const { return m_needsWhole; }
    // Largest piece of text ever held for the tokenizer (memory figure for tests, benchmarks).
    qsizetype peakPending() const { return m_peakPending; }

    // Past this much pending text without a safe split point the text is counted as it is
    // (a real file of 16 MiB without a space or a newline before a letter is no source
    // code; its count may then differ from the whole-text count by a token or two).
    static constexpr qsizetype kMaxPending = qsizetype(16) << 20;

private:
    void decide();
    void text(QByteArrayView utf8);
    void countUpToSplit(bool final);

    const Tokenizer &m_tokenizer;
    enum class Mode { Undecided, Utf8, Utf16, Binary } m_mode = Mode::Undecided;
    ContentStats m_stats;
    QByteArray m_head;     // raw bytes until the encoding is decided
    QByteArray m_carry;    // an unfinished UTF-8 sequence at the end of the last chunk
    QByteArray m_pending;  // decoded text not yet counted
    QByteArray m_textHead; // the first 1024 bytes of text (generated markers)
    std::optional<QStringDecoder> m_utf16;
    QString m_utf16Carry; // a high surrogate waiting for its pair
    qint64 m_textBytes = 0;
    qint64 m_newlines = 0;
    char m_lastChar = 0;
    qint64 m_tokens = 0;
    qint64 m_replaced = 0;
    qsizetype m_peakPending = 0;
    qsizetype m_noSplitBefore = 0; // pending[0, this) holds no split point
    bool m_needsWhole = false;
};

// The generated/minified rule: markers in the first 1024 bytes of text, or long text with
// very long average lines. `head` is the text's start (at most its first 1024 bytes matter).
bool looksGenerated(QByteArrayView head, qint64 textBytes, qint64 lines);

// Reads a file in chunks through the reader and counts it with a StreamCounter; falls back
// to reading it whole when StreamCounter::needsWholeContent().
Result<ContentStats> countStreaming(repo::ContentReader &reader, const repo::ScannedFile &file,
                                    const Tokenizer &tokenizer,
                                    qsizetype chunkBytes = qsizetype(4) << 20);

} // namespace reposcope::tokenize
