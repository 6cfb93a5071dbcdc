// SPDX-License-Identifier: MIT
#pragma once

#include "common/hugepages.h"
#include "common/result.h"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace reposcope::tokenize::bpe {

class SnapshotReader;
class SnapshotWriter;

// Byte string -> int, for BPE vocabularies (200k entries for o200k). All keys live in one
// contiguous arena; the open-addressing slots hold the key's offset, length, a hash tag and
// the value, so a lookup is one hash plus usually a single memcmp. Immutable after build();
// lookups are thread-safe. About 16 bytes per slot at load factor <= 0.5, plus the arena.
class BpeRankTable {
public:
    // value must be >= 0.
    void insert(std::string_view key, int value);
    // Call once after the last insert; sizes and fills the slots. A key inserted twice keeps
    // its first value; returns the insertion index of the first such duplicate, or -1.
    long long build();

    // -1 when absent.
    int find(std::string_view key) const {
        if (m_slots.empty())
            return -1;
        const std::uint64_t h = hash(key);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & m_mask;; i = (i + 1) & m_mask) {
            const Slot &s = m_slots[i];
            if (s.value < 0)
                return -1;
            if (s.tag == tag && s.length == key.size() &&
                std::memcmp(m_arena.data() + s.offset, key.data(), key.size()) == 0)
                return s.value;
        }
    }

    std::size_t size() const { return m_keys.size(); }
    std::size_t memoryBytes() const {
        return m_arena.capacity() + m_slots.capacity() * sizeof(Slot) +
               m_keys.capacity() * sizeof(Key);
    }

    static std::uint64_t hash(std::string_view key);

    // Vocabulary snapshots (vocabsnapshot.h): the built arrays as they are. restore() does not
    // hash again; it checks that every slot lies inside the arena and that the slot count
    // is a power of two with an empty slot left, so a corrupt snapshot cannot make find()
    // read out of bounds or loop forever. It replaces the table only on success.
    void save(SnapshotWriter &out) const;
    Result<Ok> restore(SnapshotReader &in);

private:
    struct Slot {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        std::uint32_t tag = 0;
        std::int32_t value = -1;
    };
    struct Key {
        std::uint32_t offset;
        std::uint32_t length;
        std::int32_t value;
    };
    // Megabytes each, filled once: huge pages (a vocabulary loads with a few page faults).
    HugePageVector<char> m_arena;
    HugePageVector<Key> m_keys;
    HugePageVector<Slot> m_slots;
    std::size_t m_mask = 0;
};

} // namespace reposcope::tokenize::bpe
