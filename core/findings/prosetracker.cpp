// SPDX-License-Identifier: MIT
// The structure of prose answers, line by line: which lines form an item (a heading and
// its section, a bold-lead paragraph, a list item with its nested lines, a table row), how
// items nest, which ones are groups ("### 🔴 Critical") or containers of findings, and when
// an item becomes a finding (parseProseItem says so) or changes.
#include "findings/extractinternal.h"
#include "findings/proseitems.h"

#include <QVarLengthArray>

namespace reposcope::findings::detail {

namespace {

qsizetype indentation(QStringView line) {
    qsizetype n = 0;
    while (n < line.size() && (line[n] == u' ' || line[n] == u'\t'))
        ++n;
    return n;
}

int headingLevel(QStringView line) {
    const qsizetype p = indentation(line);
    if (p > 3)
        return 0;
    qsizetype q = p;
    while (q < line.size() && line[q] == u'#')
        ++q;
    const qsizetype level = q - p;
    if (level == 0 || level > 6 || q >= line.size() || line[q] != u' ')
        return 0;
    return int(level);
}

bool isRule(QStringView line) {
    const QStringView t = line.trimmed();
    if (t.size() < 3)
        return false;
    const QChar c = t.front();
    if (c != u'-' && c != u'*' && c != u'_')
        return false;
    for (QChar x : t) {
        if (x != c && x != u' ')
            return false;
    }
    return true;
}

// The line's text after its indentation, list marker or heading hashes.
QStringView contentOf(QStringView line) {
    QStringView t = line.trimmed();
    while (t.startsWith(u'>'))
        t = t.sliced(1).trimmed();
    while (t.startsWith(u'#'))
        t = t.sliced(1);
    const qsizetype marker = listMarkerEnd(t);
    return (marker > 0 ? t.sliced(marker) : t).trimmed();
}

} // namespace

void ProseTracker::line(QStringView text, qsizetype start, qsizetype end, Claim claim,
                        QList<Report> &out) {
    const QStringView line = text.sliced(start, end - start);
    if (claim == Claim::Used) {
        m_blank = false;
        m_prevRow = isTableRow(line);
        return;
    }
    if (isBlank(line)) {
        m_blank = true;
        m_prevRow = false;
        while (!m_stack.isEmpty() && m_stack.last().kind == ProseKind::Row)
            m_stack.removeLast();
        return;
    }
    const bool blankBefore = std::exchange(m_blank, false);
    const bool row = isTableRow(line);
    const bool prevRow = std::exchange(m_prevRow, row);
    const qsizetype indent = indentation(line);
    const int heading = headingLevel(line);
    const QStringView content = contentOf(line);
    if (m_closedLevel > 0) {
        if (heading == 0 || heading > m_closedLevel)
            return;
        m_closedLevel = 0;
    }
    if (claim == Claim::None && (heading > 0 || (blankBefore && indent == 0)) &&
        isClosingText(content)) {
        // "## Summary", "In summary, ...": the findings are over; a recap repeats them.
        popAll();
        if (heading > 0 || m_sawFinding)
            m_closedLevel = heading > 0 ? heading : 6;
        return;
    }
    if (claim == Claim::None && isRule(line) && !row) {
        while (!m_stack.isEmpty() && m_stack.last().state != State::Group)
            m_stack.removeLast();
        return;
    }

    std::optional<ProseKind> kind;
    int level = 0;
    if (heading > 0) {
        kind = ProseKind::Heading;
        level = heading;
    } else if (row) {
        if (!prevRow || isTableSeparator(line))
            return; // a header row or the separator: not prose
        kind = ProseKind::Row;
        level = int(indent);
    } else if (claim == Claim::None && parseFieldLine(line).field != Field::None) {
        // "- Location: ...", "**Severity:** High": part of the item they sit in.
    } else if (listMarkerEnd(line) > 0) {
        kind = ProseKind::List;
        level = int(indent);
    } else if (claim == Claim::Created ||
               ((blankBefore || m_prevHeading) && indent == 0 && startsProseSection(content))) {
        kind = ProseKind::Section;
        level = 7;
    }
    m_prevHeading = heading > 0;

    if (kind) {
        const auto keep = [&](const Item &top) {
            switch (*kind) {
            case ProseKind::Heading:
                return top.kind == ProseKind::Heading && top.level < level;
            case ProseKind::Section:
                return top.kind == ProseKind::Heading;
            case ProseKind::List:
            case ProseKind::Row:
                return top.kind == ProseKind::Heading || top.kind == ProseKind::Section ||
                       (top.kind == ProseKind::List && top.level < level);
            }
            return false;
        };
        while (!m_stack.isEmpty() && !keep(m_stack.last()))
            m_stack.removeLast();
        if (m_stack.isEmpty())
            m_lines.clear();
        push(*kind, level, start, content, claim);
    } else {
        if (prevRow) {
            while (!m_stack.isEmpty() && m_stack.last().kind == ProseKind::Row)
                m_stack.removeLast();
        }
        if (blankBefore) {
            // A paragraph after a blank line leaves the list items it is not indented under.
            while (!m_stack.isEmpty() &&
                   ((m_stack.last().kind == ProseKind::List && m_stack.last().level >= indent) ||
                    m_stack.last().kind == ProseKind::Row))
                m_stack.removeLast();
        }
        if (m_stack.isEmpty()) {
            m_lines.clear();
            return;
        }
    }
    if (claim == Claim::Created)
        return; // a structured finding: structuredFinding() says which items it claims
    ProseLine record;
    record.start = start;
    record.end = end;
    record.blankBefore = blankBefore;
    record.nested = kind.has_value();
    m_lines.append(record);
    evaluate(text, out);
}

void ProseTracker::fence(QStringView text, qsizetype start, qsizetype end, QList<Report> &out) {
    m_prevRow = false;
    if (m_stack.isEmpty() || m_closedLevel > 0)
        return;
    ProseLine record;
    record.start = start;
    record.end = end;
    record.fence = true;
    record.blankBefore = std::exchange(m_blank, false);
    m_lines.append(record);
    evaluate(text, out);
}

void ProseTracker::structuredFinding(qsizetype offset) {
    m_sawFinding = true;
    for (Item &item : m_stack) {
        if (item.start == offset)
            item.state = State::Claimed;
        else if (item.state == State::Candidate)
            item.state = State::Group;
    }
}

void ProseTracker::push(ProseKind kind, int level, qsizetype start, QStringView head, Claim claim) {
    Item item;
    item.id = m_nextId++;
    item.kind = kind;
    item.level = level;
    item.start = start;
    item.firstLine = m_lines.size();
    if (claim == Claim::Created) {
        item.state = State::Claimed;
    } else if (kind != ProseKind::Row) {
        item.severity = groupSeverity(head);
        if (item.severity)
            item.state = State::Group;
    }
    m_stack.append(item);
}

void ProseTracker::popAll() {
    m_stack.clear();
    m_lines.clear();
}

void ProseTracker::evaluate(QStringView text, QList<Report> &out) {
    // What each item inherits: blocked under an item that is (or claims) a finding, and
    // the severity of the nearest group.
    QVarLengthArray<bool, 8> blocked(m_stack.size());
    QVarLengthArray<std::optional<Severity>, 8> inherited(m_stack.size());
    bool block = false;
    std::optional<Severity> severity;
    for (qsizetype k = 0; k < m_stack.size(); ++k) {
        blocked[k] = block;
        inherited[k] = severity;
        const Item &item = m_stack[k];
        block = block || item.state == State::Emitted || item.state == State::Claimed;
        if (item.state == State::Group && item.severity)
            severity = item.severity;
    }
    bool emitted = false;
    for (qsizetype k = m_stack.size() - 1; k >= 0; --k) {
        Item &item = m_stack[k];
        if (blocked[k] || (item.state != State::Candidate && item.state != State::Emitted))
            continue;
        if (item.state == State::Candidate && emitted)
            continue;
        const qsizetype span = m_lines.last().end - item.start;
        if (item.span > kProseItemLimit)
            continue; // its first characters were read already: nothing can change
        item.span = span;
        std::optional<Finding> finding =
            parseProseItem(text, m_lines.constData() + item.firstLine,
                           m_lines.size() - item.firstLine, item.kind, inherited[k]);
        if (!finding)
            continue;
        Report report;
        report.item = item.id;
        report.added = item.state == State::Candidate;
        report.finding = std::move(*finding);
        report.offset = item.start;
        out.append(std::move(report));
        if (item.state == State::Candidate) {
            item.state = State::Emitted;
            emitted = true;
            m_sawFinding = true;
            for (qsizetype j = 0; j < k; ++j) {
                if (m_stack[j].state == State::Candidate)
                    m_stack[j].state = State::Group;
            }
        }
    }
}

} // namespace reposcope::findings::detail
