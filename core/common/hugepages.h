// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>
#include <vector>

namespace reposcope {

// Transparent huge pages. On a virtual machine the first touch of a fresh 4 KiB page (a
// page fault) costs tens of microseconds, more than copying the page; a 2 MiB huge page
// costs one fault for 512 of them. These helpers are advice only: without THP nothing
// changes but the alignment.

inline constexpr std::size_t kHugePageBytes = std::size_t(2) << 20;

// Asks the kernel to back the whole 2 MiB pages inside [begin, begin + bytes) with
// transparent huge pages when they are first touched. Call it on fresh memory before
// writing to it.
void adviseHugePages(void *begin, std::size_t bytes);

// Whole 2 MiB pages, 2 MiB aligned and advised, for at least `bytes` bytes (nothing is
// touched); nullptr when the address space is exhausted. Free with freeHugePages(p, bytes)
// with the same `bytes`.
void *allocateHugePages(std::size_t bytes);
void freeHugePages(void *p, std::size_t bytes) noexcept;

// A std::allocator for large arrays that are filled once and read often (a vocabulary's
// tables): an array of a megabyte or more gets whole huge pages of its own, smaller ones
// come from operator new. Elements are default-initialised, not value-initialised: resize()
// on plain data writes nothing and leaves the values unspecified, so fill what you resize
// (assign() and push_back() write what they are given).
template <typename T> struct HugePageAllocator {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                  "operator new below the threshold would not honour the alignment");
    using value_type = T;
    static constexpr std::size_t kThreshold = std::size_t(1) << 20;

    HugePageAllocator() noexcept = default;
    template <typename U> HugePageAllocator(const HugePageAllocator<U> &) noexcept {}

    T *allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T))
            throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kThreshold)
            return static_cast<T *>(::operator new(bytes));
        void *p = allocateHugePages(bytes);
        if (!p)
            throw std::bad_alloc();
        return static_cast<T *>(p);
    }
    void deallocate(T *p, std::size_t n) noexcept {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kThreshold)
            ::operator delete(p);
        else
            freeHugePages(p, bytes);
    }
    template <typename U> void construct(U *p) noexcept { ::new (static_cast<void *>(p)) U; }
    template <typename U, typename... Args> void construct(U *p, Args &&...args) {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U> friend bool operator==(HugePageAllocator, HugePageAllocator<U>) {
        return true;
    }
};

template <typename T> using HugePageVector = std::vector<T, HugePageAllocator<T>>;

} // namespace reposcope
