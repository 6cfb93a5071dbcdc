// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <vector>

namespace reposcope::fuzz {

// A deterministic mutator for the test-suite loop: the same seed gives the same inputs on
// every machine. Each mutate() applies one to four edits: bit flips, random or boundary
// bytes, byte inserts and deletes, a duplicated or removed range, a splice with another
// seed, a dictionary token, a boundary integer (0, 1, 2^31, 2^32 - 1, 2^63, 2^64 - 1, a
// nearby length...) written little- or big-endian over 2, 4 or 8 bytes, or truncation.
class Mutator {
public:
    Mutator(quint64 seed, std::vector<QByteArray> seeds, std::vector<QByteArray> dictionary);

    QByteArray next();
    quint64 random();
    quint64 below(quint64 n) { return n == 0 ? 0 : random() % n; }

private:
    void mutateOnce(QByteArray &bytes);
    void writeInteger(QByteArray &bytes, quint64 value);

    quint64 m_state;
    std::vector<QByteArray> m_seeds;
    std::vector<QByteArray> m_dictionary;
};

} // namespace reposcope::fuzz
