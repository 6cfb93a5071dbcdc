// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <optional>

namespace reposcope::text {

// Untrusted text made inert: file names from a repository, and bytes quoted from model,
// tokenizer or other files, are shown with every character that could change the structure
// of what surrounds them (a pack, a table row, a terminal line) written as a visible escape:
//   \\ for the backslash itself (so the mapping is reversible),
//   \n \r \t, and \xHH for other C0 controls and DEL (\x1b, \x7f),
//   \xHH for each byte that is not part of valid UTF-8 (\xff), so two names that differ
//        only in invalid bytes stay two names,
//   \uHHHH / \UHHHHHHHH for code points that are invisible or reorder or break lines:
//        C1 controls, U+00AD, U+061C, U+200B, U+200E/F, U+2028/9, U+202A-E, U+2060-4,
//        U+2066-9, U+FEFF, U+FFF9-B, the non-characters U+FFFE/F (illegal in XML) and the
//        tag characters U+E0000-E007F (\u202e, \U000e0041).
// Everything else (spaces, quotes, any printable Unicode) is kept as it is, so ordinary
// names look the same. Pure functions; thread-safe.

// A name (or path) from raw bytes, UTF-8 by convention. Cheap when nothing needs escaping.
QString visibleName(QByteArrayView raw);
// The same escapes for text already decoded (a lone surrogate becomes \udxxx).
QString visibleName(QStringView name);
// visibleName(raw).toUtf8(); returns `raw` itself (shared) when nothing needs escaping.
QByteArray visibleNameUtf8(const QByteArray &raw);
// True when visibleName(raw) differs from the raw bytes read as UTF-8.
bool needsEscape(QByteArrayView raw);
// The inverse of visibleName(QByteArrayView): the raw bytes behind a visible name; nullopt
// when `visible` holds a backslash that starts no escape visibleName writes.
std::optional<QByteArray> rawName(QStringView visible);

// Characters a quote keeps by default: enough to recognise a key or a value, short enough
// for one line of a message.
inline constexpr qsizetype kQuoteChars = 64;

// Bytes from a file, quoted in a message: escaped as visibleName does, cut after about
// maxChars characters (never inside an escape), and when cut, followed by "…" and the full
// length, e.g. "tokenizer.gg\x1b\x07…(16384 bytes)". Never longer than maxChars + 32.
QString visibleQuote(QByteArrayView bytes, qsizetype maxChars = kQuoteChars);
QString visibleQuote(QStringView text, qsizetype maxChars = kQuoteChars);

} // namespace reposcope::text
