// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"

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
    struct State;
    Update processLine(qsizetype lineStart, qsizetype lineEnd);

    QString m_text;
    qsizetype m_processed = 0; // m_text[0, m_processed) is made of complete lines
    QList<Finding> m_findings;
    QList<Mention> m_mentions;
    // Parser state between lines (inside a code fence, a JSON block, a table, a heading's
    // finding); the implementation may add members below.
    bool m_inFence = false;
    bool m_inJson = false;
    qsizetype m_jsonStart = 0;
    QStringList m_tableColumns; // non-empty while inside a findings table
    int m_openFinding = -1;     // index of the finding later lines may still complete
};

// The rule id for a finding's title and explanation: "sql-injection", "command-injection",
// "xss", "path-traversal", "ssrf", "deserialization", "hardcoded-secret", "weak-crypto",
// "missing-authz", "race-condition", ... or "general".
QString categorize(const QString &title, const QString &explanation);
// A human title for a category id ("SQL injection").
QString categoryTitle(const QString &category);

} // namespace reposcope::findings
