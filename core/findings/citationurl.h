// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"

#include <QUrl>

#include <optional>

namespace reposcope::findings {

// The URL scheme of citation links in the chat ("reposcope-cite:?path=...&start=...&end=...").
inline constexpr QLatin1StringView kCitationScheme{"reposcope-cite"};

// A link to a cited location: the path (percent-encoded, so spaces, '#', '?', '&' and any
// Unicode survive) and the 1-based line range in the query; no line range when the citation
// has none. Cheap; any thread.
QUrl citationUrl(const Citation &citation);

// The citation a citationUrl() stands for: path, startLine and endLine (text is rebuilt as
// "path:start-end"). nullopt for another scheme, a missing or empty path, or bad line numbers.
std::optional<Citation> citationFromUrl(const QUrl &url);

} // namespace reposcope::findings
