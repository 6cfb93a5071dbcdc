// SPDX-License-Identifier: MIT
// The Markdown report: for people reading it on a forge or in an editor. Everything the
// model or a person wrote is escaped, so a title or note cannot break the layout or
// inject HTML; quotes go into code fences longer than any backtick run they hold.
#include "findings/exportcommon.h"
#include "findings/findingextractor.h"

#include <QFileInfo>
#include <QHash>

#include <algorithm>

namespace reposcope::findings {

using namespace exportcommon;

namespace {

// Inline text: Markdown's punctuation and HTML's angle brackets are escaped, line breaks
// become spaces.
QString escaped(const QString &text) {
    static const QString kSpecial = QStringLiteral("\\`*_{}[]<>#|!~");
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            out += QLatin1Char(' ');
            continue;
        }
        if (kSpecial.contains(c))
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

// Multi-line prose (an explanation): escaped line by line, paragraphs kept.
QString escapedBlock(const QString &text) {
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString &line : lines) {
        line = escaped(line.trimmed());
        // A line that would start a list or heading stays plain text.
        if (!line.isEmpty() &&
            (line.front() == QLatin1Char('-') || line.front() == QLatin1Char('+') ||
             line.front() == QLatin1Char('=')))
            line.prepend(QLatin1Char('\\'));
    }
    return lines.join(QLatin1Char('\n'));
}

// `text` as a code span; plain escaped text when it holds a backtick.
QString code(const QString &text) {
    if (text.contains(QLatin1Char('`')) || text.contains(QLatin1Char('\n')))
        return escaped(text);
    return QLatin1Char('`') + text + QLatin1Char('`');
}

// The info string for a fenced block, from the file's extension.
QString languageFor(const QString &path) {
    static const QHash<QString, QString> kLanguages{
        {QStringLiteral("c"), QStringLiteral("c")},
        {QStringLiteral("h"), QStringLiteral("c")},
        {QStringLiteral("cc"), QStringLiteral("cpp")},
        {QStringLiteral("cpp"), QStringLiteral("cpp")},
        {QStringLiteral("cxx"), QStringLiteral("cpp")},
        {QStringLiteral("hpp"), QStringLiteral("cpp")},
        {QStringLiteral("cs"), QStringLiteral("csharp")},
        {QStringLiteral("go"), QStringLiteral("go")},
        {QStringLiteral("java"), QStringLiteral("java")},
        {QStringLiteral("kt"), QStringLiteral("kotlin")},
        {QStringLiteral("js"), QStringLiteral("javascript")},
        {QStringLiteral("mjs"), QStringLiteral("javascript")},
        {QStringLiteral("jsx"), QStringLiteral("jsx")},
        {QStringLiteral("ts"), QStringLiteral("typescript")},
        {QStringLiteral("tsx"), QStringLiteral("tsx")},
        {QStringLiteral("py"), QStringLiteral("python")},
        {QStringLiteral("rb"), QStringLiteral("ruby")},
        {QStringLiteral("rs"), QStringLiteral("rust")},
        {QStringLiteral("php"), QStringLiteral("php")},
        {QStringLiteral("swift"), QStringLiteral("swift")},
        {QStringLiteral("sh"), QStringLiteral("bash")},
        {QStringLiteral("sql"), QStringLiteral("sql")},
        {QStringLiteral("yml"), QStringLiteral("yaml")},
        {QStringLiteral("yaml"), QStringLiteral("yaml")},
        {QStringLiteral("json"), QStringLiteral("json")},
        {QStringLiteral("xml"), QStringLiteral("xml")},
        {QStringLiteral("html"), QStringLiteral("html")},
        {QStringLiteral("css"), QStringLiteral("css")},
        {QStringLiteral("md"), QStringLiteral("markdown")},
        {QStringLiteral("toml"), QStringLiteral("toml")},
    };
    const QString name = QFileInfo(path).fileName();
    if (name == QLatin1String("Dockerfile"))
        return QStringLiteral("dockerfile");
    if (name == QLatin1String("Makefile"))
        return QStringLiteral("makefile");
    return kLanguages.value(QFileInfo(path).suffix().toLower());
}

// A fenced code block whose fence is longer than any run of backticks inside.
QString fenced(const QString &text, const QString &language) {
    int longest = 0;
    int run = 0;
    for (const QChar c : text) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(std::max(3, longest + 1), QLatin1Char('`'));
    QString body = text;
    if (!body.endsWith(QLatin1Char('\n')))
        body += QLatin1Char('\n');
    return fence + language + QLatin1Char('\n') + body + fence + QLatin1Char('\n');
}

void contextTable(QString &md, const ExportContext &context) {
    const auto row = [&md](const char *label, const QString &value) {
        if (!value.isEmpty())
            md += QStringLiteral("| ") + QLatin1String(label) + QStringLiteral(" | ") + value +
                  QStringLiteral(" |\n");
    };
    md += QStringLiteral("| | |\n|---|---|\n");
    QString repository = escaped(context.repositoryName);
    if (!context.repositoryRoot.isEmpty())
        repository +=
            (repository.isEmpty() ? QString() : QStringLiteral(" ")) + code(context.repositoryRoot);
    row("Repository", repository);
    QString revision = context.commit.isEmpty() ? QString() : code(context.commit);
    if (!context.ref.isEmpty())
        revision += (revision.isEmpty() ? QString() : QStringLiteral(" on ")) + code(context.ref);
    row("Commit", revision.isEmpty() ? QStringLiteral("working tree") : revision);
    row("Provider", escaped(context.provider));
    row("Model", code(context.model));
    row("Task", escaped(context.task));
    if (context.askedAt.isValid())
        row("Date", context.askedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) +
                        QStringLiteral(" UTC"));
    row("Tool", QStringLiteral("RepoScope ") + escaped(context.toolVersion));
    md += QLatin1Char('\n');
}

void summary(QString &md, const QList<Finding> &findings) {
    md += QStringLiteral("## Summary\n\n| Severity | Findings |\n|---|---:|\n");
    for (const Severity s :
         {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info}) {
        const auto n = std::count_if(findings.begin(), findings.end(),
                                     [s](const Finding &f) { return f.severity == s; });
        md += QStringLiteral("| %1 | %2 |\n").arg(severityName(s)).arg(n);
    }
    md += QStringLiteral("| **Total** | **%1** |\n\n").arg(findings.size());
    md += QStringLiteral("| Status | Findings |\n|---|---:|\n");
    for (const VerificationStatus s :
         {VerificationStatus::Verified, VerificationStatus::Corrected, VerificationStatus::Located,
          VerificationStatus::Unverified, VerificationStatus::Pending}) {
        const auto n = std::count_if(findings.begin(), findings.end(),
                                     [s](const Finding &f) { return f.resolved.status == s; });
        if (n > 0 || s != VerificationStatus::Pending)
            md += QStringLiteral("| %1 | %2 |\n").arg(statusName(s)).arg(n);
    }
    md += QLatin1Char('\n');
}

// "`path:12-14` — corrected (cited line 40, found at 47)".
QString locationLine(const Citation &citation, const ResolvedLocation &resolved) {
    const ExportLocation location = exportLocation(citation, resolved);
    QString text =
        location.path.isEmpty() ? QStringLiteral("(no location)") : code(locationText(location));
    text += QStringLiteral(" — ") + statusName(resolved.status);
    if (!location.trusted && !location.path.isEmpty())
        text += QStringLiteral(", as cited");
    if (!resolved.note.isEmpty())
        text += QStringLiteral(" (") + escaped(resolved.note) + QLatin1Char(')');
    return text;
}

void finding(QString &md, int number, const Finding &f, const ExportContext &context) {
    md += QStringLiteral("### %1. [%2] %3\n\n")
              .arg(number)
              .arg(severityName(f.severity), escaped(f.title));
    md += QStringLiteral("- **Location:** ") + locationLine(f.citation, f.resolved) +
          QLatin1Char('\n');
    md += QStringLiteral("- **Category:** ") + escaped(categoryTitle(categoryOf(f))) +
          QStringLiteral(" (") + code(categoryOf(f)) + QStringLiteral(")\n");
    const Triage triage = triageOf(f, context);
    if (triage.state != TriageState::Untriaged || !triage.note.isEmpty()) {
        md += QStringLiteral("- **Triage:** ") + triageName(triage.state);
        if (!triage.note.isEmpty())
            md += QStringLiteral(" — ") + escaped(triage.note);
        md += QLatin1Char('\n');
    }
    md += QStringLiteral("- **Fingerprint:** ") + code(fingerprint(f)) + QStringLiteral("\n\n");
    if (!f.quote.isEmpty())
        md += fenced(f.quote, languageFor(exportLocation(f.citation, f.resolved).path)) +
              QLatin1Char('\n');
    if (!f.explanation.isEmpty())
        md += escapedBlock(f.explanation) + QStringLiteral("\n\n");
    if (!f.flow.isEmpty()) {
        md += QStringLiteral("**Flow:**\n\n");
        for (qsizetype i = 0; i < f.flow.size(); ++i) {
            const FlowStep &step = f.flow[i];
            md += QStringLiteral("%1. ").arg(i + 1) + locationLine(step.citation, step.resolved);
            if (!step.label.isEmpty())
                md += QStringLiteral(" — ") + escaped(step.label);
            md += QLatin1Char('\n');
        }
        md += QLatin1Char('\n');
    }
}

} // namespace

QByteArray toMarkdown(const QList<Finding> &findings, const ExportContext &context) {
    QString md = QStringLiteral("# RepoScope findings");
    if (!context.repositoryName.isEmpty())
        md += QStringLiteral(": ") + escaped(context.repositoryName);
    md += QStringLiteral("\n\n");
    if (!context.answerComplete) {
        md += QStringLiteral("> **Partial answer:** the answer was cut off; findings may be "
                             "missing.");
        if (!context.incompleteReason.isEmpty())
            md += QLatin1Char(' ') + escaped(context.incompleteReason);
        md += QStringLiteral("\n\n");
    }
    contextTable(md, context);
    if (!context.question.trimmed().isEmpty()) {
        md += QStringLiteral("**Question:**\n\n");
        for (const QString &line :
             escapedBlock(context.question.trimmed()).split(QLatin1Char('\n')))
            md += QStringLiteral("> ") + line + QLatin1Char('\n');
        md += QLatin1Char('\n');
    }
    summary(md, findings);
    md += QStringLiteral("## Findings\n\n");
    if (findings.isEmpty())
        md += QStringLiteral("No findings.\n");
    for (qsizetype i = 0; i < findings.size(); ++i)
        finding(md, int(i + 1), findings[i], context);
    return md.toUtf8();
}

} // namespace reposcope::findings
