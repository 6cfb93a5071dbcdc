// SPDX-License-Identifier: MIT
#include "tokenize/bpe/bytelevel.h"

#include <array>

namespace reposcope::tokenize {

namespace {

// Character code -> byte; -1 outside the alphabet. Printable bytes stand for themselves,
// the others are mapped in order to U+0100 and up.
const std::array<int, 324> &byteLevelDecoder() {
    static const std::array<int, 324> table = [] {
        std::array<int, 324> t;
        t.fill(-1);
        int next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            t[size_t(printable ? b : next++)] = b;
        }
        return t;
    }();
    return table;
}

} // namespace

bool decodeByteLevel(const QString &token, QByteArray &out) {
    const auto &table = byteLevelDecoder();
    out.clear();
    out.reserve(token.size());
    for (QChar ch : token) {
        const ushort u = ch.unicode();
        if (u >= table.size() || table[u] < 0)
            return false;
        out.append(char(table[u]));
    }
    return true;
}

} // namespace reposcope::tokenize
