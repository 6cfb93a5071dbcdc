// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace reposcope::tokenize::bpe {

// A hand-written matcher for the split patterns of the tiktoken family (o200k_base;
// cl100k_base, which Llama 3 shares; Qwen's variant with single digits). It finds the same
// match as PCRE2 would at a position, as long as the answer depends only on ASCII
// characters; when it would have to classify a non-ASCII character it says so, and the
// caller asks PCRE2 for that one match. Source code is mostly ASCII, so nearly every
// piece is found here, several times faster than the regular expression.
//
// The character classes (\s, \p{L}, \p{N}, ...) of the 128 ASCII characters are not
// written down here: they are measured once with PCRE2 itself, compiled with the same
// options as the patterns, so the two can never disagree on them.
class AsciiSplitter {
public:
    // A splitter for exactly this pattern, or nullopt if it has no fast path.
    static std::optional<AsciiSplitter> forPattern(const QString &pattern);

    // End of the match that starts at pos (pos < n; s[0, n) is valid UTF-8 and the whole
    // subject), or 0 when deciding it needs a character outside ASCII.
    std::size_t match(const unsigned char *s, std::size_t n, std::size_t pos) const;

private:
    enum class Family : std::uint8_t { O200k, Cl100k };
    // Bits of m_class: the ASCII character's classes in the patterns' terms.
    enum : std::uint8_t {
        kSpace = 1,     // \s
        kUpper = 2,     // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
        kLower = 4,     // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
        kDigit = 8,     // \p{N}
        kPrefix = 16,   // [^\r\n\p{L}\p{N}]
        kPunct = 32,    // [^\s\p{L}\p{N}]
        kNewline = 64,  // [\r\n]
        kNonAscii = 128 // any byte >= 0x80: ask PCRE2
    };

    std::size_t matchO200k(const unsigned char *s, std::size_t n, std::size_t pos) const;
    std::size_t matchCl100k(const unsigned char *s, std::size_t n, std::size_t pos) const;
    // Shared tails: the digits alternative, then ` ?[^\s\p{L}\p{N}]+[\r\n/]*` (or without
    // '/'), then the three whitespace alternatives.
    std::size_t matchDigitsOrRest(const unsigned char *s, std::size_t n, std::size_t pos,
                                  bool slashTail) const;
    std::size_t matchPunctOrSpace(const unsigned char *s, std::size_t n, std::size_t pos,
                                  bool slashTail) const;
    // Length of (?i:'s|'t|'re|'ve|'m|'ll|'d) at pos: 0 for none, SIZE_MAX to ask PCRE2.
    static std::size_t contraction(const unsigned char *s, std::size_t n, std::size_t pos);

    std::array<std::uint8_t, 256> m_class{};
    Family m_family = Family::O200k;
    std::size_t m_maxDigits = 3;
};

} // namespace reposcope::tokenize::bpe
