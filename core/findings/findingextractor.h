// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"
#include "findings/proseitems.h"

#include <QHash>

#include <QStringList>

#include <utility>

namespace reposcope::findings {

// Turns an answer into findings while it streams (docs/findings.md describes the format
// the templates ask for and every variant accepted).
//
// Feed it the answer's deltas in order; it works on complete lines only and keeps the
// unfinished last line for the next call, so the findings are identical however the
// answer is split. A finding is reported once its line is complete; later lines that
// belong to it (a "Flow:" line, a wrapped explanation, the rows of a JSON block) update
// it, reported through `changed` below.
//
// Accepted styles: the format's bullets ("- [HIGH] Title — path:line — \"quote\" —
// explanation", numbered or not, bold or not, with —, –, -, | or : separators), Markdown
// tables with a severity column, fenced ```json blocks holding an array (or an object
// with a "findings" array) of objects, and headed prose ("### HIGH: Title" followed by
// Location:/File:, Quote:/Code:, Explanation:/Why:, Flow: lines). Severity-less lines
// are not findings; their path:line mentions still become mentions.
//
// Prose that ignores the format ("1. **SQL injection (High)** — in `app/db.py` (line 12)
// ...", headed sections, bold leads, nested lists, other tables) becomes findings too
// when an item has a severity and a location (detail::ProseTracker, proseitems.h). A
// closing "Summary:" / "In summary" / "Overall," paragraph after a blank line ends the
// last finding in every style.
//
// Not thread-safe; cheap (linear in the text).
class FindingExtractor {
public:
    struct Update {
        QList<int> added;         // indexes into findings() of findings new in this call
        QList<int> changed;       // indexes of earlier findings this call completed further
        QList<int> mentionsAdded; // indexes into mentions()
    };

    // Appends a piece of the answer.
    Update feed(QStringView delta);
    // The answer is complete: the unfinished last line is processed too.
    Update finish();
    // Forgets everything (a re-asked answer starts again).
    void reset();

    const QList<Finding> &findings() const { return m_findings; }
    const QList<Mention> &mentions() const { return m_mentions; }
    // All the text fed so far.
    const QString &text() const { return m_text; }

    // Convenience: the findings and mentions of a complete answer.
    static FindingExtractor extractAll(QStringView answer);

private:
    void beginCall();
    Update takeUpdate();
    void processLine(qsizetype lineStart, qsizetype lineEnd, qsizetype nextLine);
    bool handleFence(QStringView line, qsizetype nextLine);
    void closeFence(qsizetype blockEnd);
    void extractJson(QStringView block, qsizetype blockStart);
    void handleTableLine(QStringView line, qsizetype lineStart);
    void handleTextLine(QStringView line, qsizetype lineStart);
    bool handleFieldLine(QStringView line, qsizetype lineStart, qsizetype lineEnd);
    void applyField(int index, QStringView line);
    void continueFinding(QStringView line);
    bool continuesFinding(QStringView line) const;
    void openPendingFinding(Severity severity, qsizetype sectionEnd);
    int addFinding(Finding finding, qsizetype offset);
    void markChanged(int index);
    void closeFinding();
    void appendMentions(QList<Mention> mentions);
    void feedProse(qsizetype lineStart, qsizetype lineEnd, qsizetype findingsBefore);
    void applyProse(const QList<detail::ProseTracker::Report> &reports);

    QString m_text;
    qsizetype m_processed = 0; // m_text[0, m_processed) is made of complete lines
    qsizetype m_scanned = 0;   // m_text[m_processed, m_scanned) holds no line end
    QList<Finding> m_findings;
    QList<Mention> m_mentions;
    Update m_update;                // of the current feed() or finish()
    qsizetype m_findingsAtCall = 0; // findings that existed before the current call
    // Parser state between lines: fences, tables, the finding later lines may complete.
    bool m_inFence = false;
    bool m_inJson = false;            // the open fence may hold findings as JSON
    bool m_fenceDeclaredJson = false; // ... and says so (```json)
    bool m_fenceIsQuote = false;      // it follows a bare "Quote:" line: its text is the quote
    QChar m_fenceChar;
    qsizetype m_fenceLength = 0;
    qsizetype m_jsonStart = 0;     // first line inside the open fence
    QStringList m_tableColumns;    // non-empty while inside a findings table
    bool m_inOtherTable = false;   // inside a table that holds no findings
    int m_openFinding = -1;        // index of the finding later lines may still complete
    bool m_openIsHeading = false;  // it started with a heading: field lines follow it
    bool m_sawBlank = false;       // a blank line since the open finding's last line
    bool m_quoteFromFence = false; // a bare "Quote:" line: the next fence holds the quote
    bool m_flowList = false;       // a bare "Flow:" line: list items are its steps
    int m_citedAt = -1;            // finding whose citation the current line set
    // A heading without a severity ("### 1. SQL injection") waits for a "Severity:" line;
    // the field lines in between are replayed onto the finding it becomes.
    QString m_pendingTitle;
    qsizetype m_pendingOffset = -1;
    QList<std::pair<qsizetype, qsizetype>> m_pendingFields;
    bool m_prevBlank = true; // the previous line was blank (a paragraph starts)
    bool m_lineUsed = false; // the current line completed an open structured finding
    detail::ProseTracker m_prose;
    QHash<int, int> m_proseFindings; // prose item id -> index in m_findings
};

// The rule id for a finding's title and explanation: "sql-injection", "command-injection",
// "xss", "path-traversal", "ssrf", "deserialization", "hardcoded-secret", "weak-crypto",
// "missing-authz", "race-condition", ... or "general".
QString categorize(const QString &title, const QString &explanation);
// A human title for a category id ("SQL injection").
QString categoryTitle(const QString &category);
// Whether a category names a security weakness (SARIF tags its rule "security").
bool isSecurityCategory(const QString &category);

} // namespace reposcope::findings
