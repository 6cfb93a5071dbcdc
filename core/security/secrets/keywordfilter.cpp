// SPDX-License-Identifier: MIT
#include "security/secrets/keywordfilter.h"

#include <algorithm>
#include <cstring>
#include <deque>

namespace reposcope::security::secrets {

namespace {

uint8_t lower(uint8_t c) {
    return c >= 'A' && c <= 'Z' ? uint8_t(c + 32) : c;
}

} // namespace

KeywordFilter::KeywordFilter(const QList<QByteArray> &keywords)
    : m_keywordCount(int(keywords.size())) {
    // Byte classes: each byte that occurs in a keyword gets its own class (both cases).
    for (const QByteArray &k : keywords)
        for (const char ch : k) {
            const uint8_t c = lower(uint8_t(ch));
            if (m_classOf[c] == 0 && m_classes < 255)
                m_classOf[c] = uint8_t(m_classes++);
        }
    for (int c = 'A'; c <= 'Z'; ++c)
        m_classOf[c] = m_classOf[c + 32];

    // The trie, with -1 for a missing edge.
    std::vector<std::vector<int32_t>> trie(1, std::vector<int32_t>(size_t(m_classes), -1));
    m_out.assign(1, {});
    for (int i = 0; i < int(keywords.size()); ++i) {
        int state = 0;
        for (const char ch : keywords[i]) {
            const int cls = m_classOf[lower(uint8_t(ch))];
            if (trie[size_t(state)][size_t(cls)] < 0) {
                trie[size_t(state)][size_t(cls)] = int32_t(trie.size());
                trie.emplace_back(size_t(m_classes), -1);
                m_out.emplace_back();
            }
            state = trie[size_t(state)][size_t(cls)];
        }
        m_out[size_t(state)].push_back(i);
    }
    // Breadth first: fail links folded into a complete transition table.
    const size_t states = trie.size();
    m_next.assign(states * size_t(m_classes), 0);
    std::vector<int32_t> fail(states, 0);
    std::deque<int32_t> queue;
    for (int cls = 0; cls < m_classes; ++cls) {
        const int32_t child = trie[0][size_t(cls)];
        m_next[size_t(cls)] = child < 0 ? 0 : child;
        if (child > 0)
            queue.push_back(child);
    }
    while (!queue.empty()) {
        const int32_t state = queue.front();
        queue.pop_front();
        const std::vector<int> &inherited = m_out[size_t(fail[size_t(state)])];
        m_out[size_t(state)].insert(m_out[size_t(state)].end(), inherited.begin(), inherited.end());
        for (int cls = 0; cls < m_classes; ++cls) {
            const int32_t child = trie[size_t(state)][size_t(cls)];
            const int32_t viaFail =
                m_next[size_t(fail[size_t(state)]) * size_t(m_classes) + size_t(cls)];
            if (child < 0) {
                m_next[size_t(state) * size_t(m_classes) + size_t(cls)] = viaFail;
            } else {
                m_next[size_t(state) * size_t(m_classes) + size_t(cls)] = child;
                fail[size_t(child)] = viaFail;
                queue.push_back(child);
            }
        }
    }
    // Renumber: states that end a keyword last, and store rows instead of state numbers.
    std::vector<int32_t> renumbered(states);
    int32_t n = 0;
    for (size_t st = 0; st < states; ++st)
        if (m_out[st].empty())
            renumbered[st] = n++;
    m_firstOutRow = n * m_classes;
    for (size_t st = 0; st < states; ++st)
        if (!m_out[st].empty())
            renumbered[st] = n++;
    std::vector<int32_t> next(states * size_t(m_classes));
    std::vector<std::vector<int>> out(states);
    for (size_t st = 0; st < states; ++st) {
        const size_t row = size_t(renumbered[st]) * size_t(m_classes);
        for (int cls = 0; cls < m_classes; ++cls)
            next[row + size_t(cls)] =
                renumbered[size_t(m_next[st * size_t(m_classes) + size_t(cls)])] * m_classes;
        out[size_t(renumbered[st])] = std::move(m_out[st]);
    }
    m_next = std::move(next);
    m_out = std::move(out);
    for (const QByteArray &k : keywords)
        m_maxKeyword = std::max(m_maxKeyword, int(k.size()));
}

void KeywordFilter::mark(int32_t row, std::vector<bool> &found) const {
    for (const int k : m_out[size_t(row / m_classes)])
        found[size_t(k)] = true;
}

void KeywordFilter::run(const uint8_t *p, const uint8_t *end, std::vector<bool> &found) const {
    const int32_t *next = m_next.data();
    const uint8_t *classOf = m_classOf;
    const int32_t firstOut = m_firstOutRow;
    int32_t row = 0; // the root is never an output state (no keyword is empty)
    for (; p < end; ++p) {
        row = next[row + classOf[*p]];
        if (row >= firstOut) [[unlikely]]
            mark(row, found);
    }
}

std::vector<qsizetype> KeywordFilter::linesWith(QByteArrayView text,
                                                const std::vector<int> &keywords) const {
    std::vector<qsizetype> lines;
    std::vector<bool> wanted(size_t(m_keywordCount), false);
    for (const int k : keywords)
        if (k >= 0 && k < m_keywordCount)
            wanted[size_t(k)] = true;
    const auto *begin = reinterpret_cast<const uint8_t *>(text.data());
    const auto *end = begin + text.size();
    const int32_t *next = m_next.data();
    const int32_t firstOut = m_firstOutRow;
    int32_t row = 0;
    qsizetype lineEnd = -1; // the end of the last line reported (its newline or the end)
    for (const uint8_t *p = begin; p < end; ++p) {
        row = next[row + m_classOf[*p]];
        if (row < firstOut) [[likely]]
            continue;
        const qsizetype at = p - begin;
        if (at < lineEnd)
            continue; // this line is reported already
        bool hit = false;
        for (const int k : m_out[size_t(row / m_classes)])
            hit = hit || wanted[size_t(k)];
        if (!hit)
            continue;
        // No keyword holds a newline: the keyword's line is the line of its last byte.
        const void *nl = memrchr(begin, '\n', size_t(at));
        lines.push_back(nl ? static_cast<const uint8_t *>(nl) - begin + 1 : 0);
        const void *after = std::memchr(p, '\n', size_t(end - p));
        lineEnd = after ? static_cast<const uint8_t *>(after) - begin : text.size();
    }
    return lines;
}

std::vector<bool> KeywordFilter::present(QByteArrayView text) const {
    std::vector<bool> found(size_t(m_keywordCount), false);
    if (m_keywordCount == 0)
        return found;
    const auto *p = reinterpret_cast<const uint8_t *>(text.data());
    const qsizetype size = text.size();
    constexpr int kStreams = 4;
    const qsizetype overlap = m_maxKeyword - 1;
    if (size < 4096 || size / kStreams <= overlap) {
        run(p, p + size, found);
        return found;
    }
    // Stretch j covers [j * part, (j + 1) * part) and starts `overlap` bytes early, so a
    // keyword that crosses into it from the one before is seen whole.
    const qsizetype part = size / kStreams;
    const uint8_t *cur[kStreams];
    const uint8_t *stop[kStreams];
    for (int j = 0; j < kStreams; ++j) {
        cur[j] = p + (j == 0 ? 0 : j * part - overlap);
        stop[j] = j == kStreams - 1 ? p + size : p + (j + 1) * part;
    }
    const qsizetype common = part; // every stretch is at least this long
    const int32_t *next = m_next.data();
    const uint8_t *classOf = m_classOf;
    const int32_t firstOut = m_firstOutRow;
    int32_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    for (qsizetype i = 0; i < common; ++i) {
        r0 = next[r0 + classOf[cur[0][i]]];
        r1 = next[r1 + classOf[cur[1][i]]];
        r2 = next[r2 + classOf[cur[2][i]]];
        r3 = next[r3 + classOf[cur[3][i]]];
        if ((r0 >= firstOut) | (r1 >= firstOut) | (r2 >= firstOut) | (r3 >= firstOut))
            [[unlikely]] {
            if (r0 >= firstOut)
                mark(r0, found);
            if (r1 >= firstOut)
                mark(r1, found);
            if (r2 >= firstOut)
                mark(r2, found);
            if (r3 >= firstOut)
                mark(r3, found);
        }
    }
    // The rest of each stretch, from the state it reached.
    const int32_t rows[kStreams] = {r0, r1, r2, r3};
    for (int j = 0; j < kStreams; ++j) {
        int32_t row = rows[j];
        for (const uint8_t *q = cur[j] + common; q < stop[j]; ++q) {
            row = next[row + classOf[*q]];
            if (row >= firstOut) [[unlikely]]
                mark(row, found);
        }
    }
    return found;
}

} // namespace reposcope::security::secrets
