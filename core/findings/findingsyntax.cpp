// SPDX-License-Identifier: MIT
// Finding lines: "- [HIGH] Title — path:line — \"quote\" — explanation" and its variants.
#include "findings/citationparser.h"
#include "findings/extractinternal.h"
#include "findings/proseitems.h"

namespace reposcope::findings::detail {

namespace {

qsizetype skipSpaces(QStringView t, qsizetype pos) {
    while (pos < t.size() && t[pos].isSpace())
        ++pos;
    return pos;
}

bool isAsciiDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

bool isEmphasisChar(QChar c) {
    return c == u'*' || c == u'_';
}

// Emoji and symbols models put before a severity ("🔴 HIGH").
bool isDecoration(QChar c) {
    return c.isSpace() || c.isSurrogate() || c.category() == QChar::Symbol_Other ||
           c == QChar(0xFE0F) || c == QChar(0x200D);
}

bool isSeparatorChar(QChar c) {
    return c == u':' || c == u'\u2014' || c == u'\u2013' || c == u'-' || c == u'|';
}

bool isAllCaps(QStringView word) {
    for (QChar c : word) {
        if (!c.isUpper())
            return false;
    }
    return true;
}

// Synonyms that are ordinary words in prose ("**Note:** ..."): a severity only in brackets.
bool isAmbiguousSeverity(QStringView word) {
    static const char *const kWords[] = {"note", "warning", "error", "none", "information"};
    for (const char *ambiguous : kWords) {
        if (word.compare(QLatin1String(ambiguous), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

struct SeverityPrefix {
    Severity severity = Severity::Medium;
    qsizetype end = 0; // where the title starts
};

// "[HIGH]", "**[HIGH]**", "**HIGH**", "**HIGH:** ", "**HIGH: title**", "(High)", "HIGH —",
// "🔴 **HIGH**". A bare word must be in capitals (any case in a heading) and followed by a
// separator, so prose such as "High-level overview" or "Critical path:" is not a finding.
std::optional<SeverityPrefix> parseSeverityPrefix(QStringView line, qsizetype pos, bool heading) {
    const qsizetype n = line.size();
    qsizetype p = pos;
    while (p < n && isDecoration(line[p]))
        ++p;
    int stars = 0;
    QChar closeBracket;
    for (; p < n; ++p) {
        const QChar c = line[p];
        if (isEmphasisChar(c))
            ++stars;
        else if ((c == u'[' || c == u'(') && closeBracket.isNull())
            closeBracket = c == u'[' ? u']' : u')';
        else
            break;
    }
    const qsizetype wordStart = p;
    while (p < n && line[p].isLetter())
        ++p;
    if (p == wordStart || (p < n && line[p].isDigit()))
        return std::nullopt;
    const QStringView word = line.sliced(wordStart, p - wordStart);
    const std::optional<Severity> severity = parseSeverity(word);
    if (!severity)
        return std::nullopt;
    const bool ambiguous = isAmbiguousSeverity(word);
    qsizetype q = p;
    const bool colon = q < n && line[q] == u':';
    if (colon)
        ++q;
    int closeStars = 0;
    bool closed = false;
    for (; q < n; ++q) {
        const QChar c = line[q];
        if (isEmphasisChar(c))
            ++closeStars;
        else if (!closeBracket.isNull() && !closed && c == closeBracket)
            closed = true;
        else
            break;
    }
    if (!closeBracket.isNull()) {
        if (!closed)
            return std::nullopt;
    } else if (stars > 0) {
        if (ambiguous || (closeStars == 0 && !colon))
            return std::nullopt;
    } else {
        if (ambiguous || (!heading && !isAllCaps(word)))
            return std::nullopt;
        const qsizetype s = skipSpaces(line, q);
        const bool separated =
            s < n && (line[s] == u'\u2014' || (s > q && isSeparatorChar(line[s])));
        if (!colon && !separated)
            return std::nullopt;
    }
    q = skipSpaces(line, q);
    if (q < n && isSeparatorChar(line[q]) && (q + 1 >= n || line[q + 1].isSpace()))
        q = skipSpaces(line, q + 1);
    return SeverityPrefix{*severity, q};
}

struct Span {
    qsizetype start = 0;
    qsizetype end = 0;
};

// Length of the separator at pos (" — ", "—", " – ", " - ", " | "); 0 when there is none.
qsizetype separatorLength(QStringView t, qsizetype pos) {
    const qsizetype n = t.size();
    qsizetype p = pos;
    while (p < n && t[p] == u' ')
        ++p;
    if (p >= n)
        return 0;
    const QChar c = t[p];
    if (c == u'\u2014')
        ++p;
    else if (p > pos && (c == u'\u2013' || c == u'-' || c == u'|') && p + 1 < n && t[p + 1] == u' ')
        ++p;
    else
        return 0;
    while (p < n && t[p] == u' ')
        ++p;
    return p - pos;
}

// End of a quoted part that opens at pos: the first closer followed by a separator or the
// end, so quotes inside the code ("db.Query("x")") do not end it early; -1 when it is not
// quoted as a whole.
qsizetype quotedPartEnd(QStringView t, qsizetype pos) {
    const QChar close = quoteCloser(t[pos]);
    for (qsizetype k = pos + 1; k < t.size(); ++k) {
        if (t[k] == u'\\' && close == u'"') {
            ++k;
            continue;
        }
        if (t[k] != close)
            continue;
        const qsizetype after = k + 1;
        if (separatorLength(t, after) > 0 || isBlank(t.sliced(after)))
            return after;
        if (close == u'`')
            return -1; // code spans do not nest: "`a.go` line 3 | `x`" is not one quote
    }
    return -1;
}

Span trimmed(QStringView t, Span span) {
    while (span.start < span.end && t[span.start].isSpace())
        ++span.start;
    while (span.end > span.start && t[span.end - 1].isSpace())
        --span.end;
    return span;
}

QList<Span> splitParts(QStringView t) {
    QList<Span> parts;
    const qsizetype n = t.size();
    qsizetype partStart = skipSpaces(t, 0);
    bool moreBackticks = true;
    qsizetype i = partStart;
    auto close = [&](qsizetype end) {
        const Span span = trimmed(t, Span{partStart, end});
        if (span.end > span.start)
            parts.append(span);
    };
    while (i < n) {
        if (i == partStart && !quoteCloser(t[i]).isNull()) {
            const qsizetype end = quotedPartEnd(t, i);
            if (end > 0) {
                i = end;
                continue;
            }
        }
        if (t[i] == u'`' && moreBackticks) {
            const qsizetype closing = t.indexOf(u'`', i + 1);
            moreBackticks = closing > 0;
            if (moreBackticks) {
                i = closing + 1;
                continue;
            }
        }
        if (t[i] == u' ' || t[i] == u'\u2014') {
            const qsizetype length = separatorLength(t, i);
            if (length > 0) {
                close(i);
                i += length;
                partStart = i;
                continue;
            }
        }
        ++i;
    }
    close(n);
    return parts;
}

bool isQuotePart(QStringView part) {
    const QChar close = part.isEmpty() ? QChar() : quoteCloser(part.front());
    return part.size() >= 2 && !close.isNull() && part.back() == close;
}

bool isWrapper(QChar c) {
    return c == u'`' || c == u'*' || c == u'(' || c == u')' || c == u'[' || c == u']' ||
           c == u'"' || c == u'\'' || c == u'.' || c == u',' || c == u':' || c.isSpace();
}

bool onlyWrappers(QStringView t) {
    for (QChar c : t) {
        if (!isWrapper(c))
            return false;
    }
    return true;
}

// A part that is a location and nothing else: "api/user.go:42", "`api/user.go` line 42",
// "(api/user.go:42-50)", "at api/user.go:42", "api/user.go".
std::optional<Citation> locationPart(QStringView part) {
    QStringView t = part.trimmed();
    static const char *const kLeads[] = {"location:", "file:", "at ", "in ", "see "};
    for (const char *lead : kLeads) {
        if (t.startsWith(QLatin1String(lead), Qt::CaseInsensitive))
            t = t.sliced(qstrlen(lead)).trimmed();
    }
    const QList<CitationMatch> matches = findCitations(t);
    if (matches.size() == 1) {
        const CitationMatch &m = matches.first();
        if (onlyWrappers(t.first(m.offset)) && onlyWrappers(t.sliced(m.offset + m.length)))
            return m.citation;
        return std::nullopt;
    }
    if (!matches.isEmpty())
        return std::nullopt;
    while (!t.isEmpty() && isWrapper(t.front()))
        t = t.sliced(1);
    while (!t.isEmpty() && isWrapper(t.back()))
        t.chop(1);
    if (t.isEmpty() || t.contains(u' '))
        return std::nullopt;
    return parseCitation(t);
}

QString sliceText(QStringView t, const QList<Span> &parts, const QList<int> &which) {
    if (which.isEmpty())
        return QString();
    bool contiguous = true;
    for (qsizetype k = 1; k < which.size(); ++k)
        contiguous = contiguous && which[k] == which[k - 1] + 1;
    if (contiguous) {
        const qsizetype start = parts[which.first()].start;
        return t.sliced(start, parts[which.last()].end - start).toString();
    }
    QStringList pieces;
    for (int k : which)
        pieces << t.sliced(parts[k].start, parts[k].end - parts[k].start).toString();
    return pieces.join(QStringLiteral(" \u2014 "));
}

// Title, location, quote and explanation from the parts after the severity.
qsizetype assignParts(QStringView rest, Finding &finding) {
    const QList<Span> parts = splitParts(rest);
    const auto text = [&](int k) {
        return rest.sliced(parts[k].start, parts[k].end - parts[k].start);
    };
    int location = -1;
    int quote = -1;
    for (int k = 0; k < parts.size(); ++k) {
        if (location < 0) {
            if (const std::optional<Citation> citation = locationPart(text(k))) {
                location = k;
                finding.citation = *citation;
                continue;
            }
        }
        if (quote < 0 && isQuotePart(text(k)))
            quote = k;
    }
    int titleEnd = location >= 0 ? location : static_cast<int>(parts.size());
    if (quote >= 0)
        titleEnd = std::min(titleEnd, quote);
    QList<int> titleParts;
    if (location < 0 && quote < 0) {
        if (!parts.isEmpty())
            titleParts << 0;
    } else {
        for (int k = 0; k < titleEnd; ++k)
            titleParts << k;
        for (int k = 0; titleParts.isEmpty() && k < parts.size(); ++k) {
            if (k != location && k != quote)
                titleParts << k;
        }
    }
    QList<int> explanationParts;
    for (int k = 0; k < parts.size(); ++k) {
        if (k != location && k != quote && !titleParts.contains(k))
            explanationParts << k;
    }
    QString title = stripEmphasis(sliceText(rest, parts, titleParts));
    while (title.endsWith(u':'))
        title.chop(1);
    finding.title = title.trimmed();
    if (quote >= 0)
        finding.quote = unwrapQuote(text(quote));
    finding.explanation = sliceText(rest, parts, explanationParts).trimmed();
    if (location < 0) {
        const QList<CitationMatch> matches = findCitations(rest);
        if (!matches.isEmpty())
            finding.citation = matches.first().citation;
        if (!matches.isEmpty() && parts.size() == 1 && quote < 0) {
            // One part that cites inside its sentence ("**Critical:** hard-coded key in
            // `a.py:4` (`KEY = 1`)."): read as prose, like the items of prose answers.
            const QStringView part = text(0);
            const ProseTitle prose = proseTitle(part.toString());
            if (!prose.title.isEmpty()) {
                finding.title = prose.title;
                QString explanation = prose.rest.trimmed();
                while (!explanation.isEmpty() &&
                       QStringLiteral(":;,.\u2014\u2013-|*").contains(explanation.front()))
                    explanation = explanation.sliced(1).trimmed();
                finding.explanation = explanation;
            }
            const qsizetype partStart = parts[0].start;
            finding.quote = nearestCodeSpan(part, matches.first().offset - partStart,
                                            part.size() - prose.rest.size());
        }
    }
    return parts.size();
}

qsizetype headingMarkerEnd(QStringView line, qsizetype pos) {
    qsizetype p = pos;
    while (p < line.size() && line[p] == u'#')
        ++p;
    const qsizetype level = p - pos;
    if (level == 0 || level > 6 || p >= line.size() || line[p] != u' ')
        return -1;
    return skipSpaces(line, p);
}

// "1. ", "2) " after a heading's hashes.
qsizetype skipNumbering(QStringView line, qsizetype pos) {
    qsizetype p = pos;
    while (p < line.size() && isAsciiDigit(line[p]))
        ++p;
    if (p > pos && p < line.size() && (line[p] == u'.' || line[p] == u')') &&
        (p + 1 == line.size() || line[p + 1] == u' '))
        return skipSpaces(line, p + 1);
    return pos;
}

} // namespace

bool isBlank(QStringView line) {
    for (QChar c : line) {
        if (!c.isSpace())
            return false;
    }
    return true;
}

bool isIndented(QStringView line) {
    return !line.isEmpty() && (line.front() == u' ' || line.front() == u'\t');
}

qsizetype listMarkerEnd(QStringView line) {
    const qsizetype n = line.size();
    const qsizetype p = skipSpaces(line, 0);
    if (p >= n)
        return -1;
    const QChar c = line[p];
    if (c == u'-' || c == u'*' || c == u'+' || c == u'\u2022')
        return p + 1 < n && line[p + 1] == u' ' ? skipSpaces(line, p + 1) : -1;
    qsizetype d = p;
    while (d < n && isAsciiDigit(line[d]) && d - p < 4)
        ++d;
    if (d > p && d + 1 < n && (line[d] == u'.' || line[d] == u')') && line[d + 1] == u' ')
        return skipSpaces(line, d + 1);
    return -1;
}

std::optional<QString> headingText(QStringView line) {
    const qsizetype pos = skipSpaces(line, 0);
    const qsizetype hashes = headingMarkerEnd(line, pos);
    if (hashes > 0) {
        QStringView t = line.sliced(skipNumbering(line, hashes)).trimmed();
        while (t.endsWith(u'#'))
            t.chop(1);
        return stripEmphasis(t);
    }
    const qsizetype marker = listMarkerEnd(line);
    const QStringView t = line.sliced(marker > 0 ? marker : pos).trimmed();
    if (t.size() <= 4 || !t.startsWith(u"**") || !t.endsWith(u"**"))
        return std::nullopt;
    const QStringView inner = t.sliced(2, t.size() - 4).trimmed();
    if (inner.contains(u"**"))
        return std::nullopt;
    QString text = inner.sliced(skipNumbering(inner, 0)).toString().trimmed();
    while (text.endsWith(u':'))
        text.chop(1);
    return text;
}

std::optional<FindingLine> parseFindingLine(QStringView line) {
    qsizetype pos = skipSpaces(line, 0);
    const qsizetype hashes = headingMarkerEnd(line, pos);
    const qsizetype marker = hashes > 0 ? -1 : listMarkerEnd(line);
    if (hashes > 0)
        pos = skipNumbering(line, hashes);
    else if (marker > 0)
        pos = marker;
    const std::optional<SeverityPrefix> prefix = parseSeverityPrefix(line, pos, hashes > 0);
    if (!prefix)
        return std::nullopt;
    FindingLine out;
    out.finding.severity = prefix->severity;
    const qsizetype parts = assignParts(line.sliced(prefix->end), out.finding);
    const Finding &f = out.finding;
    if (f.title.isEmpty() && f.citation.path.isEmpty() && f.quote.isEmpty() &&
        f.explanation.isEmpty())
        return std::nullopt; // "- **High**" alone: a group label over the items below it
    out.heading = hashes > 0 || (marker < 0 && line.sliced(pos).startsWith(u"**") && parts <= 1);
    return out;
}

QChar quoteCloser(QChar open, bool apostrophe) {
    switch (open.unicode()) {
    case u'"':
        return u'"';
    case u'\u201c':
        return u'\u201d';
    case u'`':
        return u'`';
    case u'\'':
        return apostrophe ? QChar(u'\'') : QChar();
    default:
        return QChar();
    }
}

QString unwrapQuote(QStringView text) {
    QStringView t = text.trimmed();
    const QChar close = t.isEmpty() ? QChar() : quoteCloser(t.front());
    if (t.size() < 2 || close.isNull() || t.back() != close)
        return t.toString();
    if (close == u'`' && t.size() >= 4 && t.startsWith(u"``") && t.endsWith(u"``"))
        return t.sliced(2, t.size() - 4).trimmed().toString();
    QString inner = t.sliced(1, t.size() - 2).toString();
    if (close == u'"')
        inner.replace(QStringLiteral("\\\""), QStringLiteral("\""));
    return inner;
}

QString stripEmphasis(QStringView text) {
    QStringView t = text.trimmed();
    while (t.startsWith(u'*'))
        t = t.sliced(1);
    while (t.endsWith(u'*'))
        t.chop(1);
    while (t.size() >= 4 && t.startsWith(u"__") && t.endsWith(u"__"))
        t = t.sliced(2, t.size() - 4);
    return t.trimmed().toString();
}

} // namespace reposcope::findings::detail
