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
// Cost: about one table look-up per byte.
class KeywordFilter {
public:
    // Keyword i is reported as bit i of present(); keywords are compared lower-cased.
    explicit KeywordFilter(const QList<QByteArray> &keywords);

    // One flag per keyword: does it occur in `text`?
    std::vector<bool> present(QByteArrayView text) const;
    int keywordCount() const { return m_keywordCount; }

private:
    int m_keywordCount = 0;
    int m_classes = 1;                   // byte classes; class 0 = a byte in no keyword
    uint8_t m_classOf[256] = {};         // lower-cased byte -> class
    std::vector<int32_t> m_next;         // state * m_classes + class -> state
    std::vector<std::vector<int>> m_out; // state -> keywords that end there
    std::vector<uint8_t> m_hasOut;       // state -> non-empty m_out
};

} // namespace reposcope::security::secrets
