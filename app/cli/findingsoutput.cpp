// SPDX-License-Identifier: MIT
#include "findingsoutput.h"
#include "clicommands.h"
#include "clishared.h"

#include "findings/citationverifier.h"
#include "findings/findingextractor.h"
#include "findings/sourceset.h"
#include "findings/triage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <functional>

namespace reposcope::cli {

namespace {

// Writes through a temporary file renamed over FILE, so a failure never leaves half a file.
Result<Ok> writeAtomically(const QString &file, const QByteArray &bytes) {
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot write %1: %2")
                               .arg(QDir::toNativeSeparators(file), out.errorString()));
    return Ok{};
}

QString counts(const QList<findings::Finding> &found) {
    int verified = 0;
    int corrected = 0;
    int located = 0;
    for (const findings::Finding &f : found) {
        verified += f.resolved.status == findings::VerificationStatus::Verified;
        corrected += f.resolved.status == findings::VerificationStatus::Corrected;
        located += f.resolved.status == findings::VerificationStatus::Located;
    }
    const qsizetype unverified = found.size() - verified - corrected - located;
    // "located": the place exists but no quote was checked; never counted as verified.
    return QStringLiteral("%1 (%2 verified, %3 corrected, %4 located, %5 unverified)")
        .arg(found.size())
        .arg(verified)
        .arg(corrected)
        .arg(located)
        .arg(unverified);
}

} // namespace

findings::ExportContext exportContextFor(const repo::RepoInfo &info) {
    findings::ExportContext context;
    context.toolVersion = QCoreApplication::applicationVersion();
    context.repositoryName = QFileInfo(info.rootPath).fileName();
    context.repositoryRoot = info.rootPath;
    context.commit = info.isGit ? (info.sha.isEmpty() ? info.shortSha : info.sha) : QString();
    context.ref = info.ref;
    return context;
}

int writeFindings(const QCommandLineParser &parser, const FindingsFlags &flags,
                  const QString &answer, const AskedOn &askedOn, findings::ExportContext context) {
    QList<findings::Finding> found = findings::FindingExtractor::extractAll(answer).findings();
    const findings::CitationVerifier verifier(findings::makePackSourceSet(
        askedOn.snapshot, askedOn.pack, askedOn.manifest, askedOn.packOptions));
    for (findings::Finding &f : found)
        verifier.verify(f);

    // The verdicts given in the app apply here too: false positives become suppressions.
    findings::TriageStore triage = findings::TriageStore::forRepository(context.repositoryRoot);
    if (const Result<Ok> loaded = triage.load(); !loaded)
        err() << "warning: " << loaded.error().message << "\n";
    context.triage = &triage;

    if (!context.answerComplete)
        err() << "the answer is partial: the findings below are those it holds so far\n";
    using Export = std::function<QByteArray(const QList<findings::Finding> &,
                                            const findings::ExportContext &)>;
    const QList<QPair<const QCommandLineOption *, Export>> outputs{
        {&flags.sarif, findings::toSarif},
        {&flags.report, findings::toMarkdown},
        {&flags.csv, findings::toCsv},
    };
    QStringList written;
    int exitCode = ExitOk;
    for (const auto &[option, exporter] : outputs) {
        if (!parser.isSet(*option))
            continue;
        const QString file = parser.value(*option);
        if (const Result<Ok> saved = writeAtomically(file, exporter(found, context)); !saved) {
            err() << "error: " << saved.error().message << "\n";
            exitCode = ExitOutput;
            continue;
        }
        written << file;
    }
    err() << "findings: " << counts(found);
    if (!written.isEmpty())
        err() << " -> " << written.join(QStringLiteral(", "));
    err() << "\n";
    err().flush();
    return exitCode;
}

} // namespace reposcope::cli
