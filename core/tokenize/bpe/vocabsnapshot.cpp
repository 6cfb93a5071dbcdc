// SPDX-License-Identifier: MIT
#include "tokenize/bpe/vocabsnapshot.h"

#include <xxhash.h>

#include <bit>
#include <cstring>
#include <utility>

namespace reposcope::tokenize::bpe {

namespace {

constexpr std::size_t kHeaderSize = kSnapshotMagicSize + 1; // magic, version
constexpr std::size_t kChecksumSize = 8;
constexpr bool kLittleEndian = std::endian::native == std::endian::little;

// Reverses the bytes of every wordSize-byte word in place (big-endian hosts only).
void swapWords(char *data, std::size_t bytes, std::size_t wordSize) {
    if (kLittleEndian || wordSize == 1)
        return;
    for (std::size_t i = 0; i + wordSize <= bytes; i += wordSize) {
        for (std::size_t a = i, b = i + wordSize - 1; a < b; ++a, --b)
            std::swap(data[a], data[b]);
    }
}

std::uint64_t checksum(const char *data, std::size_t size) {
    return XXH3_64bits(data, size);
}

} // namespace

SnapshotWriter::SnapshotWriter() {
    m_out.append(kSnapshotMagic, static_cast<qsizetype>(kSnapshotMagicSize));
    u8(kSnapshotVersion);
}

void SnapshotWriter::raw(const void *data, std::size_t bytes, std::size_t wordSize) {
    const auto at = m_out.size();
    m_out.append(static_cast<const char *>(data), static_cast<qsizetype>(bytes));
    swapWords(m_out.data() + at, bytes, wordSize);
}

void SnapshotWriter::u8(std::uint8_t v) {
    m_out.append(static_cast<char>(v));
}

void SnapshotWriter::u32(std::uint32_t v) {
    raw(&v, sizeof v, sizeof v);
}

void SnapshotWriter::u64(std::uint64_t v) {
    raw(&v, sizeof v, sizeof v);
}

void SnapshotWriter::string(const QString &s) {
    const QByteArray utf8 = s.toUtf8();
    u32(static_cast<std::uint32_t>(utf8.size()));
    raw(utf8.constData(), static_cast<std::size_t>(utf8.size()), 1);
}

QByteArray SnapshotWriter::finish() {
    u64(checksum(m_out.constData(), static_cast<std::size_t>(m_out.size())));
    return std::exchange(m_out, QByteArray());
}

Result<Ok> SnapshotReader::open() {
    const auto size = static_cast<std::size_t>(m_bytes.size());
    if (size < kHeaderSize + kChecksumSize)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the snapshot is truncated: %1 bytes, fewer than the "
                                          "%2 of an empty one")
                               .arg(size)
                               .arg(kHeaderSize + kChecksumSize));
    if (std::memcmp(m_bytes.data(), kSnapshotMagic, kSnapshotMagicSize) != 0)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("not a vocabulary snapshot (no RSVOCAB magic)"));
    const auto version = static_cast<std::uint8_t>(m_bytes[kSnapshotMagicSize]);
    if (version != kSnapshotVersion)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the snapshot has format version %1; this build reads "
                                          "version %2")
                               .arg(version)
                               .arg(kSnapshotVersion));
    m_end = size - kChecksumSize;
    std::uint64_t stored = 0;
    std::memcpy(&stored, m_bytes.data() + m_end, sizeof stored);
    swapWords(reinterpret_cast<char *>(&stored), sizeof stored, sizeof stored);
    if (stored != checksum(m_bytes.data(), m_end))
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the snapshot's checksum does not match: the file is "
                                          "truncated or corrupt"));
    m_pos = kHeaderSize;
    return Ok{};
}

bool SnapshotReader::fail(const QString &message) {
    if (m_error.isEmpty())
        m_error = message;
    return false;
}

Error SnapshotReader::error() const {
    return Error::make(Error::Code::InvalidData,
                       m_error.isEmpty() ? QStringLiteral("the snapshot is invalid") : m_error);
}

bool SnapshotReader::tooShort(const char *what, std::uint64_t count, std::size_t elementSize) {
    return fail(QStringLiteral("%1: %2 elements of %3 bytes do not fit in the %4 bytes left")
                    .arg(QLatin1String(what))
                    .arg(count)
                    .arg(elementSize)
                    .arg(remaining()));
}

bool SnapshotReader::raw(void *data, std::size_t bytes, std::size_t wordSize, const char *what) {
    if (!m_error.isEmpty())
        return false;
    if (bytes > remaining())
        return fail(QStringLiteral("%1: needs %2 bytes, only %3 left")
                        .arg(QLatin1String(what))
                        .arg(bytes)
                        .arg(remaining()));
    if (bytes > 0) // data may be null for an empty vector
        std::memcpy(data, m_bytes.data() + m_pos, bytes);
    swapWords(static_cast<char *>(data), bytes, wordSize);
    m_pos += bytes;
    return true;
}

bool SnapshotReader::u8(std::uint8_t &v, const char *what) {
    return raw(&v, sizeof v, 1, what);
}

bool SnapshotReader::u32(std::uint32_t &v, const char *what) {
    return raw(&v, sizeof v, sizeof v, what);
}

bool SnapshotReader::i32(std::int32_t &v, const char *what) {
    std::uint32_t u = 0;
    if (!u32(u, what))
        return false;
    v = static_cast<std::int32_t>(u);
    return true;
}

bool SnapshotReader::u64(std::uint64_t &v, const char *what) {
    return raw(&v, sizeof v, sizeof v, what);
}

bool SnapshotReader::string(QString &s, const char *what) {
    std::uint32_t length = 0;
    if (!u32(length, what))
        return false;
    if (length > remaining())
        return tooShort(what, length, 1);
    s = QString::fromUtf8(m_bytes.data() + m_pos, static_cast<qsizetype>(length));
    m_pos += length;
    return true;
}

} // namespace reposcope::tokenize::bpe
