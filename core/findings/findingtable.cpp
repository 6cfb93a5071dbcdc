// SPDX-License-Identifier: MIT
// Markdown tables whose header names a severity column.
#include "findings/citationparser.h"
#include "findings/extractinternal.h"

#include <QHash>

namespace reposcope::findings::detail {

namespace {

QString columnFor(const QString &header) {
    static const QHash<QString, QString> kColumns = [] {
        QHash<QString, QString> columns;
        const auto add = [&columns](const char *id, std::initializer_list<const char *> names) {
            for (const char *name : names)
                columns.insert(QString::fromLatin1(name), QString::fromLatin1(id));
        };
        add("severity",
            {"severity", "sev", "level", "priority", "risk", "risk level", "severity level"});
        add("title", {"title", "finding", "issue", "name", "summary", "vulnerability", "problem",
                      "weakness", "finding title"});
        add("location", {"location", "citation", "where", "reference", "ref", "evidence location"});
        add("file", {"file", "path", "filename", "file path", "file name"});
        add("line",
            {"line", "lines", "line(s)", "line number", "line numbers", "line no", "line no."});
        add("quote", {"quote", "code", "snippet", "evidence", "excerpt", "code snippet",
                      "vulnerable code", "cited code"});
        add("explanation", {"explanation", "description", "details", "why", "impact", "reason",
                            "rationale", "why it matters", "notes"});
        add("fix", {"fix", "recommendation", "remediation", "mitigation", "suggested fix"});
        add("flow", {"flow", "data flow", "dataflow", "data-flow"});
        return columns;
    }();
    QString key = header;
    key.remove(u'*').remove(u'`');
    key = key.simplified().toLower();
    if (key.startsWith(u'_') && key.endsWith(u'_'))
        key.remove(u'_');
    const QString column = kColumns.value(key);
    if (!column.isEmpty())
        return column;
    // "File:Line", "File / Line", "Path (line)": one column for both.
    if ((key.contains(QLatin1String("file")) || key.contains(QLatin1String("path"))) &&
        key.contains(QLatin1String("line")))
        return QStringLiteral("location");
    return QString();
}

} // namespace

QStringList splitTableCells(QStringView line) {
    QStringView t = line.trimmed();
    if (t.startsWith(u'|'))
        t = t.sliced(1);
    if (t.endsWith(u'|') && !t.endsWith(u"\\|"))
        t.chop(1);
    QStringList cells;
    QString cell;
    bool code = false;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const QChar c = t[i];
        if (c == u'\\' && i + 1 < t.size() && t[i + 1] == u'|') {
            cell += u'|';
            ++i;
        } else if (c == u'`') {
            code = !code;
            cell += c;
        } else if (c == u'|' && !code) {
            cells << cell.trimmed();
            cell.clear();
        } else {
            cell += c;
        }
    }
    cells << cell.trimmed();
    return cells;
}

namespace {

// "—", "-", "n/a": the model had nothing to put in the cell.
QString withoutPlaceholder(const QString &cell) {
    static const QStringList kEmpty{QStringLiteral("-"),      QStringLiteral("\u2013"),
                                    QStringLiteral("\u2014"), QStringLiteral("n/a"),
                                    QStringLiteral("none"),   QStringLiteral("\u2014\u2014")};
    return kEmpty.contains(cell, Qt::CaseInsensitive) ? QString() : cell;
}

void appendText(QString &to, const QString &text) {
    if (text.isEmpty())
        return;
    if (!to.isEmpty())
        to += u' ';
    to += text;
}

} // namespace

std::optional<Severity> parseSeverityCell(QStringView text) {
    qsizetype p = 0;
    while (p < text.size() && !(text[p].isLetter() && text[p].unicode() < 128))
        ++p;
    qsizetype end = p;
    while (end < text.size() && text[end].isLetter())
        ++end;
    return end > p ? parseSeverity(text.sliced(p, end - p)) : std::nullopt;
}

bool isTableRow(QStringView line) {
    return line.trimmed().startsWith(u'|');
}

bool isTableSeparator(QStringView line) {
    const QStringList cells = splitTableCells(line);
    for (const QString &cell : cells) {
        QStringView c = cell;
        if (c.startsWith(u':'))
            c = c.sliced(1);
        if (c.endsWith(u':'))
            c.chop(1);
        if (c.isEmpty())
            return false;
        for (QChar ch : c) {
            if (ch != u'-')
                return false;
        }
    }
    return !cells.isEmpty();
}

QStringList parseTableHeader(QStringView line) {
    QStringList columns;
    for (const QString &cell : splitTableCells(line))
        columns << columnFor(cell);
    const bool located = columns.contains(QLatin1String("title")) ||
                         columns.contains(QLatin1String("location")) ||
                         columns.contains(QLatin1String("file"));
    if (!columns.contains(QLatin1String("severity")) || !located)
        return QStringList();
    return columns;
}

std::optional<Finding> parseTableRow(QStringView line, const QStringList &columns) {
    const QStringList cells = splitTableCells(line);
    const auto cell = [&](const char *id) {
        const qsizetype at = columns.indexOf(QLatin1String(id));
        return at >= 0 && at < cells.size() ? withoutPlaceholder(cells[at]) : QString();
    };
    const std::optional<Severity> severity = parseSeverityCell(cell("severity"));
    if (!severity)
        return std::nullopt;
    Finding finding;
    finding.severity = *severity;
    finding.title = stripEmphasis(cell("title"));
    if (const std::optional<Citation> location = parseCitation(cell("location")))
        finding.citation = *location;
    if (finding.citation.path.isEmpty()) {
        if (const std::optional<Citation> file = parseCitation(cell("file")))
            finding.citation = *file;
    }
    int start = 0;
    int end = 0;
    if (!finding.citation.path.isEmpty() && !finding.citation.hasLine() &&
        parseLineNumbers(cell("line"), &start, &end)) {
        finding.citation.startLine = start;
        finding.citation.endLine = end;
        finding.citation.text = finding.citation.path + u':' + cell("line").trimmed();
    }
    if (finding.citation.path.isEmpty()) {
        const QList<CitationMatch> matches = findCitations(line);
        if (!matches.isEmpty())
            finding.citation = matches.first().citation;
    }
    finding.quote = unwrapQuote(cell("quote"));
    finding.explanation = cell("explanation");
    const QString fix = cell("fix");
    if (!fix.isEmpty())
        appendText(finding.explanation, QStringLiteral("Fix: ") + fix);
    const QString flow = cell("flow");
    if (!flow.isEmpty())
        finding.flow = parseFlow(flow);
    return finding;
}

} // namespace reposcope::findings::detail
