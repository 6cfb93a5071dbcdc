// SPDX-License-Identifier: MIT
// Fenced JSON blocks: an array of finding objects, or {"findings": [...]}.
#include "findings/citationparser.h"
#include "findings/extractinternal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace reposcope::findings::detail {

namespace {

QString textOf(const QJsonValue &value) {
    if (value.isString())
        return value.toString().trimmed();
    if (value.isDouble())
        return QString::number(value.toInteger());
    return QString();
}

// The first of `keys` that holds a non-empty string or a number.
QString field(const QJsonObject &object, std::initializer_list<const char *> keys) {
    for (const char *key : keys) {
        const QString text = textOf(object.value(QLatin1String(key)));
        if (!text.isEmpty())
            return text;
    }
    return QString();
}

void appendText(QString &to, const QString &text) {
    if (text.isEmpty())
        return;
    if (!to.isEmpty())
        to += u' ';
    to += text;
}

// A location given as "path:line" text, or as file and line keys. *anchor is what to look
// for in the block to place the link.
Citation locationOf(const QJsonObject &object, QString *anchor) {
    const QJsonValue location = object.value(QLatin1String("location"));
    if (location.isObject())
        return locationOf(location.toObject(), anchor);
    const QString written = field(object, {"location", "citation", "loc"});
    if (!written.isEmpty()) {
        if (const std::optional<Citation> citation = parseCitation(written)) {
            *anchor = citation->text;
            return *citation;
        }
    }
    const QString file = field(object, {"file", "path", "filename", "file_path", "filePath"});
    if (file.isEmpty())
        return Citation();
    // The key says it is a file: a name that does not look like one ("main") is kept.
    Citation citation = parseCitation(file).value_or(Citation{file, 0, 0, file});
    *anchor = citation.text;
    if (citation.hasLine())
        return citation;
    int start = 0;
    int end = 0;
    const QString lines = field(object, {"line", "lines", "start_line", "startLine", "line_start",
                                         "lineStart", "line_number", "lineNumber"});
    if (parseLineNumbers(lines, &start, &end)) {
        const QString last = field(object, {"end_line", "endLine", "line_end", "lineEnd"});
        int lastStart = 0;
        int lastEnd = 0;
        if (parseLineNumbers(last, &lastStart, &lastEnd) && lastStart >= start)
            end = lastStart;
        citation.startLine = start;
        citation.endLine = end;
        citation.text = citation.path + u':' + QString::number(start);
        if (end > start)
            citation.text += u'-' + QString::number(end);
    }
    return citation;
}

FlowStep stepOf(const QJsonObject &object, QString *anchor) {
    FlowStep step;
    step.citation = locationOf(object, anchor);
    step.quote = field(object, {"quote", "code", "snippet"});
    step.label =
        field(object, {"label", "description", "step", "note", "name", "function", "explanation"});
    return step;
}

void appendFlow(const QJsonValue &value, JsonFinding &out) {
    const auto addString = [&out](const QString &text) {
        for (const FlowStep &step : parseFlow(text)) {
            out.finding.flow.append(step);
            out.flowAnchors.append(step.citation.text);
        }
    };
    if (value.isString()) {
        addString(value.toString());
        return;
    }
    const QJsonArray steps = value.toArray();
    for (const QJsonValue &step : steps) {
        if (step.isString()) {
            addString(step.toString());
        } else if (step.isObject()) {
            QString anchor;
            out.finding.flow.append(stepOf(step.toObject(), &anchor));
            out.flowAnchors.append(anchor);
        }
    }
}

std::optional<JsonFinding> findingOf(const QJsonObject &object) {
    const std::optional<Severity> severity =
        parseSeverity(field(object, {"severity", "level", "sev", "priority", "risk"}));
    if (!severity)
        return std::nullopt;
    JsonFinding out;
    Finding &finding = out.finding;
    finding.severity = *severity;
    finding.title =
        field(object, {"title", "name", "finding", "issue", "summary", "vulnerability"});
    finding.citation = locationOf(object, &out.anchor);
    finding.quote = field(object, {"quote", "snippet", "code", "evidence", "excerpt"});
    finding.explanation =
        field(object, {"explanation", "description", "details", "why", "impact", "reason"});
    const QString fix = field(object, {"recommendation", "fix", "remediation", "mitigation"});
    if (!fix.isEmpty())
        appendText(finding.explanation, QStringLiteral("Fix: ") + fix);
    for (const char *key : {"flow", "data_flow", "dataFlow", "dataflow", "taint_flow", "trace"}) {
        const QJsonValue flow = object.value(QLatin1String(key));
        if (flow.isArray() || flow.isString()) {
            appendFlow(flow, out);
            break;
        }
    }
    return out;
}

QJsonArray itemsOf(const QJsonDocument &doc) {
    if (doc.isArray())
        return doc.array();
    const QJsonObject object = doc.object();
    for (const char *key : {"findings", "issues", "results", "vulnerabilities"}) {
        const QJsonValue items = object.value(QLatin1String(key));
        if (items.isArray())
            return items.toArray();
    }
    return QJsonArray{object};
}

} // namespace

JsonBlock parseJsonBlock(QStringView block) {
    JsonBlock out;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(block.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return out;
    out.valid = true;
    const QJsonArray items = itemsOf(doc);
    for (const QJsonValue &item : items) {
        if (!item.isObject())
            continue;
        if (std::optional<JsonFinding> finding = findingOf(item.toObject()))
            out.findings.append(std::move(*finding));
    }
    return out;
}

} // namespace reposcope::findings::detail
