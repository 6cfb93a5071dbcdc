// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <cstdint>
#include <vector>

namespace reposcope::security::secrets {

// The scanner's pre-filter: which of a fixed set of keywords occur in a text, ASCII
// case-insensitively, in one pass (an Aho-Corasick automaton compiled into a DFA over the
// keywords' byte classes). Immutable after construction; safe to share between threads.
// Cost: about one table look-up per byte; a long text is walked as four interleaved
// stretches (overlapping by the longest keyword less one byte), so the look-ups of one
// stretch do not wait on another's.
class KeywordFilter {
public:
    // Keyword i is reported as bit i of present(); keywords are compared lower-cased.
    explicit KeywordFilter(const QList<QByteArray> &keywords);

    // One flag per keyword: does it occur in `text`?
    std::vector<bool> present(QByteArrayView text) const;
    int keywordCount() const { return m_keywordCount; }
    // The starts of the lines of `text` that hold one of `keywords` (indices), in order,
    // each once. One more walk over the text.
    std::vector<qsizetype> linesWith(QByteArrayView text, const std::vector<int> &keywords) const;

private:
    // Runs the automaton over [from, to) from the root; marks what it finds.
    void run(const uint8_t *from, const uint8_t *to, std::vector<bool> &found) const;
    void mark(int32_t row, std::vector<bool> &found) const;

    int m_keywordCount = 0;
    int m_maxKeyword = 0;        // the longest keyword, in bytes
    int m_classes = 1;           // byte classes; class 0 = a byte in no keyword
    uint8_t m_classOf[256] = {}; // lower-cased byte -> class
    // Row of a state (state * m_classes) + class -> row of the next state. States that end
    // a keyword are numbered last, so "has output" is one comparison with m_firstOutRow and
    // the walk needs no multiplication and no second table.
    std::vector<int32_t> m_next;
    int32_t m_firstOutRow = 0;
    std::vector<std::vector<int>> m_out; // state -> keywords that end there
};

} // namespace reposcope::security::secrets
