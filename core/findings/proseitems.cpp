// SPDX-License-Identifier: MIT
// One prose item -> one finding (the words it is read by are in prosesyntax.cpp): the severity from
// its words, the title from its bold lead or first clause, the location from its first citation,
// the quote from the nearest inline code span, the other citations as related locations or, where
// the prose says "comes from", "reaches" or "flows to", as its flow.
#include "findings/proseitems.h"

#include "findings/citationparser.h"
#include "findings/extractinternal.h"

#include <QRegularExpression>

namespace reposcope::findings::detail {

namespace {

struct Segment {
    QString text; // the line without indentation and list marker
    FieldLine field;
    bool lead = false;
    qsizetype base = 0; // position of text in the item's joined body
};

struct FoundCitation {
    Citation citation;
    qsizetype pos = 0; // in the joined body
    Role role = Role::None;
};

QString key(const Citation &c) {
    return c.path + u':' + QString::number(c.startLine) + u'-' + QString::number(c.endLine);
}

FlowStep step(const Citation &citation) {
    FlowStep s;
    s.citation = citation;
    return s;
}

// The head line without its heading hashes, list marker, blockquote and numbering.
QString headText(QStringView line) {
    QStringView t = line.trimmed();
    while (t.startsWith(u'>'))
        t = t.sliced(1).trimmed();
    if (t.startsWith(u'#')) {
        while (t.startsWith(u'#'))
            t = t.sliced(1);
        t = t.trimmed();
        while (t.endsWith(u'#'))
            t.chop(1);
    } else {
        const qsizetype marker = listMarkerEnd(t);
        if (marker > 0)
            t = t.sliced(marker);
    }
    return skipNumbering(t.trimmed()).toString();
}

QString bodyText(QStringView line) {
    QStringView t = line.trimmed();
    while (t.startsWith(u'>'))
        t = t.sliced(1).trimmed();
    const qsizetype marker = listMarkerEnd(t);
    return (marker > 0 ? t.sliced(marker) : t).trimmed().toString();
}

} // namespace

ProseTitle proseTitle(const QString &head) {
    ProseTitle out;
    QString t = withoutEmoji(head).trimmed();
    t = skipNumbering(t).toString();
    if (t.startsWith(u"**") || t.startsWith(u"__")) {
        const QString marker = t.first(2);
        const qsizetype close = t.indexOf(marker, 2);
        if (close > 2) {
            QString bold = removeSeverityLabels(skipNumbering(t.sliced(2, close - 2)).toString());
            bold = trimPunctuation(bold);
            const bool fieldLabel = parseFieldLine(QString(bold + u':')).field != Field::None;
            if (bold.count(u'\u0020') < 20 && !fieldLabel && bold.size() >= 3) {
                // "SQL injection in `app/db.py:12`": the location is not part of the title.
                const QList<CitationMatch> inBold = findCitations(bold);
                if (!inBold.isEmpty()) {
                    static const QRegularExpression lead(
                        QStringLiteral(R"((?:\s+(?:in|at|on|of|from|near|see))+\s*[(`"]*\s*$)"),
                        QRegularExpression::CaseInsensitiveOption);
                    QString before = bold.first(inBold.first().offset);
                    before.remove(lead);
                    before = trimPunctuation(before);
                    if (before.size() >= 3)
                        bold = before;
                }
                out.title = bold;
                out.rest = t.sliced(close + 2);
                return out;
            }
            t = t.sliced(close + 2); // only a severity in bold: the title follows it
        }
    }
    t = removeSeverityLabels(t);
    const QList<CitationMatch> citations = findCitations(t);
    qsizetype cut = citations.isEmpty() ? t.size() : citations.first().offset;
    qsizetype restFrom = cut;
    static const QRegularExpression separators(QStringLiteral(
        R"((?<=\S)(?:\.\s|:\s|;\s|\s\x{2014}\s?|\x{2014}|\s\x{2013}\s|\s-\s|\s\|\s))"));
    const QRegularExpressionMatch sep = separators.match(t);
    if (sep.hasMatch() && sep.capturedStart() < cut) {
        cut = sep.capturedStart();
        restFrom = sep.capturedEnd();
    }
    QString title = t.first(cut);
    // "SQL injection in `app/db.py` line 12": the words that led to the location go.
    static const QRegularExpression trailing(
        QStringLiteral(
            R"((?:\s+(?:in|at|on|of|from|for|near|see|within|inside|the\s+file|the))+\s*[(`"]*\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    title.remove(trailing);
    out.title = trimPunctuation(title);
    out.rest = t.sliced(restFrom);
    if (out.title.isEmpty() && !citations.isEmpty()) {
        // "`app/db.py:12` — SQL injection": the clause after the location.
        const CitationMatch &c = citations.first();
        const ProseTitle after = proseTitle(t.sliced(c.offset + c.length));
        out.title = after.title;
        out.rest = after.rest;
    }
    if (out.title.size() > 120) {
        const qsizetype space = out.title.lastIndexOf(u' ', 117);
        out.title = out.title.first(space > 40 ? space : 117) + QStringLiteral("\u2026");
    }
    return out;
}

namespace {

QString joinText(const QStringList &parts) {
    return parts.join(u' ').simplified();
}

// A table row outside a findings table: a cell that is only a severity, a citation.
std::optional<Finding> parseRow(QStringView line, std::optional<Severity> inherited) {
    const QStringList cells = splitTableCells(line);
    int severityCell = -1;
    std::optional<Severity> severity;
    for (int k = 0; k < cells.size() && severityCell < 0; ++k) {
        if (const std::optional<Severity> s = groupSeverity(cells[k])) {
            severityCell = k;
            severity = s;
        }
    }
    if (!severity)
        severity = inherited;
    if (!severity)
        return std::nullopt;
    Finding finding;
    finding.severity = *severity;
    int locationCell = -1;
    for (int k = 0; k < cells.size(); ++k) {
        if (k == severityCell)
            continue;
        const QList<CitationMatch> matches = findCitations(cells[k]);
        std::optional<Citation> c;
        if (!matches.isEmpty())
            c = matches.first().citation;
        else
            c = pathSpan(QString(cells[k]).remove(u'`'));
        if (c) {
            if (locationCell < 0) {
                finding.citation = *c;
                locationCell = k;
            } else if (key(*c) != key(finding.citation)) {
                finding.related.append(step(*c));
            }
        }
    }
    if (locationCell < 0)
        return std::nullopt;
    int lineCell = -1;
    int start = 0;
    int end = 0;
    static const QRegularExpression lineNumbers(
        QStringLiteral(R"(^\s*L?\d+(?:\s*[-\x{2013}]\s*L?\d+)?\s*$)"));
    if (!finding.citation.hasLine() && locationCell + 1 < cells.size() &&
        lineNumbers.match(cells[locationCell + 1]).hasMatch() &&
        parseLineNumbers(cells[locationCell + 1], &start, &end)) {
        lineCell = locationCell + 1;
        finding.citation.startLine = start;
        finding.citation.endLine = end;
        finding.citation.text = finding.citation.path + u':' + cells[lineCell].trimmed();
    }
    int titleCell = -1;
    QStringList explanation;
    for (int k = 0; k < cells.size(); ++k) {
        if (k == severityCell || k == locationCell || k == lineCell)
            continue;
        const QString cell = cells[k].trimmed();
        const bool onlyCode = cell.startsWith(u'`') && cell.endsWith(u'`');
        qsizetype letters = 0;
        for (QChar c : cell)
            letters += c.isLetter() ? 1 : 0;
        if (titleCell < 0 && !onlyCode && letters >= 3) {
            titleCell = k;
            finding.title = trimPunctuation(stripEmphasis(cell));
            continue;
        }
        for (const CodeSpan &span : codeSpans(cell)) {
            if (finding.quote.isEmpty() && !pathSpan(span.content))
                finding.quote = span.content;
        }
        if (!onlyCode && letters > 0)
            explanation << cell;
    }
    finding.explanation = joinText(explanation);
    return finding;
}

} // namespace

std::optional<Finding> parseProseItem(QStringView text, const ProseLine *lines, qsizetype count,
                                      ProseKind kind, std::optional<Severity> inherited) {
    if (count == 0)
        return std::nullopt;
    const auto lineText = [&](qsizetype k) {
        return text.sliced(lines[k].start, lines[k].end - lines[k].start);
    };
    if (kind == ProseKind::Row)
        return parseRow(lineText(0), inherited);
    qsizetype n = 1;
    for (qsizetype total = lines[0].end - lines[0].start; n < count; ++n) {
        total += lines[n].end - lines[n].start;
        if (total > kProseItemLimit)
            break;
    }
    // The segments and the lead: the first line, its continuation, and for a head that is
    // only a title (a heading, a bold line) the first paragraph after it.
    const QString head = headText(lineText(0));
    QString bare = head.trimmed();
    while (bare.endsWith(u':') || bare.endsWith(u'.'))
        bare.chop(1);
    const bool titleOnly = kind == ProseKind::Heading ||
                           (bare.size() > 4 && bare.startsWith(u"**") && bare.endsWith(u"**") &&
                            bare.indexOf(u"**", 2) == bare.size() - 2);
    QList<Segment> segments;
    QString fenceQuote;
    qsizetype base = 0;
    bool leadOpen = true;
    bool extended = false;
    for (qsizetype k = 0; k < n; ++k) {
        if (lines[k].fence) {
            if (fenceQuote.isEmpty())
                fenceQuote = lineText(k).trimmed().toString();
            continue;
        }
        Segment segment;
        segment.text = k == 0 ? head : bodyText(lineText(k));
        if (k > 0) {
            segment.field = parseFieldLine(lineText(k));
            if (lines[k].nested) {
                leadOpen = false;
            } else if (lines[k].blankBefore) {
                // A title-only head takes the first paragraph after it as its lead.
                leadOpen = leadOpen && titleOnly && !extended && segments.size() == 1;
                extended = true;
            }
        }
        segment.lead = leadOpen && segment.field.field == Field::None;
        segment.base = base;
        base += segment.text.size() + 1;
        segments.append(segment);
    }

    // Severity: a Severity line, a label in the lead, an emoji in the lead, the group's.
    std::optional<Severity> severity;
    for (const Segment &s : segments) {
        const QString label = s.field.label.toLower();
        if (!severity && (s.field.field == Field::Severity || label == QLatin1String("risk") ||
                          label == QLatin1String("risk level")))
            severity = groupSeverity(s.field.value);
    }
    for (qsizetype k = 0; !severity && k < segments.size(); ++k) {
        if (segments[k].lead)
            severity = severityIn(segments[k].text);
    }
    for (qsizetype k = 0; !severity && k < segments.size(); ++k) {
        // At the start of the item or of its lead paragraph, not of a wrapped line.
        if (segments[k].lead && (k == 0 || !segments[k - 1].lead))
            severity = leadingEmojiSeverity(segments[k].text);
    }
    if (!severity)
        severity = inherited;
    if (!severity)
        return std::nullopt;

    // Citations, each with its role in a data flow.
    QList<FoundCitation> found;
    std::optional<FoundCitation> fieldLocation;
    std::optional<FoundCitation> pathOnly;
    QList<FlowStep> explicitFlow;
    for (const Segment &s : segments) {
        if (s.field.field == Field::Flow) {
            explicitFlow += parseFlow(s.field.value);
            continue;
        }
        if (s.field.field == Field::Location && !fieldLocation) {
            if (const std::optional<Citation> c = parseCitation(s.field.value))
                fieldLocation = FoundCitation{*c, s.base, Role::None};
        }
        qsizetype previousEnd = 0;
        for (const CitationMatch &m : findCitations(s.text)) {
            const Role role =
                roleBefore(QStringView(s.text).sliced(previousEnd, m.offset - previousEnd));
            found.append({m.citation, s.base + m.offset, role});
            previousEnd = m.offset + m.length;
        }
        if (!pathOnly) {
            for (const CodeSpan &span : codeSpans(s.text)) {
                const std::optional<Citation> c = pathSpan(span.content);
                if (c && !c->hasLine()) {
                    pathOnly = FoundCitation{*c, s.base + span.pos, Role::None};
                    break;
                }
            }
        }
    }
    std::optional<FoundCitation> location = fieldLocation;
    if (!location || !location->citation.hasLine()) {
        for (const FoundCitation &c : found) {
            if (c.role != Role::Source) {
                location = c;
                break;
            }
        }
        if ((!location || !location->citation.hasLine()) && !found.isEmpty())
            location = found.first();
    }
    if (!location)
        location = pathOnly;
    if (!location)
        return std::nullopt;

    Finding finding;
    finding.severity = *severity;
    finding.citation = location->citation;
    const ProseTitle title = proseTitle(segments.first().text);
    finding.title = title.title;

    // The quote: a Quote line, else the code span nearest the location (code before
    // identifiers, never a span that names a file or sits in the title), else a fence.
    const qsizetype titleEnd = segments.first().text.size() - title.rest.size();
    for (const Segment &s : segments) {
        if (s.field.field == Field::Quote && !s.field.value.isEmpty() && finding.quote.isEmpty())
            finding.quote = unwrapQuote(s.field.value);
    }
    if (finding.quote.isEmpty()) {
        // Ranked by tier, then distance: code, a name, code offered as the fix, a name so.
        qsizetype best = -1;
        for (const Segment &s : segments) {
            const Field f = s.field.field;
            if (f == Field::Location || f == Field::Severity || f == Field::Title ||
                f == Field::Ignored || f == Field::Flow)
                continue;
            for (const CodeSpan &span : codeSpans(s.text)) {
                if ((&s == &segments.first() && span.pos < titleEnd) || pathSpan(span.content))
                    continue;
                const qsizetype pos = s.base + span.pos;
                const bool after = pos >= location->pos;
                const qsizetype distance =
                    after ? pos - location->pos : location->pos - pos - span.length;
                const bool suggestion =
                    f == Field::Fix || isSuggestion(QStringView(s.text).first(span.pos));
                const qsizetype tier = (suggestion ? 2 : 0) + (isCodeLike(span.content) ? 0 : 1);
                const qsizetype rank =
                    (tier * 4 * kProseItemLimit + distance) * 2 + (after ? 0 : 1);
                if (best < 0 || rank < best) {
                    best = rank;
                    finding.quote = span.content;
                }
            }
        }
        if (best < 0)
            finding.quote = fenceQuote;
    }

    // The other citations: the flow when the prose walks one, else related locations.
    QStringList seen{key(finding.citation)};
    if (!explicitFlow.isEmpty()) {
        finding.flow = explicitFlow;
        for (const FlowStep &s : explicitFlow)
            seen << key(s.citation);
    } else {
        bool walked = false;
        for (const FoundCitation &c : found)
            walked = walked || c.role != Role::None;
        if (walked) {
            QList<FlowStep> sources;
            QList<FlowStep> sinks;
            for (const FoundCitation &c : found) {
                if (c.role == Role::None || seen.contains(key(c.citation)))
                    continue;
                seen << key(c.citation);
                (c.role == Role::Source ? sources : sinks).append(step(c.citation));
            }
            finding.flow = sources;
            finding.flow.append(step(finding.citation));
            finding.flow += sinks;
            if (finding.flow.size() == 1)
                finding.flow.clear();
        }
    }
    for (const FoundCitation &c : found) {
        if (seen.contains(key(c.citation)))
            continue;
        seen << key(c.citation);
        finding.related.append(step(c.citation));
    }

    // The explanation: the head after the title and the item's prose; structured lines
    // (location, quote, flow, severity) are fields, not prose.
    QString rest = removeSeverityLabels(title.rest);
    static const QString kLeading = QStringLiteral(" \t*_:;,.\u2014\u2013-|");
    while (!rest.isEmpty() && kLeading.contains(rest.front()))
        rest.remove(0, 1);
    QStringList parts{rest};
    for (qsizetype k = 1; k < segments.size(); ++k) {
        const Segment &s = segments[k];
        switch (s.field.field) {
        case Field::None:
            parts << s.text;
            break;
        case Field::Explanation:
            parts << s.field.value;
            break;
        case Field::Fix:
            parts << s.field.label + QStringLiteral(": ") + s.field.value;
            break;
        default:
            break;
        }
    }
    finding.explanation = joinText(parts);
    return finding;
}

} // namespace reposcope::findings::detail
