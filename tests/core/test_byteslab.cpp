// SPDX-License-Identifier: MIT
// ByteSlab: arrays carved from shared blocks keep their bytes, outlive the slab, and
// detach instead of writing into a neighbour.
#include "text/byteslab.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

using reposcope::text::ByteSlab;

namespace {

QByteArray put(ByteSlab &slab, const QByteArray &bytes, qsizetype room) {
    char *at = slab.reserve(room);
    EXPECT_NE(at, nullptr);
    if (!at)
        return {};
    std::memcpy(at, bytes.constData(), size_t(bytes.size()));
    return slab.commit(bytes.size());
}

} // namespace

TEST(ByteSlab, ArraysKeepTheirBytesAcrossBlocksAndOutliveTheSlab) {
    std::vector<QByteArray> arrays;
    std::vector<QByteArray> expected;
    {
        ByteSlab slab(4096); // small blocks: many of them
        for (int i = 0; i < 500; ++i) {
            const QByteArray bytes = QByteArray::number(i).repeated(1 + i % 37);
            expected.push_back(bytes);
            arrays.push_back(put(slab, bytes, bytes.size() + 100)); // room to spare
        }
        EXPECT_EQ(slab.reserve(4097), nullptr); // larger than a block
    }
    for (size_t i = 0; i < arrays.size(); ++i)
        ASSERT_EQ(arrays[i], expected[i]) << i;
}

TEST(ByteSlab, WritingIntoAnArrayNeverTouchesItsNeighbours) {
    ByteSlab slab(4096);
    QByteArray a = put(slab, "alpha", 5);
    const QByteArray b = put(slab, "beta", 4);
    a += "!!!"; // would land on "beta" if it were written in place
    a[0] = 'A';
    EXPECT_EQ(a, QByteArray("Alpha!!!"));
    EXPECT_EQ(b, QByteArray("beta"));
    QByteArray c = put(slab, "gamma", 5);
    c.prepend("<<"); // nor before it
    EXPECT_EQ(b, QByteArray("beta"));
    EXPECT_EQ(c, QByteArray("<<gamma"));
}

TEST(ByteSlab, AnEmptyCommitIsAnEmptyArray) {
    ByteSlab slab(1024);
    ASSERT_NE(slab.reserve(10), nullptr);
    const QByteArray empty = slab.commit(0);
    EXPECT_TRUE(empty.isEmpty());
    EXPECT_EQ(put(slab, "x", 1), QByteArray("x"));
}

TEST(HugePageArray, StartsOnA2MiBBoundaryAndFillsWithoutMoving) {
    using reposcope::text::hugePageArray;
    using reposcope::text::roomToGrow;
    constexpr qsizetype kCapacity = qsizetype(3) << 20;
    QByteArray bytes = hugePageArray(kCapacity);
    EXPECT_TRUE(bytes.isEmpty());
    EXPECT_EQ(*bytes.constData(), '\0');
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(bytes.constData()) % (std::uintptr_t(2) << 20), 0u);
    EXPECT_GE(roomToGrow(bytes), kCapacity);
    const char *const start = bytes.constData();
    const QByteArray line(1000, 'x');
    while (bytes.size() + line.size() <= kCapacity)
        bytes += line;
    EXPECT_EQ(bytes.constData(), start); // no reallocation up to the capacity
    bytes.resize(0);
    EXPECT_EQ(bytes.constData(), start); // emptied, it keeps its room
    EXPECT_GE(roomToGrow(bytes), kCapacity);
}

TEST(HugePageArray, GrowsPastItsCapacityLikeAnyArray) {
    QByteArray bytes = reposcope::text::hugePageArray(16);
    QByteArray expected;
    for (int i = 0; i < 100000; ++i) {
        const QByteArray piece = QByteArray::number(i) + ',';
        bytes += piece;
        expected += piece;
    }
    EXPECT_EQ(bytes, expected);
    QByteArray copy = bytes; // shared, then written: detaches
    copy[0] = '#';
    EXPECT_EQ(bytes, expected);
}
