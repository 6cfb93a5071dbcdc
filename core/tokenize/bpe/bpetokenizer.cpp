// SPDX-License-Identifier: MIT
#include "tokenize/bpe/bpetokenizer.h"

#include "tokenize/bpe/bpemerge.h"
#include "tokenize/bpe/bperanktable.h"
#include "tokenize/bpe/pretokenizer.h"
#include "tokenize/bpe/vocabsnapshot.h"

#include <xxhash.h>

#include <QString>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

namespace reposcope::tokenize {

using bpe::BpeMerger;
using bpe::BpeRankTable;
using bpe::Pretokenizer;
using bpe::SnapshotReader;
using bpe::SnapshotWriter;

namespace {

std::atomic<std::uint64_t> g_nextSerial{1};

// Direct-mapped cache of piece -> token count. Most pieces of source code repeat (keywords,
// identifiers, indentation), so after warm-up nearly every piece is a hit.
struct CacheEntry {
    std::uint8_t length = 0xFF; // 0xFF: empty
    std::uint8_t pad = 0;
    std::uint16_t count = 0;
    char bytes[28];
};
constexpr std::size_t kCacheBits = 15; // 32768 entries, 1 MiB per thread
constexpr std::size_t kMaxCachedPiece = sizeof(CacheEntry::bytes);

} // namespace

struct BpeTokenizer::Impl {
    QString id;
    QString displayName;
    BpeSpec::Normalization normalization = BpeSpec::Normalization::None;
    QStringList splitPatterns; // kept for snapshot()
    std::shared_ptr<const Pretokenizer> pretokenizer;
    BpeMerger merger;
    std::uint64_t serial = g_nextSerial.fetch_add(1);

    // Everything one thread needs; created lazily per (thread, tokenizer).
    struct ThreadState {
        std::unique_ptr<Pretokenizer::Scratch> scratch;
        std::vector<std::uint32_t> ends;
        BpeMerger::Scratch mergeScratch;
        std::vector<CacheEntry> cache;
    };
    ThreadState &threadState() const;

    template <typename PieceFn>
    void forEachPiece(std::string_view utf8, ThreadState &st, PieceFn &&fn) const;

    Result<Ok> compilePatterns();
};

Result<Ok> BpeTokenizer::Impl::compilePatterns() {
    if (splitPatterns.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: no pre-tokenizer pattern").arg(id));
    auto pretok = Pretokenizer::compile(splitPatterns);
    if (!pretok)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: %2").arg(id, pretok.error().message));
    pretokenizer = std::move(pretok).value();
    return Ok{};
}

BpeTokenizer::Impl::ThreadState &BpeTokenizer::Impl::threadState() const {
    // A few slots per thread, most recently used first; a destroyed tokenizer's slot is
    // simply evicted later (serials are never reused, so it cannot be mistaken).
    struct Slot {
        std::uint64_t serial;
        std::unique_ptr<ThreadState> state;
    };
    thread_local std::vector<Slot> slots;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].serial == serial) {
            if (i != 0)
                std::swap(slots[i], slots[0]);
            return *slots[0].state;
        }
    }
    auto st = std::make_unique<ThreadState>();
    st->scratch = pretokenizer->makeScratch();
    st->cache.resize(std::size_t{1} << kCacheBits);
    constexpr std::size_t kMaxSlots = 6;
    if (slots.size() >= kMaxSlots)
        slots.pop_back();
    slots.insert(slots.begin(), Slot{serial, std::move(st)});
    return *slots[0].state;
}

template <typename PieceFn>
void BpeTokenizer::Impl::forEachPiece(std::string_view utf8, ThreadState &st, PieceFn &&fn) const {
    QByteArray normalized;
    if (normalization != BpeSpec::Normalization::None &&
        std::any_of(utf8.begin(), utf8.end(), [](char c) { return c & 0x80; })) {
        // Normalization applies to the whole text before pre-tokenization, as in Hugging
        // Face's pipeline. Invalid UTF-8 becomes U+FFFD here.
        const auto form = normalization == BpeSpec::Normalization::NFC
                              ? QString::NormalizationForm_C
                              : QString::NormalizationForm_KC;
        normalized = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()))
                         .normalized(form)
                         .toUtf8();
        utf8 =
            std::string_view(normalized.constData(), static_cast<std::size_t>(normalized.size()));
    }
    // Pre-tokenize in slices so the piece list stays small for huge inputs. A slice ends only
    // between a newline and an ASCII letter: no piece of the tiktoken, GPT-2 or Llama 3 style
    // patterns spans that point (letter pieces never take a newline as their prefix).
    constexpr std::size_t kSlice = 1 << 20;
    auto isAsciiLetter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    std::size_t begin = 0;
    while (begin < utf8.size()) {
        std::size_t end = utf8.size();
        if (end - begin > kSlice) {
            std::size_t cut = begin + kSlice;
            while (cut < utf8.size() && !(utf8[cut - 1] == '\n' && isAsciiLetter(utf8[cut])))
                ++cut;
            end = cut;
        }
        const std::string_view slice = utf8.substr(begin, end - begin);
        st.ends.clear();
        pretokenizer->split(slice, *st.scratch, st.ends);
        std::uint32_t from = 0;
        for (const std::uint32_t to : st.ends) {
            fn(slice.substr(from, to - from));
            from = to;
        }
        begin = end;
    }
}

Result<std::shared_ptr<const BpeTokenizer>> BpeTokenizer::create(BpeSpec spec) {
    auto impl = std::make_unique<Impl>();
    impl->id = spec.id;
    impl->displayName = spec.displayName;
    impl->normalization = spec.normalization;
    impl->splitPatterns = spec.splitPatterns;
    if (Result<Ok> compiled = impl->compilePatterns(); !compiled)
        return compiled.error();
    auto built = impl->merger.build(spec);
    if (!built)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: %2").arg(spec.id, built.error().message));
    return std::shared_ptr<const BpeTokenizer>(new BpeTokenizer(std::move(impl)));
}

QByteArray BpeTokenizer::snapshot() const {
    SnapshotWriter out;
    out.string(m_impl->id);
    out.string(m_impl->displayName);
    out.u8(static_cast<std::uint8_t>(m_impl->normalization));
    out.u32(static_cast<std::uint32_t>(m_impl->splitPatterns.size()));
    for (const QString &pattern : m_impl->splitPatterns)
        out.string(pattern);
    m_impl->merger.save(out);
    return out.finish();
}

namespace {

Error unusableSnapshot(const Error &error) {
    return Error::make(
        error.code, QStringLiteral("the vocabulary snapshot is unusable: %1").arg(error.message));
}

} // namespace

Result<std::shared_ptr<const BpeTokenizer>> BpeTokenizer::fromSnapshot(QByteArrayView bytes) {
    SnapshotReader in(bytes);
    if (Result<Ok> opened = in.open(); !opened)
        return unusableSnapshot(opened.error());
    auto impl = std::make_unique<Impl>();
    std::uint8_t normalization = 0;
    std::uint32_t patterns = 0;
    if (!in.string(impl->id, "id") || !in.string(impl->displayName, "display name") ||
        !in.u8(normalization, "normalization") || !in.u32(patterns, "pattern count"))
        return unusableSnapshot(in.error());
    if (normalization > static_cast<std::uint8_t>(BpeSpec::Normalization::NFKC))
        return unusableSnapshot(
            Error::make(Error::Code::InvalidData,
                        QStringLiteral("unknown normalization %1").arg(normalization)));
    impl->normalization = static_cast<BpeSpec::Normalization>(normalization);
    for (std::uint32_t i = 0; i < patterns; ++i) {
        QString pattern;
        if (!in.string(pattern, "split pattern"))
            return unusableSnapshot(in.error());
        impl->splitPatterns << pattern;
    }
    if (Result<Ok> restored = impl->merger.restore(in); !restored)
        return unusableSnapshot(restored.error());
    if (in.remaining() != 0)
        return unusableSnapshot(Error::make(
            Error::Code::InvalidData,
            QStringLiteral("%1 unexpected bytes after the last field").arg(in.remaining())));
    if (Result<Ok> compiled = impl->compilePatterns(); !compiled)
        return unusableSnapshot(compiled.error());
    return std::shared_ptr<const BpeTokenizer>(new BpeTokenizer(std::move(impl)));
}

BpeTokenizer::BpeTokenizer(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

BpeTokenizer::~BpeTokenizer() = default;

QString BpeTokenizer::id() const {
    return m_impl->id;
}

QString BpeTokenizer::displayName() const {
    return m_impl->displayName;
}

qint64 BpeTokenizer::count(std::string_view utf8) const {
    Impl::ThreadState &st = m_impl->threadState();
    const BpeMerger &merger = m_impl->merger;
    CacheEntry *cache = st.cache.data();
    constexpr std::size_t mask = (std::size_t{1} << kCacheBits) - 1;
    qint64 total = 0;
    m_impl->forEachPiece(utf8, st, [&](std::string_view piece) {
        if (piece.size() == 1) {
            ++total;
            return;
        }
        if (piece.size() > kMaxCachedPiece) {
            total += merger.merge(piece, st.mergeScratch, nullptr);
            return;
        }
        CacheEntry &e = cache[XXH3_64bits(piece.data(), piece.size()) & mask];
        if (e.length == piece.size() && std::memcmp(e.bytes, piece.data(), piece.size()) == 0) {
            total += e.count;
            return;
        }
        const std::size_t n = merger.merge(piece, st.mergeScratch, nullptr);
        e.length = static_cast<std::uint8_t>(piece.size());
        e.count = static_cast<std::uint16_t>(n); // n <= piece.size() <= 28
        std::memcpy(e.bytes, piece.data(), piece.size());
        total += static_cast<qint64>(n);
    });
    return total;
}

std::vector<int> BpeTokenizer::encode(std::string_view utf8) const {
    Impl::ThreadState &st = m_impl->threadState();
    std::vector<int> ids;
    ids.reserve(utf8.size() / 3);
    m_impl->forEachPiece(utf8, st, [&](std::string_view piece) {
        m_impl->merger.merge(piece, st.mergeScratch, &ids);
    });
    return ids;
}

} // namespace reposcope::tokenize
