// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace reposcope::llm {

// Text that may quote an API key back (a server's error body, a network error string, an
// engine's stderr) with every form of `key` in it replaced by maskKey(key): the key
// verbatim, percent-encoded, inside base64 text at any alignment (standard and URL
// alphabets; the whole base64 run is masked) and a leading part of at least 12 characters
// cut off by a length limit. Keys shorter than
// 6 characters are left alone (too short to tell from ordinary words). Cheap when the key
// is absent: one substring search per form.
QString scrubKey(QString text, const QString &key);
QByteArray scrubKey(QByteArray bytes, const QString &key);

} // namespace reposcope::llm
