// SPDX-License-Identifier: MIT
// The lines under a finding ("Location: ...", "Flow: a.go:3 → b.go:9") and flow steps.
#include "findings/citationparser.h"
#include "findings/extractinternal.h"

#include <QHash>

namespace reposcope::findings::detail {

namespace {

constexpr qsizetype kMaxLabelLength = 32;

bool isEmphasisChar(QChar c) {
    return c == u'*' || c == u'_';
}

bool isAsciiDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

Field fieldForLabel(QStringView label) {
    static const QHash<QString, Field> kLabels = [] {
        QHash<QString, Field> labels;
        const auto add = [&labels](Field field, std::initializer_list<const char *> names) {
            for (const char *name : names)
                labels.insert(QString::fromLatin1(name), field);
        };
        add(Field::Location, {"location", "locations", "file", "path", "where", "citation",
                              "cited location", "file:line", "file and line"});
        add(Field::Line, {"line", "lines", "line number", "line numbers"});
        add(Field::Quote, {"quote", "code", "snippet", "evidence", "excerpt", "vulnerable code",
                           "cited code", "code snippet"});
        add(Field::Explanation,
            {"explanation", "description", "details", "detail", "why", "why it matters", "impact",
             "issue", "problem", "reason", "rationale", "analysis", "risk", "summary"});
        add(Field::Fix, {"fix", "recommendation", "recommendations", "remediation", "mitigation",
                         "suggested fix", "solution", "suggestion"});
        add(Field::Flow, {"flow", "data flow", "dataflow", "data-flow", "taint flow", "flow path",
                          "trace", "chain", "call chain"});
        add(Field::Severity, {"severity", "level", "risk level", "severity level", "priority"});
        add(Field::Title, {"title", "finding", "name"});
        add(Field::Ignored, {"category", "type", "cwe", "owasp", "rule", "confidence", "effort",
                             "status", "cvss", "id"});
        return labels;
    }();
    return kLabels.value(label.toString().toLower().simplified(), Field::None);
}

void appendStep(QList<FlowStep> &steps, QStringView text) {
    if (!isBlank(text))
        steps.append(parseFlowStep(text));
}

struct Range {
    qsizetype start = -1;
    qsizetype end = -1;
    bool contains(qsizetype pos) const { return pos >= start && pos < end; }
};

// The citation of a step and where it lies, with the backticks around it.
Range findStepCitation(QStringView t, Citation *citation) {
    Range range;
    const QList<CitationMatch> matches = findCitations(t);
    if (!matches.isEmpty()) {
        *citation = matches.first().citation;
        range = {matches.first().offset, matches.first().offset + matches.first().length};
    } else if (const std::optional<Citation> pathOnly = parseCitation(t)) {
        *citation = *pathOnly;
        const qsizetype at = t.indexOf(pathOnly->text);
        range = {at, at + pathOnly->text.size()};
    } else {
        return range;
    }
    if (range.start > 0 && range.end < t.size() && t[range.start - 1] == u'`' &&
        t[range.end] == u'`') {
        --range.start;
        ++range.end;
    }
    return range;
}

// The first quoted or backticked text outside the citation, up to its last closer.
Range findStepQuote(QStringView t, const Range &citation) {
    for (qsizetype i = 0; i < t.size(); ++i) {
        if (citation.contains(i)) {
            i = citation.end - 1;
            continue;
        }
        const QChar close = quoteCloser(t[i], false);
        if (close.isNull())
            continue;
        const qsizetype limit = citation.start > i ? citation.start : t.size();
        const qsizetype last = t.first(limit).lastIndexOf(close);
        if (last > i)
            return {i, last + 1};
    }
    return {};
}

QString labelText(QStringView t, const Range &citation, const Range &quote) {
    QString label;
    label.reserve(t.size());
    for (qsizetype i = 0; i < t.size(); ++i) {
        if (!citation.contains(i) && !quote.contains(i))
            label += t[i];
    }
    label.replace(QStringLiteral("()"), QString());
    label = label.simplified();
    static const QString kTrim = QStringLiteral(" -:,;()[]*\u2013\u2014");
    qsizetype from = 0;
    qsizetype to = label.size();
    while (from < to && kTrim.contains(label[from]))
        ++from;
    while (to > from && kTrim.contains(label[to - 1]))
        --to;
    return label.sliced(from, to - from);
}

} // namespace

FieldLine parseFieldLine(QStringView line) {
    const qsizetype marker = listMarkerEnd(line);
    qsizetype labelStart = marker > 0 ? marker : 0;
    while (labelStart < line.size() &&
           (line[labelStart].isSpace() || isEmphasisChar(line[labelStart])))
        ++labelStart;
    const qsizetype colon = line.indexOf(u':', labelStart);
    if (colon < 0 || colon - labelStart > kMaxLabelLength)
        return {};
    QStringView label = line.sliced(labelStart, colon - labelStart);
    while (!label.isEmpty() && isEmphasisChar(label.back()))
        label.chop(1);
    label = label.trimmed();
    const Field field = label.isEmpty() ? Field::None : fieldForLabel(label);
    if (field == Field::None)
        return {};
    qsizetype value = colon + 1;
    while (value < line.size() && isEmphasisChar(line[value]))
        ++value;
    FieldLine out;
    out.field = field;
    out.label = label.toString();
    out.value = line.sliced(value).trimmed().toString();
    return out;
}

QList<FlowStep> parseFlow(QStringView text) {
    QList<FlowStep> steps;
    const qsizetype n = text.size();
    qsizetype start = 0;
    QChar inQuote; // the closer awaited; null outside quotes
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (!inQuote.isNull()) {
            if (c == u'\\' && inQuote == u'"')
                ++i;
            else if (c == inQuote)
                inQuote = QChar();
            continue;
        }
        if (!quoteCloser(c, false).isNull()) {
            inQuote = quoteCloser(c, false);
            continue;
        }
        qsizetype arrow = 0;
        if (c == u'\u2192' || c == u'\u21d2' || c == u'\u27f6')
            arrow = 1;
        else if (c == u'-' && i + 1 < n && text[i + 1] == u'>')
            arrow = 2;
        if (arrow > 0) {
            appendStep(steps, text.sliced(start, i - start));
            start = i + arrow;
            i = start - 1;
        }
    }
    appendStep(steps, text.sliced(start));
    return steps;
}

FlowStep parseFlowStep(QStringView text) {
    QStringView t = text.trimmed();
    const qsizetype marker = listMarkerEnd(t);
    if (marker > 0)
        t = t.sliced(marker);
    FlowStep step;
    const Range citation = findStepCitation(t, &step.citation);
    const Range quote = findStepQuote(t, citation);
    if (quote.start >= 0)
        step.quote = unwrapQuote(t.sliced(quote.start, quote.end - quote.start));
    step.label = labelText(t, citation, quote);
    return step;
}

bool parseLineNumbers(QStringView text, int *start, int *end) {
    qsizetype p = 0;
    const QStringView t = text.trimmed();
    while (p < t.size() && !isAsciiDigit(t[p]))
        ++p;
    if (p == t.size())
        return false;
    // Reuse the citation grammar: "f.c:" + "40-52" / "L42" / "40–52".
    const QString probe = QStringLiteral("f.c:") + t.sliced(p).toString();
    const QList<CitationMatch> matches = findCitations(probe);
    if (matches.isEmpty() || matches.first().offset != 0)
        return false;
    *start = matches.first().citation.startLine;
    *end = matches.first().citation.endLine;
    return true;
}

} // namespace reposcope::findings::detail
