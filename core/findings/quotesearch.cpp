// SPDX-License-Identifier: MIT
#include "findings/quotesearch.h"

#include <QRegularExpression>

#include <algorithm>

namespace reposcope::findings {

NormalisedText::NormalisedText(const QByteArray &utf8) {
    const QString source = QString::fromUtf8(utf8);
    m_text.reserve(source.size());
    m_lineStarts.push_back(0);
    bool pendingSpace = false;
    for (const QChar c : source) {
        if (c == QLatin1Char('\n')) {
            m_lineStarts.push_back(m_text.size());
            pendingSpace = !m_text.isEmpty();
            continue;
        }
        if (c.isSpace()) {
            pendingSpace = !m_text.isEmpty();
            continue;
        }
        // The space joining two runs is placed with the character after it, so it
        // never moves a match's first character to an earlier line.
        if (pendingSpace)
            m_text += QLatin1Char(' ');
        pendingSpace = false;
        m_text += c;
    }
    const qsizetype newlines = qsizetype(m_lineStarts.size()) - 1;
    const bool openLastLine = !source.isEmpty() && !source.endsWith(QLatin1Char('\n'));
    m_lineCount = int(newlines + (openLastLine ? 1 : 0));
}

int NormalisedText::lineAt(qsizetype pos) const {
    // Empty lines start where the next one does: upper_bound picks the last of
    // them.
    const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), pos);
    return int(it - m_lineStarts.begin());
}

namespace {

// Drops a surrounding pair of backticks or quotes, repeatedly ("`x`",
// "\"`x`\"").
QString unwrap(QString q) {
    static const struct {
        char16_t open;
        char16_t close;
    } kPairs[] = {{u'`', u'`'}, {u'"', u'"'}, {u'\'', u'\''}, {u'\u201C', u'\u201D'}};
    bool again = true;
    while (again && q.size() >= 2) {
        again = false;
        for (const auto &pair : kPairs) {
            if (q.front() == QChar(pair.open) && q.back() == QChar(pair.close)) {
                q = q.mid(1, q.size() - 2).trimmed();
                again = true;
                break;
            }
        }
    }
    return q;
}

// A fenced block ("```go\n...\n```") keeps only its body.
QString unfence(QString q) {
    if (!q.startsWith(QLatin1String("```")))
        return q;
    const qsizetype nl = q.indexOf(QLatin1Char('\n'));
    q = nl < 0 ? q.mid(3) : q.mid(nl + 1);
    if (q.endsWith(QLatin1String("```")))
        q.chop(3);
    return q.trimmed();
}

QuotePattern makePattern(const QString &code) {
    static const QRegularExpression kEllipsis(QStringLiteral("\\.\\.\\.+|\u2026"));
    QuotePattern pattern;
    pattern.multiLine = code.trimmed().contains(QLatin1Char('\n'));
    for (const QString &piece : code.split(kEllipsis)) {
        const QString normalised = piece.simplified();
        if (!normalised.isEmpty())
            pattern.pieces.append(normalised);
    }
    return pattern;
}

// The quote without a line-number prefix on each line, or empty when not every
// non-empty line has one.
QString withoutLineNumbers(const QString &code) {
    static const QRegularExpression kPrefix(QStringLiteral("^\\s*\\d+\\s*[:|]\\s?"));
    QStringList lines = code.split(QLatin1Char('\n'));
    bool any = false;
    for (QString &line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        const QRegularExpressionMatch match = kPrefix.match(line);
        if (!match.hasMatch())
            return QString();
        line.remove(0, match.capturedLength());
        any = true;
    }
    return any ? lines.join(QLatin1Char('\n')) : QString();
}

} // namespace

QList<QuotePattern> quotePatterns(const QString &quote) {
    const QString code = unwrap(unfence(quote.trimmed()));
    QList<QuotePattern> patterns;
    QuotePattern asGiven = makePattern(code);
    if (asGiven.pieces.isEmpty())
        return patterns;
    patterns.append(std::move(asGiven));
    const QString unnumbered = withoutLineNumbers(code);
    if (!unnumbered.isEmpty()) {
        QuotePattern stripped = makePattern(unnumbered);
        if (!stripped.pieces.isEmpty())
            patterns.append(std::move(stripped));
    }
    return patterns;
}

QList<LineSpan> findQuote(const NormalisedText &text, const QuotePattern &pattern, int limit) {
    QList<LineSpan> spans;
    if (pattern.pieces.isEmpty())
        return spans;
    const QString &haystack = text.text();
    const QString &first = pattern.pieces.front();
    qsizetype from = 0;
    while (spans.size() < limit) {
        const qsizetype start = haystack.indexOf(first, from);
        if (start < 0)
            break;
        qsizetype end = start + first.size();
        bool complete = true;
        for (qsizetype i = 1; i < pattern.pieces.size() && complete; ++i) {
            const qsizetype at = haystack.indexOf(pattern.pieces[i], end);
            complete = at >= 0;
            if (complete)
                end = at + pattern.pieces[i].size();
        }
        // A later start cannot find the remaining pieces either.
        if (!complete)
            break;
        const LineSpan span{text.lineAt(start), text.lineAt(end - 1)};
        if (spans.isEmpty() || spans.back().start != span.start)
            spans.append(span);
        from = start + 1;
    }
    return spans;
}

} // namespace reposcope::findings
