// SPDX-License-Identifier: MIT
#include "security/secrets/keywordfilter.h"

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
    m_hasOut.resize(states);
    for (size_t s = 0; s < states; ++s)
        m_hasOut[s] = m_out[s].empty() ? 0 : 1;
}

std::vector<bool> KeywordFilter::present(QByteArrayView text) const {
    std::vector<bool> found(size_t(m_keywordCount), false);
    if (m_keywordCount == 0)
        return found;
    const auto *p = reinterpret_cast<const uint8_t *>(text.data());
    const auto *end = p + text.size();
    const int32_t *next = m_next.data();
    const uint8_t *classOf = m_classOf;
    const size_t classes = size_t(m_classes);
    int32_t state = 0;
    for (; p < end; ++p) {
        state = next[size_t(state) * classes + classOf[*p]];
        if (m_hasOut[size_t(state)]) [[unlikely]]
            for (const int k : m_out[size_t(state)])
                found[size_t(k)] = true;
    }
    return found;
}

} // namespace reposcope::security::secrets
