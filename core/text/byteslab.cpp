// SPDX-License-Identifier: MIT
#include "text/byteslab.h"

#include "common/hugepages.h"

#include <algorithm>
#include <cstdint>

namespace reposcope::text {

ByteSlab::ByteSlab(qsizetype blockSize)
    : m_blockSize(blockSize) {}

void ByteSlab::newBlock() {
    m_block = QByteArray(m_blockSize, Qt::Uninitialized);
    // The block is not shared yet: data() does not detach. Later writes go through m_base,
    // never through m_block (which is shared with the arrays handed out by then).
    m_base = m_block.data();
    m_used = 0;
    adviseHugePages(m_base, size_t(m_blockSize));
}

char *ByteSlab::reserve(qsizetype capacity) {
    if (capacity > m_blockSize)
        return nullptr;
    if (!m_base || m_blockSize - m_used < capacity)
        newBlock();
    m_reserved = capacity;
    return m_base + m_used;
}

QByteArray ByteSlab::commit(qsizetype n) {
    Q_ASSERT(n >= 0 && n <= m_reserved);
    QByteArray::DataPointer &block = m_block.data_ptr();
    block.ref(); // the array below holds a reference to the block
    QByteArray slice(QByteArray::DataPointer(block.d_ptr(), m_base + m_used, n));
    m_used += n;
    m_reserved = 0;
    return slice;
}

QByteArray hugePageArray(qsizetype capacity) {
    constexpr auto kHuge = qsizetype(kHugePageBytes);
    capacity = std::max<qsizetype>((capacity + kHuge - 1) / kHuge * kHuge, kHuge);
    auto [header, data] = QTypedArrayData<char>::allocate(capacity + kHuge);
    if (!header)
        qBadAlloc();
    const auto address = reinterpret_cast<std::uintptr_t>(data);
    char *begin = data + ((kHuge - address % kHuge) % kHuge);
    adviseHugePages(begin, size_t(capacity));
    *begin = '\0'; // an array's bytes are followed by a terminator
    return QByteArray(QByteArray::DataPointer(header, begin, 0));
}

qsizetype roomToGrow(const QByteArray &bytes) {
    // data_ptr() only hands out the pointer (there is no const overload); nothing detaches.
    return bytes.capacity() - const_cast<QByteArray &>(bytes).data_ptr().freeSpaceAtBegin();
}

} // namespace reposcope::text
