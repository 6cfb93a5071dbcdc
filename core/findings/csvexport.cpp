// SPDX-License-Identifier: MIT
// CSV as RFC 4180 has it: CRLF between records, a field quoted when it holds a comma, a
// quote or a line break, quotes inside doubled. UTF-8 without a byte-order mark.
// A cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a
// carriage return) gets a leading apostrophe: answers quote untrusted repository text,
// and a crafted title must not become a formula when the CSV is opened (OWASP's advice).
#include "findings/exportcommon.h"

#include <QStringList>

namespace reposcope::findings {

using namespace exportcommon;

namespace {

bool looksLikeFormula(const QString &value) {
    static const QString kTriggers = QStringLiteral("=+-@\t\r");
    return !value.isEmpty() && kTriggers.contains(value.front());
}

QString field(QString value) {
    if (looksLikeFormula(value))
        value.prepend(QLatin1Char('\''));
    const bool quote = value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) ||
                       value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r'));
    if (!quote)
        return value;
    QString inner = value;
    inner.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + inner + QLatin1Char('"');
}

QString record(const QStringList &fields) {
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &f : fields)
        quoted << field(f);
    return quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
}

QString lineNumber(int line) {
    return line > 0 ? QString::number(line) : QString();
}

} // namespace

QByteArray toCsv(const QList<Finding> &findings, const ExportContext &context) {
    QString csv = record({
        QStringLiteral("severity"),
        QStringLiteral("title"),
        QStringLiteral("category"),
        QStringLiteral("path"),
        QStringLiteral("start line"),
        QStringLiteral("end line"),
        QStringLiteral("status"),
        QStringLiteral("note"),
        QStringLiteral("quote"),
        QStringLiteral("explanation"),
        QStringLiteral("flow"),
        QStringLiteral("triage"),
        QStringLiteral("triage note"),
        QStringLiteral("fingerprint"),
        QStringLiteral("answer"),
    });
    // On every row, so a filter or a spreadsheet that keeps some rows still knows.
    const QString answer =
        context.answerComplete ? QStringLiteral("complete") : QStringLiteral("partial");
    for (const Finding &f : findings) {
        const ExportLocation location = exportLocation(f.citation, f.resolved);
        const Triage triage = triageOf(f, context);
        csv += record({
            severityName(f.severity),
            f.title,
            categoryOf(f),
            location.path,
            lineNumber(location.startLine),
            lineNumber(location.endLine),
            statusName(f.resolved.status),
            f.resolved.note,
            f.quote,
            f.explanation,
            flowText(f.flow),
            triageName(triage.state),
            triage.note,
            fingerprint(f),
            answer,
        });
    }
    return csv.toUtf8();
}

} // namespace reposcope::findings
