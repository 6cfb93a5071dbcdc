// SPDX-License-Identifier: MIT
#pragma once

// Internal to core/findings: findings written as prose instead of the requested format
// ("1. **SQL injection (High)** — in `app/db.py` (line 12) the query ..."). The item
// parser (proseitems.cpp) turns one item's lines into a finding; the tracker
// (prosetracker.cpp) follows the answer's structure line by line (headings, bold leads,
// list items, table rows, nesting) and decides which lines form an item. docs/findings.md,
// "Prose answers", describes the rules.
//
// The rule against false positives: an item is a finding only when it carries a severity
// of its own (a label such as "(High)", "**Critical**", "Severity: low", "high-severity",
// "High:" at its start, a 🔴/🟠/🟡/🟢/🔵 emoji, or a "Severity:" line) or sits under a
// heading or list item that is only a severity ("### 🔴 Critical"), AND cites a location
// (path with a line, or a file path in backticks). "1. Install the deps" is no finding,
// nor is prose that merely mentions app/db.py:12.

#include "findings/finding.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace reposcope::findings::detail {

// One line of an item, as offsets into the answer text.
struct ProseLine {
    qsizetype start = 0;
    qsizetype end = 0;
    bool fence = false;       // the content of a code fence: a quote candidate, not prose
    bool blankBefore = false; // a blank line precedes it
    bool nested = false;      // it starts an item nested in this one (list item, table row)
};

enum class ProseKind { Heading, Section, List, Row };

// An item's first this many characters are read; the rest does not change its finding.
constexpr qsizetype kProseItemLimit = 4000;

// The finding an item makes, or nullopt when it is none (no severity or no location).
// `inherited`: the severity of the group heading the item sits under, if any.
std::optional<Finding> parseProseItem(QStringView text, const ProseLine *lines, qsizetype count,
                                      ProseKind kind, std::optional<Severity> inherited);

// --- Words (prosesyntax.cpp) ---

// The first severity label in a line of prose ("(High)", "**Critical**", "Severity: low",
// "high-severity", "High:" at the start, "— Critical" at the end); nullopt when none.
std::optional<Severity> severityIn(QStringView text);
// The first severity emoji: 🔴 critical, 🟠 high, 🟡 medium, 🟢 low, 🔵 and ⚪ info.
std::optional<Severity> emojiSeverity(QStringView text);
// The same at the start only ("🔴 **SQL injection**", "**🟠 High**"): prose that merely
// uses an emoji mid-sentence has no severity by it.
std::optional<Severity> leadingEmojiSeverity(QStringView text);
QString withoutEmoji(QString text);
// The text with its code spans blanked out (a label quoted in code is no label).
QString withoutCodeSpans(QStringView text);
// The text without its severity labels and emoji ("SQL injection (High)" -> "SQL injection").
QString removeSeverityLabels(QString text);
// Without "1. ", "2) ", "#3 ", "Finding 1:" at the start.
QStringView skipNumbering(QStringView text);
// Without emphasis, separators and spaces at both ends (and a backtick the cut left alone).
QString trimPunctuation(const QString &text);

struct CodeSpan {
    qsizetype pos = 0; // of the opening backtick
    qsizetype length = 0;
    QString content;
};
QList<CodeSpan> codeSpans(QStringView text);
// A code span that names a file ("app/db.py", "app/db.py:12"), not code.
std::optional<Citation> pathSpan(const QString &content);
// Code rather than a name: "db.Query(q)", not "id".
bool isCodeLike(const QString &content);
// The text before a code span offers it as the fix ("use `hmac.compare_digest`").
bool isSuggestion(QStringView before);
// What the prose right before a citation makes of it in a data flow.
enum class Role { None, Source, Sink };
Role roleBefore(QStringView before);

// The title of an item's head: its bold lead without severity and numbering, else its
// first clause (cut before the first citation); `rest` is the head after it.
struct ProseTitle {
    QString title;
    QString rest;
};
ProseTitle proseTitle(const QString &head);
// The code span in `text` nearest the citation at `citationPos`, from `from` on: code
// before names, a suggested fix last, never a span that names a file. "" when none.
QString nearestCodeSpan(QStringView text, qsizetype citationPos, qsizetype from = 0);

// The severity of a heading or list item that names only a severity ("### 🔴 Critical",
// "**High severity issues (2)**", "- Low:"); nullopt otherwise. `head` without markers.
std::optional<Severity> groupSeverity(QStringView head);
// A line that starts a bold-lead or severity-lead paragraph ("**SQL injection.** ...",
// "🔴 Critical: ...", "High — ..."), markers already removed.
bool startsProseSection(QStringView head);
// "Summary:", "In summary", "Overall,", "In conclusion", "Let me know ..." at the start.
bool isClosingText(QStringView text);
// The fields an extractor compares before reporting a change (not ordinal, offset,
// category or resolution).
bool sameFinding(const Finding &a, const Finding &b);

// Follows the structure of the prose outside the structured findings. Pure function of
// the lines it is given, in order, so the result does not depend on how the answer was
// split. Not thread-safe.
class ProseTracker {
public:
    // What an item's finding is now: `added` the first time, then whenever a line of
    // the item arrives (the caller compares).
    struct Report {
        int item = 0;
        bool added = false;
        Finding finding;
        qsizetype offset = 0;
    };
    enum class Claim {
        None,    // no structured finding used the line
        Used,    // it completed an open structured finding (field, continuation, table)
        Created, // it started a structured finding
    };

    // A complete line outside code fences, [start, end) of `text` (the whole answer).
    void line(QStringView text, qsizetype start, qsizetype end, Claim claim, QList<Report> &out);
    // A code fence that closed; its content [start, end) belongs to the open item.
    void fence(QStringView text, qsizetype start, qsizetype end, QList<Report> &out);
    // A structured finding that starts at `offset` was added: the item that starts there is
    // that finding, the open items around it only contain it.
    void structuredFinding(qsizetype offset);

private:
    enum class State { Candidate, Group, Claimed, Emitted };
    struct Item {
        int id = 0;
        ProseKind kind = ProseKind::List;
        int level = 0;           // heading level 1-6, 7 for a section, the indentation for a list
        qsizetype start = 0;     // offset of its first line in the answer
        qsizetype firstLine = 0; // index into m_lines
        State state = State::Candidate;
        std::optional<Severity> severity; // a group's severity
        qsizetype span = 0;               // characters seen at the last evaluation
    };
    void push(ProseKind kind, int level, qsizetype start, QStringView head, Claim claim);
    void popAll();
    void evaluate(QStringView text, QList<Report> &out);

    QList<Item> m_stack; // outermost first
    QList<ProseLine> m_lines;
    bool m_blank = true;        // the previous line was blank (or there was none)
    bool m_prevRow = false;     // the previous line was a table row
    bool m_prevHeading = false; // the previous line was a heading: a paragraph starts
    bool m_sawFinding = false;  // a finding (prose or structured) came before
    int m_closedLevel = 0;      // inside a "## Summary" section of this level: no findings
    int m_nextId = 0;
};

} // namespace reposcope::findings::detail
