// SPDX-License-Identifier: MIT
// HugePageAllocator: large arrays get whole, aligned huge pages of their own; small ones
// and growth across the threshold keep every element.
#include "common/hugepages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

using reposcope::HugePageVector;
using reposcope::kHugePageBytes;

namespace {

bool onHugePageBoundary(const void *p) {
    return reinterpret_cast<std::uintptr_t>(p) % kHugePageBytes == 0;
}

} // namespace

TEST(HugePageAllocator, LargeArraysStartOnAHugePageAndKeepTheirElementsAsTheyGrow) {
    HugePageVector<std::uint32_t> v;
    for (std::uint32_t i = 0; i < 3'000'000; ++i) // 12 MB: crosses the 1 MB threshold
        v.push_back(i * 7u);
    EXPECT_TRUE(onHugePageBoundary(v.data()));
    for (std::uint32_t i = 0; i < v.size(); ++i)
        ASSERT_EQ(v[i], i * 7u) << "at " << i;
    v.resize(10); // stays in its pages; shrink_to_fit moves to operator new
    v.shrink_to_fit();
    EXPECT_EQ(v.size(), 10u);
    EXPECT_EQ(v[9], 63u);
}

TEST(HugePageAllocator, SmallArraysComeFromOperatorNew) {
    HugePageVector<char> v(1000, 'x');
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0), 1000 * 'x');
}

TEST(HugePageAllocator, ResizedLargeArraysHoldWhatIsWritten) {
    HugePageVector<std::uint64_t> v;
    v.resize((std::size_t(5) << 20) / sizeof(std::uint64_t));
    EXPECT_TRUE(onHugePageBoundary(v.data()));
    std::iota(v.begin(), v.end(), std::uint64_t(1));
    EXPECT_EQ(v.front(), 1u);
    EXPECT_EQ(v.back(), v.size());
    v.assign(v.size(), 3); // assign writes what it is given
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), std::uint64_t(0)), 3 * v.size());
}

TEST(HugePageAllocator, CopiesAreIndependent) {
    HugePageVector<int> a(600'000, 1);
    HugePageVector<int> b = a;
    b[0] = 2;
    EXPECT_EQ(a[0], 1);
    EXPECT_EQ(b[0], 2);
    EXPECT_NE(a.data(), b.data());
}
