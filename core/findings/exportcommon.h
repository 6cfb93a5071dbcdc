// SPDX-License-Identifier: MIT
// Internal helpers shared by the SARIF, Markdown and CSV exports (not a public API).
#pragma once

#include "findings/findingextractor.h" // isSecurityCategory
#include "findings/findingsexport.h"

namespace reposcope::findings::exportcommon {

// The location an export shows for a citation: the resolved one when it can be trusted
// (verified, corrected or located), else what the model cited, marked untrusted.
struct ExportLocation {
    QString path;      // repository-relative, '/'-separated; empty when none was given
    int startLine = 0; // 0 = no line
    int endLine = 0;   // >= startLine when startLine > 0
    bool trusted = false;
    bool hasLine() const { return startLine > 0; }
};
ExportLocation exportLocation(const Citation &citation, const ResolvedLocation &resolved);

// "path:12", "path:12-14" or "path"; "" when there is no path.
QString locationText(const ExportLocation &location);

// The verdict on a finding from the context's store (untriaged when there is none).
Triage triageOf(const Finding &finding, const ExportContext &context);

// The flow as one line: "a.go:12 (source) -> b.go:40 (sink)".
QString flowText(const QList<FlowStep> &flow);

// The category id, "general" when empty.
QString categoryOf(const Finding &finding);

} // namespace reposcope::findings::exportcommon
