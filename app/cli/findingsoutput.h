// SPDX-License-Identifier: MIT
#pragma once

#include "findings/findingsexport.h"
#include "prompt/packwriter.h"
#include "repo/reposnapshot.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

// ask's --sarif, --report and --csv: the answer's findings, verified against what the
// model read, written once the answer is complete (or cut off).
namespace reposcope::cli {

struct FindingsFlags {
    QCommandLineOption sarif{
        QStringLiteral("sarif"),
        QStringLiteral("Write the answer's findings, each verified against the files sent, as "
                       "SARIF 2.1.0 to FILE (for code-scanning services)."),
        QStringLiteral("FILE")};
    QCommandLineOption report{QStringLiteral("report"),
                              QStringLiteral("Write the findings as a Markdown report to FILE."),
                              QStringLiteral("FILE")};
    QCommandLineOption csv{QStringLiteral("csv"),
                           QStringLiteral("Write the findings as CSV (RFC 4180) to FILE."),
                           QStringLiteral("FILE")};

    void addTo(QCommandLineParser &p) { p.addOptions({sarif, report, csv}); }
    bool anySet(const QCommandLineParser &p) const {
        return p.isSet(sarif) || p.isSet(report) || p.isSet(csv);
    }
};

// What the question was asked on: the pack as sent and where each file lies in it.
struct AskedOn {
    repo::SnapshotPtr snapshot;
    QByteArray pack;
    prompt::PackManifest manifest;
    prompt::PackOptions packOptions;
};

// The repository part of an export's context (name, root, commit, ref) and the tool's
// version; the caller adds the provider, model, task, question and time.
findings::ExportContext exportContextFor(const repo::RepoInfo &info);

// Extracts the findings of `answer`, verifies them against the pack (and the snapshot for
// files the pack left out), adds the repository's triage verdicts, writes every file the
// flags name (each atomically) and prints "findings: N (...) -> FILES" on stderr.
// Returns ExitOk, or ExitOutput when a file could not be written (said on stderr; the
// other files are still written). Blocking: reads files the pack left out.
int writeFindings(const QCommandLineParser &parser, const FindingsFlags &flags,
                  const QString &answer, const AskedOn &askedOn, findings::ExportContext context);

} // namespace reposcope::cli
