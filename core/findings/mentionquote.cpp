// SPDX-License-Identifier: MIT
#include "findings/mentionquote.h"

#include "findings/citationparser.h"

namespace reposcope::findings {

namespace {

qsizetype runLength(QStringView text, qsizetype at, QChar c) {
    qsizetype n = 0;
    while (at + n < text.size() && text[at + n] == c)
        ++n;
    return n;
}

// Where the code span opened by the backtick run at `at` (of `run` backticks) closes:
// the index of its closing run, or -1 before `end`.
qsizetype closingRun(QStringView text, qsizetype at, qsizetype run, qsizetype end) {
    for (qsizetype i = at + run; i < end;) {
        if (text[i] != u'`') {
            ++i;
            continue;
        }
        const qsizetype n = runLength(text, i, u'`');
        if (n == run)
            return i;
        i += n;
    }
    return -1;
}

// A span that names a place rather than code: a citation, or a bare path.
bool isLocation(QStringView span) {
    if (!findCitations(span).isEmpty())
        return true;
    for (QChar c : span) {
        if (c.isSpace() || c == u'(' || c == u'=' || c == u'"' || c == u'\'')
            return false;
    }
    return span.contains(u'/') || span.contains(u'\\');
}

bool endsSentence(QStringView text, qsizetype at, qsizetype end) {
    const QChar c = text[at];
    if (c != u'.' && c != u'!' && c != u'?')
        return false;
    return at + 1 >= end || text[at + 1].isSpace();
}

} // namespace

QString quoteAfterMention(QStringView text, qsizetype from, qsizetype until) {
    if (from < 0 || from > text.size())
        return QString();
    qsizetype lineEnd = text.indexOf(u'\n', from);
    if (lineEnd < 0)
        lineEnd = text.size();
    const qsizetype end = until >= from ? std::min(until, lineEnd) : lineEnd;
    const qsizetype lineStart = from == 0 ? 0 : text.lastIndexOf(u'\n', from - 1) + 1;

    // Inside a code span that holds the mention itself: start after it closes.
    qsizetype i = lineStart;
    qsizetype resume = from;
    while (i < from) {
        if (text[i] != u'`') {
            ++i;
            continue;
        }
        const qsizetype run = runLength(text, i, u'`');
        const qsizetype close = closingRun(text, i, run, lineEnd);
        if (close < 0)
            break; // an unclosed run is plain text
        if (close + run > from) {
            resume = std::max(from, close + run);
            break;
        }
        i = close + run;
    }

    qsizetype prose = 0;
    for (i = resume; i < end;) {
        if (text[i] == u'`') {
            const qsizetype run = runLength(text, i, u'`');
            const qsizetype close = closingRun(text, i, run, lineEnd);
            if (close < 0)
                return QString();
            const QStringView span = text.mid(i + run, close - i - run).trimmed();
            if (!span.isEmpty()) {
                if (isLocation(span))
                    return QString();
                return span.toString();
            }
            i = close + run;
            continue;
        }
        if (endsSentence(text, i, end) || ++prose > kQuoteReach)
            return QString();
        ++i;
    }
    return QString();
}

} // namespace reposcope::findings
