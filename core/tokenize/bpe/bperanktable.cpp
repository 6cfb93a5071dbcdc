// SPDX-License-Identifier: MIT
#include "tokenize/bpe/bperanktable.h"

#include <xxhash.h>

namespace reposcope::tokenize::bpe {

std::uint64_t BpeRankTable::hash(std::string_view key) {
    return XXH3_64bits(key.data(), key.size());
}

void BpeRankTable::insert(std::string_view key, int value) {
    // Duplicates are detected in build(); keep insertion cheap here.
    const auto offset = static_cast<std::uint32_t>(m_arena.size());
    m_arena.insert(m_arena.end(), key.begin(), key.end());
    m_keys.push_back(Key{offset, static_cast<std::uint32_t>(key.size()), value});
    m_slots.clear();
}

long long BpeRankTable::build() {
    long long firstDuplicate = -1;
    std::size_t capacity = 16;
    while (capacity < m_keys.size() * 2)
        capacity *= 2;
    m_slots.assign(capacity, Slot{});
    m_mask = capacity - 1;
    std::vector<Key> kept;
    kept.reserve(m_keys.size());
    for (std::size_t n = 0; n < m_keys.size(); ++n) {
        const Key &k = m_keys[n];
        const std::string_view key(m_arena.data() + k.offset, k.length);
        if (find(key) >= 0) { // duplicate key: the first value wins
            if (firstDuplicate < 0)
                firstDuplicate = static_cast<long long>(n);
            continue;
        }
        const std::uint64_t h = hash(key);
        std::size_t i = h & m_mask;
        while (m_slots[i].value >= 0)
            i = (i + 1) & m_mask;
        m_slots[i] = Slot{k.offset, k.length, static_cast<std::uint32_t>(h >> 32), k.value};
        kept.push_back(k);
    }
    m_keys = std::move(kept);
    return firstDuplicate;
}

} // namespace reposcope::tokenize::bpe
