// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace reposcope::findings {

// A file's text with every whitespace run (newlines included) collapsed to one
// space and the ends trimmed, remembering where each line starts, so a quote
// that was re-indented or re-wrapped is still found and its lines known.
// Immutable once built.
class NormalisedText {
public:
    explicit NormalisedText(const QByteArray &utf8);

    const QString &text() const { return m_text; }
    // Lines of the original text ("a\nb" and "a\nb\n" have 2; "" has 0).
    int lineCount() const { return m_lineCount; }
    // 1-based line of the original text holding the character at `pos` of text().
    int lineAt(qsizetype pos) const;

private:
    QString m_text;
    std::vector<qsizetype> m_lineStarts; // [i]: offset in m_text where line i + 1 begins
    int m_lineCount = 0;
};

// A quote as a model gave it, made ready to search: surrounding backticks,
// quotes and code fences dropped, split at each ellipsis ("..." or "…") into
// whitespace-normalised pieces that must appear in this order.
struct QuotePattern {
    QStringList pieces;     // empty: there is nothing to compare
    bool multiLine = false; // the quote spans several lines as given
};

// The patterns to try for `quote`, best first: the quote as given, then, when
// every line starts with a line-number prefix ("12: ", "12 | "; models copy the
// numbered pack), the quote without them. Empty when the quote holds no code.
QList<QuotePattern> quotePatterns(const QString &quote);

// Lines (1-based, inclusive) where a quote was found.
struct LineSpan {
    int start = 0;
    int end = 0;
};

// Every place the pattern occurs in `text`, by ascending start (at most
// `limit`).
QList<LineSpan> findQuote(const NormalisedText &text, const QuotePattern &pattern,
                          int limit = 10000);

} // namespace reposcope::findings
