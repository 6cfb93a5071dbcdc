// SPDX-License-Identifier: MIT
#pragma once

// Generated test content shared by the counting tests of the core and CLI suites.

#include <QByteArray>
#include <QString>

namespace reposcope::test {

// Minified-looking text of at least `bytes` bytes: words (ASCII, two- to four-byte UTF-8),
// operators and single spaces, no newline at all. The same `seed` gives the same text.
QByteArray minifiedLine(qsizetype bytes, quint32 seed);

// Writes `bytes` to `path` (created or truncated); fails the current test when it cannot.
void writeBytes(const QString &path, const QByteArray &bytes);

} // namespace reposcope::test
