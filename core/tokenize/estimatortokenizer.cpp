// SPDX-License-Identifier: MIT
#include "tokenize/estimatortokenizer.h"

#include <array>

namespace reposcope::tokenize {

namespace {

enum Class : unsigned char { Letter, Digit, Space, Newline, Punct, High };

constexpr std::array<unsigned char, 256> makeClasses() {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
            t[c] = Letter;
        else if (c >= '0' && c <= '9')
            t[c] = Digit;
        else if (c == ' ' || c == '\t')
            t[c] = Space;
        else if (c == '\n' || c == '\r')
            t[c] = Newline;
        else if (c >= 0x80)
            t[c] = High;
        else
            t[c] = Punct;
    }
    return t;
}

constexpr auto kClass = makeClasses();

// Typical BPE cost of a letter run of length n: common words are one token,
// long identifiers split every ~6 letters (camelCase and snake_case pieces).
inline qint64 letterCost(qint64 n) {
    return n <= 7 ? 1 : 1 + (n - 2) / 6;
}

} // namespace

QString EstimatorTokenizer::id() const {
    return QStringLiteral("estimate-v1");
}

QString EstimatorTokenizer::displayName() const {
    return QStringLiteral("Estimate (≈, no exact tokenizer)");
}

qint64 EstimatorTokenizer::count(std::string_view utf8) const {
    const auto *p = reinterpret_cast<const unsigned char *>(utf8.data());
    const auto *end = p + utf8.size();
    qint64 tokens = 0;
    while (p < end) {
        const unsigned char cls = kClass[*p];
        const auto *start = p;
        ++p;
        switch (cls) {
        case Letter:
            while (p < end && kClass[*p] == Letter)
                ++p;
            tokens += letterCost(p - start);
            break;
        case Digit:
            while (p < end && kClass[*p] == Digit)
                ++p;
            tokens += (p - start + 2) / 3;
            break;
        case Space:
            // Indentation and runs of spaces merge; a single space usually joins the
            // following word or operator (" {", " =", " x"), so it costs nothing of its own.
            while (p < end && kClass[*p] == Space)
                ++p;
            if (p - start > 1 || p == end || kClass[*p] == Newline)
                tokens += 1;
            break;
        case Newline:
            // A newline run and the indentation after it are usually one token.
            while (p < end && kClass[*p] == Newline)
                ++p;
            while (p < end && kClass[*p] == Space)
                ++p;
            tokens += 1;
            break;
        case Punct:
            // Runs like "();" or ":=" or "}}" are often a single token; charge one per
            // two characters, at least one.
            while (p < end && kClass[*p] == Punct)
                ++p;
            tokens += (p - start + 1) / 2;
            break;
        case High:
            // Non-ASCII text: roughly one token per character (2-3 bytes in UTF-8).
            while (p < end && kClass[*p] == High)
                ++p;
            tokens += ((p - start) + 2) / 3;
            break;
        }
    }
    return tokens;
}

} // namespace reposcope::tokenize
