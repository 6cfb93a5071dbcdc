// SPDX-License-Identifier: MIT
#pragma once

// Internal pieces of FindingExtractor, split by syntax: finding lines and their fields
// (findingsyntax.cpp), Markdown tables (findingtable.cpp) and JSON blocks
// (findingjson.cpp). Not for use outside core/findings. All pure functions of one line or
// one block, so the extractor's result cannot depend on how the answer was split.

#include "findings/finding.h"

#include <QStringList>

#include <optional>

namespace reposcope::findings::detail {

// --- Lines (findingsyntax.cpp) ---

bool isBlank(QStringView line);
bool isIndented(QStringView line);
// End of a list marker ("- ", "* ", "+ ", "• ", "12. ", "3) ") after the indentation; -1 if
// the line is not a list item.
qsizetype listMarkerEnd(QStringView line);
// A Markdown heading ("## Title") or a line that is bold as a whole ("**Title**", also as a
// list item): its text without the markup and a leading "1." numbering. nullopt otherwise.
std::optional<QString> headingText(QStringView line);

// A line that starts a finding: "- [HIGH] Title — path:line — \"quote\" — explanation",
// "### [HIGH] Title", "**HIGH: Title**" ... Offsets are not set.
struct FindingLine {
    Finding finding;      // severity, title, citation, quote, explanation
    bool heading = false; // a heading or a bold line: field lines follow it
};
std::optional<FindingLine> parseFindingLine(QStringView line);

// "Location: ...", "- **Quote:** ...", "Flow: ..." under a finding.
enum class Field { None, Location, Line, Quote, Explanation, Fix, Flow, Severity, Title, Ignored };
struct FieldLine {
    Field field = Field::None;
    QString label; // as written, without markup ("Recommendation")
    QString value; // trimmed, markup around it removed
};
FieldLine parseFieldLine(QStringView line);

// "a.go:12 \"quote\" → b.go:40 → c.go:7 (label)": steps split at →, ->, ⇒ outside quotes.
QList<FlowStep> parseFlow(QStringView text);
FlowStep parseFlowStep(QStringView text);

// The character that closes a quote opened by `open` (", “, `, and ' when `apostrophe`),
// or a null QChar. Flow lines leave ' out: their labels are prose ("the user's id").
QChar quoteCloser(QChar open, bool apostrophe = true);
// Removes the quotes or backticks around a quote and unescapes \" inside double quotes.
QString unwrapQuote(QStringView text);
// Line numbers of a "Line:" field or a line column: "42", "L42", "40-52", "40–52".
bool parseLineNumbers(QStringView text, int *start, int *end);
// Removes ** and __ emphasis around the text and trims it.
QString stripEmphasis(QStringView text);

// --- Tables (findingtable.cpp) ---

// Canonical column ids of a findings table's header row ("severity", "title", "location",
// "file", "line", "quote", "explanation", "fix", "flow", "" for others). Empty when the row
// does not name a severity column and a title or location column.
QStringList parseTableHeader(QStringView line);
bool isTableSeparator(QStringView line);
// The first word of a severity cell or field ("**HIGH**", "🔴 High", "High (CVSS 8.1)").
std::optional<Severity> parseSeverityCell(QStringView text);
bool isTableRow(QStringView line);
// The cells of a table row, trimmed; "\\|" is a pipe inside a cell, pipes in code spans too.
QStringList splitTableCells(QStringView line);
// One row of a findings table; nullopt when its severity cell holds no severity.
std::optional<Finding> parseTableRow(QStringView line, const QStringList &columns);

// --- JSON blocks (findingjson.cpp) ---

struct JsonFinding {
    Finding finding;
    QString anchor;          // text of the location as it appears in the block
    QStringList flowAnchors; // same for each flow step (parallel to finding.flow)
};
struct JsonBlock {
    bool valid = false; // parsed as JSON
    QList<JsonFinding> findings;
};
JsonBlock parseJsonBlock(QStringView block);

} // namespace reposcope::findings::detail
