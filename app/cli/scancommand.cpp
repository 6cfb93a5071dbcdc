// SPDX-License-Identifier: MIT
// `reposcope-cli scan`: the secrets in a selection, for pre-commit hooks and CI.
#include "clicommands.h"
#include "clishared.h"

#include "repo/reposcanner.h"
#include "security/secrets/allowlist.h"
#include "security/secrets/filescan.h"
#include "security/secrets/secretscanner.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QThreadPool>
#include <QUrl>

namespace reposcope::cli {

namespace {

using security::secrets::SecretHit;

QString sarifLevel(security::secrets::Severity s) {
    switch (s) {
    case security::secrets::Severity::Critical:
    case security::secrets::Severity::High:
        return QStringLiteral("error");
    case security::secrets::Severity::Medium:
        return QStringLiteral("warning");
    case security::secrets::Severity::Low:
        return QStringLiteral("note");
    }
    return QStringLiteral("warning");
}

QByteArray sarifLog(const QList<SecretHit> &hits, const security::secrets::RuleSet &rules,
                    const repo::RepoInfo &info) {
    QJsonArray ruleList;
    QHash<QString, int> ruleIndex;
    for (const security::secrets::Rule &r : rules.rules()) {
        if (!r.enabled)
            continue;
        ruleIndex.insert(r.id, int(ruleList.size()));
        ruleList.append(
            QJsonObject{{QStringLiteral("id"), r.id},
                        {QStringLiteral("shortDescription"),
                         QJsonObject{{QStringLiteral("text"), r.description}}},
                        {QStringLiteral("defaultConfiguration"),
                         QJsonObject{{QStringLiteral("level"), sarifLevel(r.severity)}}},
                        {QStringLiteral("properties"),
                         QJsonObject{{QStringLiteral("security-severity"),
                                      security::secrets::severityName(r.severity)}}}});
    }
    QJsonArray results;
    for (const SecretHit &h : hits) {
        QJsonObject region{{QStringLiteral("startLine"), h.line},
                           {QStringLiteral("startColumn"), h.column},
                           {QStringLiteral("endLine"), h.endLine}};
        QJsonObject location{
            {QStringLiteral("physicalLocation"),
             QJsonObject{
                 {QStringLiteral("artifactLocation"),
                  QJsonObject{{QStringLiteral("uri"), QString::fromLatin1(QUrl::toPercentEncoding(
                                                          QString::fromUtf8(h.path), "/"))},
                              {QStringLiteral("uriBaseId"), QStringLiteral("SRCROOT")}}},
                 {QStringLiteral("region"), region}}}};
        const QJsonObject fingerprints{
            {QStringLiteral("reposcopeSecret/v1"), QString::fromLatin1(h.fingerprint)}};
        QJsonObject result{
            {QStringLiteral("ruleId"), h.ruleId},
            {QStringLiteral("level"), sarifLevel(h.severity)},
            {QStringLiteral("message"),
             QJsonObject{{QStringLiteral("text"),
                          QString(h.description + QStringLiteral(": ") + h.masked)}}},
            {QStringLiteral("locations"), QJsonArray{location}},
            {QStringLiteral("partialFingerprints"), fingerprints}};
        if (ruleIndex.contains(h.ruleId))
            result.insert(QStringLiteral("ruleIndex"), ruleIndex.value(h.ruleId));
        results.append(result);
    }
    QString root = info.rootPath;
    if (!root.endsWith(QLatin1Char('/')))
        root += QLatin1Char('/');
    const QJsonObject run{
        {QStringLiteral("tool"),
         QJsonObject{{QStringLiteral("driver"),
                      QJsonObject{{QStringLiteral("name"), QStringLiteral("RepoScope secret scan")},
                                  {QStringLiteral("version"), QStringLiteral(REPOSCOPE_VERSION)},
                                  {QStringLiteral("rules"), ruleList}}}}},
        {QStringLiteral("originalUriBaseIds"),
         QJsonObject{{QStringLiteral("SRCROOT"),
                      QJsonObject{{QStringLiteral("uri"),
                                   QUrl::fromLocalFile(root).toString(QUrl::FullyEncoded)}}}}},
        {QStringLiteral("results"), results}};
    return QJsonDocument(
               QJsonObject{{QStringLiteral("$schema"),
                            QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
                           {QStringLiteral("version"), QStringLiteral("2.1.0")},
                           {QStringLiteral("runs"), QJsonArray{run}}})
        .toJson(QJsonDocument::Indented);
}

QJsonObject hitJson(const SecretHit &h, bool secretFile) {
    QJsonObject o{{QStringLiteral("path"), QString::fromUtf8(h.path)},
                  {QStringLiteral("line"), h.line},
                  {QStringLiteral("column"), h.column},
                  {QStringLiteral("endLine"), h.endLine},
                  {QStringLiteral("rule"), h.ruleId},
                  {QStringLiteral("severity"), security::secrets::severityName(h.severity)},
                  {QStringLiteral("description"), h.description},
                  {QStringLiteral("masked"), h.masked},
                  {QStringLiteral("fingerprint"), QString::fromLatin1(h.fingerprint)}};
    if (secretFile)
        o.insert(QStringLiteral("excluded"), QStringLiteral("secret file"));
    return o;
}

} // namespace

int runScan(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Reports the secrets (keys, tokens, passwords) in the files a pack would hold, "
            "plus the files left out as secret files (.env, *.pem, ...). Shows masked previews "
            "only, never a secret. Rules: the built-in set, overlaid by the user's "
            "secrets.json and the repository's .reposcope/secrets.json (docs/secrets.md). "
            "Secrets the allow list names (the user's list for the repository, and the "
            "repository's .reposcope/secrets-allow.json) are not reported; the summary says how "
            "many were allowed.\n\n") +
        exitCodesFor(QStringLiteral("scan")));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Repository or folder."));
    SelectionFlags flags;
    parser.addOptions({flags.ref, flags.include, flags.exclude, flags.sizeCap, flags.keepDefaults,
                       flags.secretFiles});
    QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of lines."));
    QCommandLineOption sarif(QStringLiteral("sarif"),
                             QStringLiteral("Also write the findings as SARIF 2.1.0 to FILE."),
                             QStringLiteral("FILE"));
    QCommandLineOption rulesFile(QStringLiteral("rules"),
                                 QStringLiteral("Overlay these secret rules (JSON) last."),
                                 QStringLiteral("FILE"));
    parser.addOptions({json, sarif, rulesFile});
    if (const std::optional<int> done = parseArguments(parser, arguments))
        return *done;
    repo::ScanOptions options;
    if (const std::optional<int> wrong = scanOptionsFrom(parser, flags, &options))
        return *wrong;
    QElapsedTimer timer;
    timer.start();
    Result<repo::ScanResult> scanned = repo::scanRepository(options, nullptr);
    if (!scanned) {
        err() << "error: " << cliWording(scanned.error().message) << "\n";
        return ExitOpen;
    }
    for (const QString &w : scanned->info.warnings)
        err() << "warning: " << w << "\n";

    QStringList warnings;
    security::secrets::RuleSet rules = security::secrets::RuleSet::load(
        security::secrets::RuleSet::defaultUserFile(),
        security::secrets::RuleSet::repositoryFile(scanned->info.rootPath), &warnings);
    if (parser.isSet(rulesFile)) {
        if (!QFile::exists(parser.value(rulesFile))) {
            err() << "error: --rules " << parser.value(rulesFile) << ": no such file\n";
            return ExitUsage;
        }
        QStringList extra;
        rules = security::secrets::RuleSet::load(parser.value(rulesFile), {}, &extra);
        if (!extra.isEmpty()) {
            err() << "error: " << extra.join(QStringLiteral("; ")) << "\n";
            return ExitUsage;
        }
    }
    const security::secrets::SecretScanner scanner(rules);
    for (const QString &w : warnings + scanner.problems())
        err() << "warning: " << w << "\n";

    // The selection, plus the files left out only for their secret-looking names.
    std::vector<repo::ScannedFile> files;
    QSet<QByteArray> secretFiles;
    for (const repo::ScannedFile &f : scanned->files) {
        if (f.kind != repo::EntryKind::File)
            continue;
        if (f.exclusion == repo::Exclusion::SecretFile)
            secretFiles.insert(f.path);
        else if (f.exclusion != repo::Exclusion::None)
            continue;
        files.push_back(f);
    }
    QThreadPool pool;
    const int workers = std::max(1, QThread::idealThreadCount());
    pool.setMaxThreadCount(workers);
    security::secrets::FileScanOptions scanOptions;
    scanOptions.skipGenerated = !parser.isSet(flags.keepDefaults);
    security::secrets::FileScanResult result =
        security::secrets::scanFiles(scanned->info, files, scanner, &pool, workers, scanOptions);
    for (const QString &p : result.problems)
        err() << "warning: " << p << "\n";
    QStringList allowWarnings;
    const security::secrets::AllowList allow =
        security::secrets::AllowList::loadFor(scanned->info.rootPath, &allowWarnings);
    for (const QString &w : allowWarnings)
        err() << "warning: " << w << "\n";
    const qsizetype allowed =
        result.hits.removeIf([&allow](const SecretHit &h) { return allow.allows(h); });

    QSet<QByteArray> filesWithHits;
    for (const SecretHit &h : result.hits)
        filesWithHits.insert(h.path);
    if (parser.isSet(sarif)) {
        QSaveFile file(parser.value(sarif));
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(sarifLog(result.hits, rules, scanned->info)) < 0 || !file.commit()) {
            err() << "error: cannot write " << parser.value(sarif) << ": " << file.errorString()
                  << "\n";
            return ExitOutput;
        }
    }
    if (parser.isSet(json)) {
        QJsonArray hits;
        for (const SecretHit &h : result.hits)
            hits.append(hitJson(h, secretFiles.contains(h.path)));
        out() << orderedJson({
            {QStringLiteral("secrets"), qint64(result.hits.size())},
            {QStringLiteral("filesWithSecrets"), qint64(filesWithHits.size())},
            {QStringLiteral("allowed"), qint64(allowed)},
            {QStringLiteral("filesScanned"), result.filesScanned},
            {QStringLiteral("bytesScanned"), result.bytesScanned},
            {QStringLiteral("repository"), scanned->info.rootPath},
            {QStringLiteral("commit"), scanned->info.shortSha},
            {QStringLiteral("hits"), hits},
        });
    } else {
        for (const SecretHit &h : result.hits)
            out() << QString::fromUtf8(h.path) << ':' << h.line << ':' << h.column << ": "
                  << h.ruleId << " (" << security::secrets::severityName(h.severity) << ") "
                  << h.masked
                  << (secretFiles.contains(h.path) ? QStringLiteral("  [secret file]") : QString())
                  << "\n";
    }
    err() << QStringLiteral("%1 secret(s) in %2 file(s)%6; scanned %3 files, %4 bytes in %5 ms\n")
                 .arg(result.hits.size())
                 .arg(filesWithHits.size())
                 .arg(result.filesScanned)
                 .arg(result.bytesScanned)
                 .arg(timer.elapsed())
                 .arg(allowed ? QStringLiteral(", %1 more allowed by the allow list").arg(allowed)
                              : QString());
    return result.hits.isEmpty() ? ExitOk : ExitSecretsFound;
}

} // namespace reposcope::cli
