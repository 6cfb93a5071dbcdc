// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "tokenize/bpe/bperanktable.h"
#include "tokenize/bpe/bpespec.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace reposcope::tokenize::bpe {

// The byte-pair merge of one pre-tokenized piece: repeatedly merge the adjacent pair of
// lowest rank (leftmost on ties), as tiktoken and Hugging Face do. Short pieces use
// tiktoken's linear scan; long ones a heap over a linked list, O(n log n), so a 1 MB piece
// is not quadratic. Immutable after build(); merge() is thread-safe given its own Scratch.
class BpeMerger {
public:
    Result<Ok> build(const BpeSpec &spec);

    struct Part {
        std::uint32_t start;
        std::int32_t id;     // token of this part; -1 if the vocabulary lacks it
        std::int32_t rank;   // rank of the pair (this part, next part); kNone if none
        std::int32_t merged; // token of that pair
    };
    struct HeapEntry {
        std::int32_t rank;
        std::uint32_t left, right, leftVersion, rightVersion;
        std::int32_t merged;
    };
    // Per-thread buffers, reused across pieces to avoid allocations.
    struct Scratch {
        std::vector<Part> parts;
        std::vector<HeapEntry> heap;
        std::vector<std::uint32_t> next, prev, version;
        std::vector<std::int32_t> ids;
    };

    // Appends the piece's token ids to out when non-null; returns how many there are.
    // A byte the vocabulary lacks is one token with id -1.
    std::size_t merge(std::string_view piece, Scratch &scratch, std::vector<int> *out) const;

    std::size_t vocabularySize() const { return m_vocab.size(); }

    // Vocabulary snapshots (vocabsnapshot.h): the built state, merges as a flat array sorted
    // by pair. restore() checks every field and replaces the state only on success; it costs
    // a copy of the arrays plus one hash-map insert per merge.
    void save(SnapshotWriter &out) const;
    Result<Ok> restore(SnapshotReader &in);

private:
    static constexpr std::int32_t kNone = INT32_MAX;
    static constexpr std::size_t kLinearMax = 64; // longer pieces use the heap

    bool pair(std::string_view piece, std::uint32_t a, std::uint32_t c, std::int32_t leftId,
              std::int32_t rightId, std::int32_t &rank, std::int32_t &merged) const;
    std::size_t mergeLinear(std::string_view piece, Scratch &s, std::vector<int> *out) const;
    std::size_t mergeHeap(std::string_view piece, Scratch &s, std::vector<int> *out) const;

    BpeRankTable m_vocab;
    bool m_tiktokenRanks = true;   // rank of a pair = id of the concatenation
    bool m_wholePieceFirst = true; // tiktoken, or Hugging Face ignore_merges
    std::array<std::int32_t, 256> m_byteIds{};
    std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>>
        m_merges; // -> rank, id
};

} // namespace reposcope::tokenize::bpe
