// SPDX-License-Identifier: MIT
#include "generatedtext.h"

#include <QFile>
#include <QRandomGenerator>

#include <gtest/gtest.h>

#include <iterator>

namespace reposcope::test {

QByteArray minifiedLine(qsizetype bytes, quint32 seed) {
    static const char *const words[] = {"function", "return", "a",  "b0",     "if", "for",  "this",
                                        "null",     "0x1f",   "42", "Object", "é",  "日本", "😀"};
    static const char *const seps[] = {" ", ";", "(", ")", "{", "}", ",", " ", "=", ".", ""};
    QRandomGenerator r(seed);
    QByteArray out;
    out.reserve(bytes + 16);
    while (out.size() < bytes) {
        out += words[r.bounded(int(std::size(words)))];
        out += seps[r.bounded(int(std::size(seps)))];
    }
    return out;
}

void writeBytes(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly))
        << path.toStdString() << ": " << f.errorString().toStdString();
    ASSERT_EQ(f.write(bytes), bytes.size()) << path.toStdString();
}

} // namespace reposcope::test
