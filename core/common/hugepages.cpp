// SPDX-License-Identifier: MIT
#include "common/hugepages.h"

#include <cstdlib>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace reposcope {

namespace {

std::size_t roundUp(std::size_t bytes) {
    return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

} // namespace

void adviseHugePages(void *begin, std::size_t bytes) {
#ifdef __linux__
    const auto from =
        (reinterpret_cast<std::uintptr_t>(begin) + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    const auto to = (reinterpret_cast<std::uintptr_t>(begin) + bytes) & ~(kHugePageBytes - 1);
    if (to > from)
        madvise(reinterpret_cast<void *>(from), to - from, MADV_HUGEPAGE);
#else
    (void)begin;
    (void)bytes;
#endif
}

void *allocateHugePages(std::size_t bytes) {
    const std::size_t length = roundUp(bytes);
#ifdef __linux__
    // Map one huge page more than needed, then give back what lies outside the aligned part.
    const std::size_t mapped = length + kHugePageBytes;
    void *raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    if (aligned > start)
        munmap(raw, aligned - start);
    if (const std::uintptr_t tail = start + mapped - (aligned + length); tail > 0)
        munmap(reinterpret_cast<void *>(aligned + length), tail);
    madvise(reinterpret_cast<void *>(aligned), length, MADV_HUGEPAGE);
    return reinterpret_cast<void *>(aligned);
#else
    return std::aligned_alloc(kHugePageBytes, length);
#endif
}

void freeHugePages(void *p, std::size_t bytes) noexcept {
    if (!p)
        return;
#ifdef __linux__
    munmap(p, roundUp(bytes));
#else
    (void)bytes;
    std::free(p);
#endif
}

} // namespace reposcope
