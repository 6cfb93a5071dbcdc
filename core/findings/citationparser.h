// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"

namespace reposcope::findings {

// A citation found in free text.
struct CitationMatch {
    Citation citation;
    qsizetype offset = 0; // of the whole match in the text searched
    qsizetype length = 0;
};

// Every path-with-line mention in `text`, in order, non-overlapping:
//   path:42   path:40-52   path:40–52 (en dash)   path:L42   path#L10-L20   path#L10
//   path line 10   path, line 10   path lines 10-20   path (line 10)   `path:42`
//   path:42:7 (a column is ignored)
//   line 10 of path   lines 10–20 of `path`   lines 10 to 20 in path (the line first)
// A path must look like a file: it has an extension or a '/' (Makefile, Dockerfile and
// the like are accepted by name). URLs (scheme://...) and times ("10:30") are not
// citations. Backticks, quotes, brackets and a trailing period around a match are not
// part of the path.
QList<CitationMatch> findCitations(QStringView text);

// Parses one whole location field ("api/user.go:42-50", "`api/user.go` line 42",
// "api/user.go" with no line). nullopt when it holds no path.
std::optional<Citation> parseCitation(QStringView field);

} // namespace reposcope::findings
