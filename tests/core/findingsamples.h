// SPDX-License-Identifier: MIT
// A rich set of findings for the export tests: every severity and status, a data-flow
// chain, a finding without a line, one without any location, text that needs escaping or
// quoting, and triage verdicts.
#pragma once

#include "findings/findingsexport.h"

namespace reposcope::test {

// The findings, in order:
//  0 CRITICAL sql-injection, verified, lines 42-44, two-step flow
//  1 HIGH command-injection, corrected (cited 40, found 47)
//  2 MEDIUM xss, unverified (invented path, cited line 10)
//  3 LOW general, verified, no line (path only)
//  4 INFO hardcoded-secret, verified, unicode path with a space, quote with newlines,
//    commas and quotes; title with Markdown and HTML
//  5 HIGH sql-injection (same rule as 0), corrected path
//  6 MEDIUM general, no location at all
QList<findings::Finding> sampleFindings(int lineShift = 0);

// Confirms finding 0 (with a note) and marks finding 4 a false positive (note with a
// comma and a quote).
void triageSamples(findings::TriageStore &store, const QList<findings::Finding> &findings);

// A context with every field set.
findings::ExportContext sampleContext(const QString &root);

} // namespace reposcope::test
