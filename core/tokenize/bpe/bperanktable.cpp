// SPDX-License-Identifier: MIT
#include "tokenize/bpe/bperanktable.h"

#include "tokenize/bpe/vocabsnapshot.h"

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
    HugePageVector<Key> kept;
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

void BpeRankTable::save(SnapshotWriter &out) const {
    static_assert(sizeof(Slot) == 16 && sizeof(Key) == 12, "snapshots store these as is");
    out.u64(m_mask);
    out.array(m_arena);
    out.array(m_keys);
    out.array(m_slots);
}

Result<Ok> BpeRankTable::restore(SnapshotReader &in) {
    std::uint64_t mask = 0;
    HugePageVector<char> arena;
    HugePageVector<Key> keys;
    HugePageVector<Slot> slots;
    if (!in.u64(mask, "rank table mask") || !in.array(arena, "rank table arena") ||
        !in.array(keys, "rank table keys") || !in.array(slots, "rank table slots"))
        return in.error();
    const auto invalid = [](const QString &what) {
        return Error::make(Error::Code::InvalidData, QStringLiteral("rank table: ") + what);
    };
    if (slots.empty() || mask + 1 != slots.size() || (slots.size() & mask) != 0)
        return invalid(QStringLiteral("%1 slots with mask %2 (the count must be a power of two "
                                      "equal to mask + 1)")
                           .arg(slots.size())
                           .arg(mask));
    const auto inArena = [&](std::uint32_t offset, std::uint32_t length) {
        return std::uint64_t{offset} + length <= arena.size();
    };
    std::size_t used = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot &s = slots[i];
        if (s.value < 0)
            continue;
        ++used;
        if (!inArena(s.offset, s.length))
            return invalid(
                QStringLiteral("slot %1 lies outside the %2-byte arena").arg(i).arg(arena.size()));
    }
    if (used != keys.size() || used == slots.size())
        return invalid(QStringLiteral("%1 of %2 slots are used for %3 keys")
                           .arg(used)
                           .arg(slots.size())
                           .arg(keys.size()));
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].value < 0 || !inArena(keys[i].offset, keys[i].length))
            return invalid(QStringLiteral("key %1 is negative or lies outside the arena").arg(i));
    }
    m_arena = std::move(arena);
    m_keys = std::move(keys);
    m_slots = std::move(slots);
    m_mask = static_cast<std::size_t>(mask);
    return Ok{};
}

} // namespace reposcope::tokenize::bpe
