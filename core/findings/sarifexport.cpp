// SPDX-License-Identifier: MIT
// SARIF 2.1.0 (OASIS), shaped for code-scanning services: they key rules by ruleId and
// ruleIndex, match results across runs by partialFingerprints, read "security-severity"
// from the properties and resolve paths against the SRCROOT base.
#include "findings/exportcommon.h"
#include "findings/findingextractor.h"
#include "text/visibletext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>

namespace reposcope::findings {

using namespace exportcommon;

namespace {

const QString kSrcRoot = QStringLiteral("SRCROOT");

QString levelFor(Severity severity) {
    switch (severity) {
    case Severity::Critical:
    case Severity::High:
        return QStringLiteral("error");
    case Severity::Medium:
        return QStringLiteral("warning");
    case Severity::Low:
    case Severity::Info:
        break;
    }
    return QStringLiteral("note");
}

// The scale code-scanning services map to critical (>= 9), high (>= 7), medium (>= 4), low.
QString securitySeverity(Severity severity) {
    switch (severity) {
    case Severity::Critical:
        return QStringLiteral("9.5");
    case Severity::High:
        return QStringLiteral("8.0");
    case Severity::Medium:
        return QStringLiteral("5.5");
    case Severity::Low:
        return QStringLiteral("3.0");
    case Severity::Info:
        break;
    }
    return QStringLiteral("0.0");
}

// "file:///repo/root/": a base URI must end with a slash.
QString rootUri(const QString &root) {
    QString uri = QUrl::fromLocalFile(root).toString(QUrl::FullyEncoded);
    if (!uri.endsWith(QLatin1Char('/')))
        uri += QLatin1Char('/');
    return uri;
}

// "sql-injection" -> "SqlInjection" (SARIF's rule name is an identifier, not prose).
QString ruleName(const QString &category) {
    QString name;
    for (const QString &part : category.split(QLatin1Char('-'), Qt::SkipEmptyParts))
        name += part.left(1).toUpper() + part.mid(1);
    return name;
}

QJsonObject message(const QString &text) {
    return QJsonObject{{QStringLiteral("text"), text}};
}

// A physicalLocation, or an empty object when there is no path to point at.
QJsonObject physicalLocation(const ExportLocation &location, const QString &snippet) {
    if (location.path.isEmpty())
        return {};
    // Paths are shown escaped (text::visibleName); the URI names the file's real bytes.
    const QByteArray raw = text::rawName(location.path).value_or(location.path.toUtf8());
    const QString uri = QString::fromUtf8(raw.toPercentEncoding("/"));
    QJsonObject physical{
        {QStringLiteral("artifactLocation"),
         QJsonObject{{QStringLiteral("uri"), uri}, {QStringLiteral("uriBaseId"), kSrcRoot}}}};
    if (location.hasLine()) { // a region needs a line: SARIF lines start at 1
        QJsonObject region{{QStringLiteral("startLine"), location.startLine},
                           {QStringLiteral("endLine"), location.endLine}};
        if (!snippet.isEmpty())
            region.insert(QStringLiteral("snippet"), message(snippet));
        physical.insert(QStringLiteral("region"), region);
    }
    return physical;
}

// A step's SARIF location: where it points, with its label (else the citation as written) as
// the message; empty when it points nowhere that can be exported.
QJsonObject stepLocation(const FlowStep &step) {
    const QJsonObject physical =
        physicalLocation(exportLocation(step.citation, step.resolved), step.quote);
    if (physical.isEmpty())
        return {};
    QJsonObject location{{QStringLiteral("physicalLocation"), physical}};
    const QString label = step.label.isEmpty() ? step.citation.text : step.label;
    if (!label.isEmpty())
        location.insert(QStringLiteral("message"), message(label));
    return location;
}

QJsonArray codeFlows(const Finding &finding) {
    QJsonArray steps;
    for (const FlowStep &step : finding.flow) {
        const QJsonObject location = stepLocation(step);
        if (location.isEmpty())
            continue;
        steps.append(QJsonObject{
            {QStringLiteral("location"), location},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("verificationStatus"), statusName(step.resolved.status)}}},
        });
    }
    if (steps.isEmpty())
        return {};
    const QJsonObject threadFlow{{QStringLiteral("locations"), steps}};
    return QJsonArray{QJsonObject{{QStringLiteral("threadFlows"), QJsonArray{threadFlow}}}};
}

// The other places a finding cites (not a flow): SARIF relatedLocations, ids from 1.
QJsonArray relatedLocations(const Finding &finding) {
    QJsonArray locations;
    for (const FlowStep &step : finding.related) {
        QJsonObject location = stepLocation(step);
        if (location.isEmpty())
            continue;
        location.insert(QStringLiteral("id"), int(locations.size()) + 1);
        locations.append(location);
    }
    return locations;
}

bool quoteVerified(const ResolvedLocation &resolved) {
    return resolved.quoteChecked && (resolved.status == VerificationStatus::Verified ||
                                     resolved.status == VerificationStatus::Corrected);
}

QJsonObject resultProperties(const Finding &finding, const ExportLocation &location,
                             const Triage &triage) {
    QJsonObject properties{
        {QStringLiteral("severity"), severityName(finding.severity)},
        {QStringLiteral("security-severity"), securitySeverity(finding.severity)},
        {QStringLiteral("verificationStatus"), statusName(finding.resolved.status)},
        {QStringLiteral("locationVerified"), location.trusted},
        // "located" findings have a trusted place but no checked quote.
        {QStringLiteral("quoteVerified"), quoteVerified(finding.resolved)},
        {QStringLiteral("citation"), finding.citation.text},
        {QStringLiteral("triageState"), triageName(triage.state)},
    };
    if (!finding.resolved.note.isEmpty())
        properties.insert(QStringLiteral("verificationNote"), finding.resolved.note);
    if (!triage.note.isEmpty())
        properties.insert(QStringLiteral("triageNote"), triage.note);
    if (!location.hasLine() && !finding.quote.isEmpty()) // no region to carry the snippet
        properties.insert(QStringLiteral("quote"), finding.quote);
    return properties;
}

QJsonObject result(const Finding &finding, int ruleIndex, const ExportContext &context) {
    const ExportLocation location = exportLocation(finding.citation, finding.resolved);
    const Triage triage = triageOf(finding, context);
    QString text = finding.title;
    if (!finding.explanation.isEmpty())
        text += QStringLiteral("\n\n") + finding.explanation;
    QJsonObject result{
        {QStringLiteral("ruleId"), categoryOf(finding)},
        {QStringLiteral("ruleIndex"), ruleIndex},
        {QStringLiteral("level"), levelFor(finding.severity)},
        {QStringLiteral("message"), message(text)},
        {QStringLiteral("partialFingerprints"),
         QJsonObject{{QStringLiteral("reposcopeFinding/v1"), fingerprint(finding)}}},
        {QStringLiteral("properties"), resultProperties(finding, location, triage)},
    };
    const QJsonObject physical = physicalLocation(location, finding.quote);
    if (!physical.isEmpty())
        result.insert(QStringLiteral("locations"),
                      QJsonArray{QJsonObject{{QStringLiteral("physicalLocation"), physical}}});
    const QJsonArray related = relatedLocations(finding);
    if (!related.isEmpty())
        result.insert(QStringLiteral("relatedLocations"), related);
    const QJsonArray flows = codeFlows(finding);
    if (!flows.isEmpty())
        result.insert(QStringLiteral("codeFlows"), flows);
    if (triage.state == TriageState::FalsePositive) {
        QJsonObject suppression{{QStringLiteral("kind"), QStringLiteral("external")},
                                {QStringLiteral("status"), QStringLiteral("accepted")}};
        suppression.insert(QStringLiteral("justification"),
                           triage.note.isEmpty()
                               ? QStringLiteral("Triaged as a false positive in RepoScope.")
                               : triage.note);
        result.insert(QStringLiteral("suppressions"), QJsonArray{suppression});
    }
    return result;
}

// One rule per category, in order of first appearance; its default level and
// security-severity are those of its most severe finding.
QJsonObject rule(const QString &category, Severity severity) {
    QJsonObject properties{{QStringLiteral("security-severity"), securitySeverity(severity)}};
    if (isSecurityCategory(category))
        properties.insert(QStringLiteral("tags"), QJsonArray{QStringLiteral("security")});
    return QJsonObject{
        {QStringLiteral("id"), category},
        {QStringLiteral("name"), ruleName(category)},
        {QStringLiteral("shortDescription"), message(categoryTitle(category))},
        {QStringLiteral("defaultConfiguration"),
         QJsonObject{{QStringLiteral("level"), levelFor(severity)}}},
        {QStringLiteral("properties"), properties},
    };
}

QJsonObject runProperties(const ExportContext &context) {
    QJsonObject properties;
    const auto add = [&properties](const char *key, const QString &value) {
        if (!value.isEmpty())
            properties.insert(QLatin1String(key), value);
    };
    add("repositoryName", context.repositoryName);
    add("provider", context.provider);
    add("model", context.model);
    add("task", context.task);
    add("question", context.question);
    properties.insert(QStringLiteral("answerComplete"), context.answerComplete);
    if (!context.answerComplete)
        add("incompleteReason", context.incompleteReason);
    return properties;
}

QJsonObject invocation(const ExportContext &context) {
    // A partial answer is an analysis that did not run to its end: the findings it holds are
    // real, the ones it would have held are missing.
    QJsonObject invocation{{QStringLiteral("executionSuccessful"), context.answerComplete}};
    if (context.askedAt.isValid())
        invocation.insert(QStringLiteral("startTimeUtc"),
                          context.askedAt.toUTC().toString(Qt::ISODateWithMs));
    if (!context.answerComplete) {
        QString text = QStringLiteral("The answer was cut off; findings may be missing.");
        if (!context.incompleteReason.isEmpty())
            text += QLatin1Char(' ') + context.incompleteReason;
        const QJsonObject notification{{QStringLiteral("level"), QStringLiteral("warning")},
                                       {QStringLiteral("message"), message(text)}};
        invocation.insert(QStringLiteral("toolExecutionNotifications"), QJsonArray{notification});
    }
    return invocation;
}

} // namespace

QByteArray toSarif(const QList<Finding> &findings, const ExportContext &context) {
    QStringList categories;
    QList<Severity> ruleSeverity; // most severe per category (enum order: Critical first)
    QJsonArray results;
    for (const Finding &finding : findings) {
        const QString category = categoryOf(finding);
        qsizetype index = categories.indexOf(category);
        if (index < 0) {
            index = categories.size();
            categories << category;
            ruleSeverity << finding.severity;
        }
        ruleSeverity[index] = std::min(ruleSeverity[index], finding.severity);
        results.append(result(finding, int(index), context));
    }
    QJsonArray rules;
    for (qsizetype i = 0; i < categories.size(); ++i)
        rules.append(rule(categories[i], ruleSeverity[i]));

    const QString version =
        context.toolVersion.isEmpty() ? QStringLiteral(REPOSCOPE_VERSION) : context.toolVersion;
    const QJsonObject driver{
        {QStringLiteral("name"), QStringLiteral("RepoScope")},
        {QStringLiteral("semanticVersion"), version},
        {QStringLiteral("version"), version},
        {QStringLiteral("rules"), rules},
    };
    QJsonObject run{
        {QStringLiteral("tool"), QJsonObject{{QStringLiteral("driver"), driver}}},
        {QStringLiteral("invocations"), QJsonArray{invocation(context)}},
        {QStringLiteral("results"), results},
        {QStringLiteral("properties"), runProperties(context)},
    };
    if (!context.repositoryRoot.isEmpty()) {
        const QString uri = rootUri(context.repositoryRoot);
        run.insert(QStringLiteral("originalUriBaseIds"),
                   QJsonObject{{kSrcRoot, QJsonObject{{QStringLiteral("uri"), uri}}}});
        if (!context.commit.isEmpty()) {
            QJsonObject provenance{
                {QStringLiteral("repositoryUri"), uri},
                {QStringLiteral("revisionId"), context.commit},
                {QStringLiteral("mappedTo"), QJsonObject{{QStringLiteral("uriBaseId"), kSrcRoot}}}};
            if (!context.ref.isEmpty())
                provenance.insert(QStringLiteral("branch"), context.ref);
            run.insert(QStringLiteral("versionControlProvenance"), QJsonArray{provenance});
        }
    }
    const QJsonObject log{
        {QStringLiteral("$schema"),
         QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
        {QStringLiteral("version"), QStringLiteral("2.1.0")},
        {QStringLiteral("runs"), QJsonArray{run}},
    };
    return QJsonDocument(log).toJson(QJsonDocument::Indented);
}

} // namespace reposcope::findings
