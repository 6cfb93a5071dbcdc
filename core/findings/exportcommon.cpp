// SPDX-License-Identifier: MIT
#include "findings/exportcommon.h"

#include <QStringList>

#include <algorithm>

namespace reposcope::findings::exportcommon {

namespace {

// Strips what makes a cited path absolute or platform-specific, so it reads as relative
// to the repository root.
QString relativePath(QString path) {
    path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    while (path.startsWith(QLatin1String("./")))
        path.remove(0, 2);
    while (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    return path;
}

} // namespace

ExportLocation exportLocation(const Citation &citation, const ResolvedLocation &resolved) {
    ExportLocation location;
    location.trusted = resolved.canNavigate();
    // A resolved path is the snapshot's own (escaped by text::visibleName, so a backslash in
    // it is part of an escape, not a Windows separator): kept as it is.
    location.path = resolved.path.isEmpty() ? relativePath(citation.path) : resolved.path;
    if (location.trusted && resolved.startLine > 0) {
        location.startLine = resolved.startLine;
        location.endLine = resolved.endLine;
    } else if (citation.hasLine()) {
        location.startLine = citation.startLine;
        location.endLine = citation.endLine;
    }
    if (location.startLine > 0)
        location.endLine = std::max(location.endLine, location.startLine);
    return location;
}

QString locationText(const ExportLocation &location) {
    if (location.path.isEmpty() || !location.hasLine())
        return location.path;
    QString text = location.path + QLatin1Char(':') + QString::number(location.startLine);
    if (location.endLine > location.startLine)
        text += QLatin1Char('-') + QString::number(location.endLine);
    return text;
}

Triage triageOf(const Finding &finding, const ExportContext &context) {
    return context.triage ? context.triage->get(fingerprint(finding)) : Triage{};
}

QString flowText(const QList<FlowStep> &flow) {
    QStringList steps;
    for (const FlowStep &step : flow) {
        QString text = locationText(exportLocation(step.citation, step.resolved));
        if (text.isEmpty())
            text = step.citation.text;
        if (!step.label.isEmpty())
            text += QStringLiteral(" (") + step.label + QLatin1Char(')');
        steps << text;
    }
    return steps.join(QStringLiteral(" -> "));
}

QString categoryOf(const Finding &finding) {
    return finding.category.isEmpty() ? QStringLiteral("general") : finding.category;
}

} // namespace reposcope::findings::exportcommon
