// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace reposcope::tokenize::bpe {

// The binary form of a built BpeTokenizer (a "vocabulary snapshot"), so that a vocabulary loads in
// milliseconds instead of being parsed and built again. Layout: the magic "RSVOCAB", one
// format-version byte, then fields as little-endian fixed-width integers, every variable part
// prefixed by its length, and last the XXH3-64 of everything before it.
//
// Bump kSnapshotVersion whenever the layout changes, and also whenever a loader or
// BpeMerger::build() would produce a different state from the same vocabulary file: the registry
// keys snapshots by the file's content only.
inline constexpr char kSnapshotMagic[] = "RSVOCAB"; // stored without the terminator
inline constexpr std::size_t kSnapshotMagicSize = sizeof(kSnapshotMagic) - 1;
inline constexpr std::uint8_t kSnapshotVersion = 1;

// Appends fields to a growing buffer; the constructor writes the magic and version, finish() the
// checksum. Not thread-safe; cost is a copy of each field.
class SnapshotWriter {
public:
    SnapshotWriter();
    void u8(std::uint8_t v);
    void u32(std::uint32_t v);
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void u64(std::uint64_t v);
    void string(const QString &s); // u32 byte length, then UTF-8
    // u64 element count, then the elements. T is a char or made only of 4-byte integers.
    template <typename T, typename A> void array(const std::vector<T, A> &v) {
        static_assert(std::is_trivially_copyable_v<T> && (sizeof(T) == 1 || sizeof(T) % 4 == 0));
        u64(v.size());
        raw(v.data(), v.size() * sizeof(T), sizeof(T) == 1 ? 1 : 4);
    }
    // Appends the checksum and hands the bytes over; the writer is empty afterwards.
    QByteArray finish();

private:
    void raw(const void *data, std::size_t bytes, std::size_t wordSize);
    QByteArray m_out;
};

// Reads the fields back, bounds-checked. A failed read records a message naming the field and
// returns false; error() then says what is wrong. The bytes are borrowed and must outlive the
// reader. Not thread-safe.
class SnapshotReader {
public:
    explicit SnapshotReader(QByteArrayView bytes)
        : m_bytes(bytes) {}

    // Checks the size, magic, version and checksum; call before any read.
    Result<Ok> open();

    bool u8(std::uint8_t &v, const char *what);
    bool u32(std::uint32_t &v, const char *what);
    bool i32(std::int32_t &v, const char *what);
    bool u64(std::uint64_t &v, const char *what);
    bool string(QString &s, const char *what);
    // The counterpart of SnapshotWriter::array; the count is checked against the bytes left before
    // anything is allocated.
    template <typename T, typename A> bool array(std::vector<T, A> &v, const char *what) {
        static_assert(std::is_trivially_copyable_v<T> && (sizeof(T) == 1 || sizeof(T) % 4 == 0));
        std::uint64_t count = 0;
        if (!u64(count, what))
            return false;
        if (count > remaining() / sizeof(T))
            return tooShort(what, count, sizeof(T));
        v.resize(static_cast<std::size_t>(count));
        return raw(v.data(), v.size() * sizeof(T), sizeof(T) == 1 ? 1 : 4, what);
    }

    // Records message (the first failure wins) and returns false.
    bool fail(const QString &message);
    std::size_t remaining() const { return m_end - m_pos; }
    Error error() const;

private:
    bool raw(void *data, std::size_t bytes, std::size_t wordSize, const char *what);
    bool tooShort(const char *what, std::uint64_t count, std::size_t elementSize);

    QByteArrayView m_bytes;
    std::size_t m_pos = 0;
    std::size_t m_end = 0; // where the checksum starts
    QString m_error;
};

} // namespace reposcope::tokenize::bpe
