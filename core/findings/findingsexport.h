// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"
#include "findings/triage.h"

#include <QByteArray>
#include <QDateTime>

namespace reposcope::findings {

// What an export says about the run the findings came from.
struct ExportContext {
    QString toolVersion;                 // RepoScope's version
    QString repositoryName;              // folder name
    QString repositoryRoot;              // absolute path; SARIF originalUriBaseIds SRCROOT
    QString commit;                      // full or short SHA when known
    QString ref;                         // branch or ref audited ("" for the working tree)
    QString provider;                    // "Groq", "Local engine", ...
    QString model;                       // "meta-llama/llama-4-scout-17b-16e-instruct"
    QString task;                        // template title or "Custom question"
    QString question;                    // the question as sent (without the pack)
    QDateTime askedAt;                   // UTC
    const TriageStore *triage = nullptr; // optional: triage states and notes to include
    bool answerComplete = true;          // false: the answer was cut off (said in every export)
    QString incompleteReason;            // why it is not complete ("" = not known), said with it
};

// SARIF 2.1.0: one run; tool.driver with rules from the categories; levels from the
// severities (CRITICAL/HIGH error, MEDIUM warning, LOW/INFO note) plus a
// "security-severity" property; a physical location with a region (resolved lines;
// cited lines when unverified, marked in the properties); the quote as the region's
// snippet; a codeFlow for a data-flow chain; partialFingerprints stable across runs
// ("reposcopeFinding/v1"); the verification status ("verified", "corrected", "located",
// "unverified", "pending"), "locationVerified" (the place exists) and "quoteVerified" (the
// quote was found: false for "located") and triage in properties; the level stays the
// severity's whatever the status, as SARIF consumers rank by level; a
// suppression for findings triaged as false positive. A partial answer makes the
// invocation unsuccessful (executionSuccessful false) with a warning notification that
// says why, and run.properties.answerComplete false. UTF-8 JSON, indented.
QByteArray toSarif(const QList<Finding> &findings, const ExportContext &context);

// A Markdown report: a header with the context, a summary table by severity and status,
// then each finding with its location, quote (as a code block), explanation, flow and
// triage.
QByteArray toMarkdown(const QList<Finding> &findings, const ExportContext &context);

// CSV (RFC 4180, UTF-8, header row): severity, title, category, path, start line,
// end line, status, note, quote, explanation, flow, triage, triage note, fingerprint,
// answer ("complete", or "partial" for every finding of a cut-off answer).
QByteArray toCsv(const QList<Finding> &findings, const ExportContext &context);

} // namespace reposcope::findings
