// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace reposcope::text {

// Carves many byte arrays out of a few large blocks, for keeping thousands of file texts in
// memory at once (the CLI's pack is written from what counting read). Each block is backed
// by transparent huge pages where the kernel offers them: filling 80 MB of fresh 4 KiB pages
// costs ~20,000 page faults, which on a virtual machine is more than reading the files.
//
// Every array handed out is an ordinary QByteArray sharing its block's reference count:
// the block is freed when the slab and the last of its arrays are gone. Writing into such
// an array detaches it (a copy), as for any shared QByteArray. One slab per thread.
class ByteSlab {
public:
    explicit ByteSlab(qsizetype blockSize = qsizetype(32) << 20);

    // Where to write up to `capacity` bytes (a new block when the current one has less room);
    // nullptr when capacity is larger than a block: use an array of its own.
    char *reserve(qsizetype capacity);
    // The first n bytes written at the last reserve(), as an array; n <= that capacity.
    QByteArray commit(qsizetype n);

    qsizetype blockSize() const { return m_blockSize; }

private:
    void newBlock();

    qsizetype m_blockSize;
    QByteArray m_block; // the current block; its used part is [0, m_used)
    char *m_base = nullptr;
    qsizetype m_used = 0;
    qsizetype m_reserved = 0;
};

// An empty array that grows to `capacity` bytes (rounded up to whole 2 MiB pages) without
// reallocating, whose bytes start on a 2 MiB boundary advised for transparent huge pages:
// filling it costs one page fault per 2 MiB instead of 512. For large buffers that are filled again
// and again (the pack writer's chunks). Needs up to 2 MiB more address space than it uses; nothing
// is touched before it is written. Growing past `capacity` reallocates as for any array.
QByteArray hugePageArray(qsizetype capacity);

// How many bytes `bytes` holds without reallocating: its capacity less any room before its
// first byte (which appending cannot use).
qsizetype roomToGrow(const QByteArray &bytes);

} // namespace reposcope::text
