// SPDX-License-Identifier: MIT
#include "findings/mentionquote.h"

#include "findings/citationparser.h"
#include "findings/proseitems.h"

namespace reposcope::findings {

namespace {

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

// Whether the prose in [from, to) keeps to one sentence and within kQuoteReach characters.
bool withinReach(QStringView text, qsizetype from, qsizetype to, qsizetype end) {
    if (to - from > kQuoteReach)
        return false;
    for (qsizetype i = from; i < to; ++i) {
        if (endsSentence(text, i, end))
            return false;
    }
    return true;
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

    qsizetype prose = from; // where the prose before the quote starts
    for (const detail::CodeSpan &span :
         detail::codeSpans(text.mid(lineStart, lineEnd - lineStart))) {
        const qsizetype begin = lineStart + span.pos;
        const qsizetype close = begin + span.length;
        if (close <= from)
            continue; // before the mention
        if (begin < from) {
            prose = close; // the span holding the mention itself: start after it
            continue;
        }
        if (begin >= end || !withinReach(text, prose, begin, end))
            return QString();
        const QString content = span.content.trimmed();
        return isLocation(content) ? QString() : content;
    }
    return QString();
}

} // namespace reposcope::findings
