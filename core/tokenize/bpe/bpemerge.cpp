// SPDX-License-Identifier: MIT
#include "tokenize/bpe/bpemerge.h"

#include "tokenize/bpe/vocabsnapshot.h"

#include <algorithm>

namespace reposcope::tokenize::bpe {

namespace {

std::uint64_t pairKey(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
           static_cast<std::uint32_t>(right);
}

QString printable(const QByteArray &bytes) {
    return QString::fromUtf8(bytes.toPercentEncoding(" !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~"));
}

// One merge as a snapshot stores it.
struct FlatMerge {
    std::uint32_t left, right; // token ids of the pair
    std::int32_t rank, merged;
};

bool readFlag(SnapshotReader &in, bool &flag, const char *what) {
    std::uint8_t v = 0;
    if (!in.u8(v, what))
        return false;
    if (v > 1)
        return in.fail(QStringLiteral("%1 is %2, not 0 or 1").arg(QLatin1String(what)).arg(v));
    flag = v == 1;
    return true;
}

} // namespace

void BpeMerger::save(SnapshotWriter &out) const {
    out.u8(m_tiktokenRanks ? 1 : 0);
    out.u8(m_wholePieceFirst ? 1 : 0);
    for (const std::int32_t id : m_byteIds)
        out.i32(id);
    m_vocab.save(out);
    std::vector<FlatMerge> merges;
    merges.reserve(m_merges.size());
    for (const auto &[key, value] : m_merges)
        merges.push_back(FlatMerge{static_cast<std::uint32_t>(key >> 32),
                                   static_cast<std::uint32_t>(key), value.first, value.second});
    // Sorted, so the same vocabulary always gives the same bytes.
    std::sort(merges.begin(), merges.end(), [](const FlatMerge &a, const FlatMerge &b) {
        return a.left != b.left ? a.left < b.left : a.right < b.right;
    });
    out.array(merges);
}

Result<Ok> BpeMerger::restore(SnapshotReader &in) {
    bool tiktokenRanks = true;
    bool wholePieceFirst = true;
    std::array<std::int32_t, 256> byteIds{};
    if (!readFlag(in, tiktokenRanks, "tiktoken ranks flag") ||
        !readFlag(in, wholePieceFirst, "whole piece first flag"))
        return in.error();
    for (std::int32_t &id : byteIds) {
        if (!in.i32(id, "byte ids"))
            return in.error();
    }
    BpeRankTable vocab;
    if (Result<Ok> restored = vocab.restore(in); !restored)
        return restored.error();
    std::vector<FlatMerge> flat;
    if (!in.array(flat, "merges"))
        return in.error();
    if (tiktokenRanks && !flat.empty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1 merges with tiktoken ranks").arg(flat.size()));
    std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>> merges;
    merges.reserve(flat.size());
    for (const FlatMerge &m : flat) {
        const auto key =
            pairKey(static_cast<std::int32_t>(m.left), static_cast<std::int32_t>(m.right));
        if (!merges.try_emplace(key, m.rank, m.merged).second)
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("the merge of tokens %1 and %2 appears twice")
                                   .arg(m.left)
                                   .arg(m.right));
    }
    m_vocab = std::move(vocab);
    m_tiktokenRanks = tiktokenRanks;
    m_wholePieceFirst = wholePieceFirst;
    m_byteIds = byteIds;
    m_merges = std::move(merges);
    return Ok{};
}

Result<Ok> BpeMerger::build(const BpeSpec &spec) {
    if (spec.vocab.empty())
        return Error::make(Error::Code::InvalidData, QStringLiteral("the vocabulary is empty"));
    for (const auto &[bytes, id] : spec.vocab) {
        if (id < 0)
            return Error::make(
                Error::Code::InvalidData,
                QStringLiteral("token \"%1\" has a negative id %2").arg(printable(bytes)).arg(id));
        if (bytes.isEmpty())
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("token %1 is empty").arg(id));
        m_vocab.insert(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())),
                       id);
    }
    const long long duplicate = m_vocab.build();
    if (duplicate >= 0) {
        const auto &[bytes, id] = spec.vocab[static_cast<std::size_t>(duplicate)];
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("token \"%1\" appears twice (second time with id %2)")
                               .arg(printable(bytes))
                               .arg(id));
    }
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        m_byteIds[static_cast<std::size_t>(b)] = m_vocab.find(std::string_view(&c, 1));
    }
    m_tiktokenRanks = spec.merges.empty();
    m_wholePieceFirst = m_tiktokenRanks || spec.ignoreMerges;
    m_merges.reserve(spec.merges.size());
    for (std::size_t i = 0; i < spec.merges.size(); ++i) {
        const auto &[left, right] = spec.merges[i];
        const QByteArray joined = left + right;
        const auto view = [](const QByteArray &b) {
            return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
        };
        const int l = m_vocab.find(view(left));
        const int r = m_vocab.find(view(right));
        const int m = m_vocab.find(view(joined));
        if (l < 0 || r < 0 || m < 0)
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("merge %1 (\"%2\" \"%3\") names a token that is "
                                              "not in the vocabulary")
                                   .arg(i + 1)
                                   .arg(printable(left), printable(right)));
        // A repeated merge keeps its first (lowest) rank.
        m_merges.try_emplace(pairKey(l, r), static_cast<std::int32_t>(i), m);
    }
    return Ok{};
}

bool BpeMerger::pair(std::string_view piece, std::uint32_t a, std::uint32_t c, std::int32_t leftId,
                     std::int32_t rightId, std::int32_t &rank, std::int32_t &merged) const {
    if (m_tiktokenRanks) {
        const int id = m_vocab.find(piece.substr(a, c - a));
        if (id < 0)
            return false;
        rank = merged = id;
        return true;
    }
    if (leftId < 0 || rightId < 0)
        return false;
    const auto it = m_merges.find(pairKey(leftId, rightId));
    if (it == m_merges.end())
        return false;
    rank = it->second.first;
    merged = it->second.second;
    return true;
}

std::size_t BpeMerger::merge(std::string_view piece, Scratch &scratch,
                             std::vector<int> *out) const {
    if (piece.empty())
        return 0;
    if (piece.size() == 1) {
        if (out)
            out->push_back(m_byteIds[static_cast<unsigned char>(piece[0])]);
        return 1;
    }
    if (m_wholePieceFirst) {
        const int id = m_vocab.find(piece);
        if (id >= 0) {
            if (out)
                out->push_back(id);
            return 1;
        }
    }
    return piece.size() <= kLinearMax ? mergeLinear(piece, scratch, out)
                                      : mergeHeap(piece, scratch, out);
}

// tiktoken's _byte_pair_merge: O(n * merges), the fastest for the short pieces of real text.
std::size_t BpeMerger::mergeLinear(std::string_view piece, Scratch &s,
                                   std::vector<int> *out) const {
    const auto n = static_cast<std::uint32_t>(piece.size());
    auto &parts = s.parts;
    parts.resize(n + 1);
    for (std::uint32_t i = 0; i < n; ++i)
        parts[i] = Part{i, m_byteIds[static_cast<unsigned char>(piece[i])], kNone, -1};
    parts[n] = Part{n, -1, kNone, -1};
    std::size_t count = n + 1; // parts in use; the last is the end sentinel
    auto update = [&](std::size_t i) {
        Part &p = parts[i];
        p.rank = kNone;
        if (i + 2 < count) {
            std::int32_t rank, merged;
            if (pair(piece, p.start, parts[i + 2].start, p.id, parts[i + 1].id, rank, merged)) {
                p.rank = rank;
                p.merged = merged;
            }
        }
    };
    for (std::size_t i = 0; i + 2 < count; ++i)
        update(i);
    for (;;) {
        std::int32_t best = kNone;
        std::size_t at = 0;
        for (std::size_t i = 0; i + 2 < count; ++i) {
            if (parts[i].rank < best) {
                best = parts[i].rank;
                at = i;
            }
        }
        if (best == kNone)
            break;
        parts[at].id = parts[at].merged;
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at) + 1);
        --count;
        update(at);
        if (at > 0)
            update(at - 1);
    }
    if (out) {
        for (std::size_t i = 0; i + 1 < count; ++i)
            out->push_back(parts[i].id);
    }
    return count - 1;
}

// The same merge order with a min-heap of (rank, position) and lazy invalidation: an entry
// is stale once either side has changed (its version moved on) or was absorbed.
std::size_t BpeMerger::mergeHeap(std::string_view piece, Scratch &s, std::vector<int> *out) const {
    const auto n = static_cast<std::uint32_t>(piece.size());
    s.next.resize(n);
    s.prev.resize(n);
    s.version.assign(n, 0);
    s.ids.resize(n);
    s.heap.clear();
    constexpr std::uint32_t kEnd = UINT32_MAX;
    for (std::uint32_t i = 0; i < n; ++i) {
        s.next[i] = i + 1 < n ? i + 1 : kEnd;
        s.prev[i] = i > 0 ? i - 1 : kEnd;
        s.ids[i] = m_byteIds[static_cast<unsigned char>(piece[i])];
    }
    const auto later = [](const HeapEntry &a, const HeapEntry &b) {
        return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
    };
    auto push = [&](std::uint32_t left) {
        const std::uint32_t right = s.next[left];
        if (right == kEnd)
            return;
        const std::uint32_t end = s.next[right] == kEnd ? n : s.next[right];
        std::int32_t rank, merged;
        if (!pair(piece, left, end, s.ids[left], s.ids[right], rank, merged))
            return;
        s.heap.push_back(HeapEntry{rank, left, right, s.version[left], s.version[right], merged});
        std::push_heap(s.heap.begin(), s.heap.end(), later);
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i)
        push(i);
    std::size_t count = n;
    while (!s.heap.empty()) {
        std::pop_heap(s.heap.begin(), s.heap.end(), later);
        const HeapEntry e = s.heap.back();
        s.heap.pop_back();
        if (s.version[e.left] != e.leftVersion || s.version[e.right] != e.rightVersion ||
            s.next[e.left] != e.right)
            continue;
        // Merge right into left.
        s.ids[e.left] = e.merged;
        ++s.version[e.left];
        ++s.version[e.right]; // absorbed: every entry naming it is stale
        s.next[e.left] = s.next[e.right];
        if (s.next[e.right] != kEnd)
            s.prev[s.next[e.right]] = e.left;
        --count;
        if (s.prev[e.left] != kEnd)
            push(s.prev[e.left]);
        push(e.left);
    }
    if (out) {
        for (std::uint32_t i = 0; i != kEnd; i = s.next[i])
            out->push_back(s.ids[i]);
    }
    return count;
}

} // namespace reposcope::tokenize::bpe
