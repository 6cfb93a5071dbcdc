// SPDX-License-Identifier: MIT
#include "mutator.h"

#include <limits>

namespace reposcope::fuzz {

namespace {
constexpr qsizetype kMaxInput = 1 << 20;
} // namespace

Mutator::Mutator(quint64 seed, std::vector<QByteArray> seeds, std::vector<QByteArray> dictionary)
    : m_state(seed ^ 0x6A09E667F3BCC909ull)
    , m_seeds(std::move(seeds))
    , m_dictionary(std::move(dictionary)) {
    if (m_seeds.empty())
        m_seeds.push_back(QByteArray());
}

quint64 Mutator::random() {
    // splitmix64
    quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

QByteArray Mutator::next() {
    QByteArray bytes = m_seeds[size_t(below(m_seeds.size()))];
    const int edits = 1 + int(below(4));
    for (int i = 0; i < edits; ++i)
        mutateOnce(bytes);
    if (bytes.size() > kMaxInput)
        bytes.truncate(kMaxInput);
    return bytes;
}

void Mutator::writeInteger(QByteArray &bytes, quint64 value) {
    static constexpr int widths[] = {2, 4, 8};
    const int width = widths[below(3)];
    if (bytes.size() < width)
        return;
    const qsizetype at = qsizetype(below(quint64(bytes.size() - width + 1)));
    const bool big = below(2) == 0;
    for (int i = 0; i < width; ++i) {
        const int shift = 8 * (big ? width - 1 - i : i);
        bytes[at + i] = char((value >> shift) & 0xFF);
    }
}

void Mutator::mutateOnce(QByteArray &bytes) {
    const qsizetype size = bytes.size();
    switch (below(12)) {
    case 0: // flip one bit
        if (size > 0) {
            const qsizetype at = qsizetype(below(quint64(size)));
            bytes[at] = char(bytes[at] ^ (1 << below(8)));
        }
        return;
    case 1: // one random byte
        if (size > 0)
            bytes[qsizetype(below(quint64(size)))] = char(random());
        return;
    case 2: { // one boundary byte
        static constexpr char values[] = {'\0', '\x01', '\x7F', '\x80', '\xFF', '\n', '\r', ' '};
        if (size > 0)
            bytes[qsizetype(below(quint64(size)))] = values[below(sizeof values)];
        return;
    }
    case 3: { // insert random bytes
        QByteArray insert;
        const int n = 1 + int(below(8));
        for (int i = 0; i < n; ++i)
            insert.append(char(random()));
        bytes.insert(qsizetype(below(quint64(size) + 1)), insert);
        return;
    }
    case 4: // delete a range
        if (size > 0) {
            const qsizetype at = qsizetype(below(quint64(size)));
            bytes.remove(at, 1 + qsizetype(below(quint64(std::min<qsizetype>(size - at, 64)))));
        }
        return;
    case 5: // duplicate a range
        if (size > 0) {
            const qsizetype at = qsizetype(below(quint64(size)));
            const qsizetype n = 1 + qsizetype(below(quint64(std::min<qsizetype>(size - at, 256))));
            bytes.insert(qsizetype(below(quint64(size) + 1)), bytes.mid(at, n));
        }
        return;
    case 6: { // splice: our head, another seed's tail
        const QByteArray &other = m_seeds[size_t(below(m_seeds.size()))];
        const qsizetype keep = qsizetype(below(quint64(size) + 1));
        const qsizetype from = qsizetype(below(quint64(other.size()) + 1));
        QByteArray spliced = bytes.left(keep);
        spliced.append(other.mid(from));
        bytes = std::move(spliced);
        return;
    }
    case 7:
    case 8: // a dictionary token, inserted or written over
        if (!m_dictionary.empty()) {
            const QByteArray &token = m_dictionary[size_t(below(m_dictionary.size()))];
            const qsizetype at = qsizetype(below(quint64(size) + 1));
            if (below(2) == 0 || at + token.size() > size)
                bytes.insert(at, token);
            else
                bytes.replace(at, token.size(), token);
        }
        return;
    case 9:
    case 10: { // a boundary integer, e.g. in a length or count field
        const quint64 values[] = {0,
                                  1,
                                  2,
                                  0x7F,
                                  0xFF,
                                  0x7FFF,
                                  0xFFFF,
                                  0x7FFFFFFF,
                                  0x80000000,
                                  0xFFFFFFFF,
                                  0x100000000ull,
                                  quint64(std::numeric_limits<qint64>::max()),
                                  0x8000000000000000ull,
                                  std::numeric_limits<quint64>::max(),
                                  quint64(size),
                                  quint64(size) + 1,
                                  quint64(size) - 1,
                                  random()};
        writeInteger(bytes, values[below(sizeof values / sizeof values[0])]);
        return;
    }
    default: // truncate
        if (size > 0)
            bytes.truncate(qsizetype(below(quint64(size))));
        return;
    }
}

} // namespace reposcope::fuzz
