// SPDX-License-Identifier: MIT
// The streaming state machine: complete lines in, findings and mentions out. The syntax of
// one line or one block lives in findingsyntax.cpp, findingfields.cpp, findingtable.cpp and
// findingjson.cpp.
#include "findings/findingextractor.h"

#include "findings/citationparser.h"
#include "findings/extractinternal.h"

#include <algorithm>

namespace reposcope::findings {

namespace {

qsizetype indentation(QStringView line) {
    qsizetype n = 0;
    while (n < line.size() && (line[n] == u' ' || line[n] == u'\t'))
        ++n;
    return n;
}

void appendText(QString &to, QStringView text) {
    if (text.isEmpty())
        return;
    if (!to.isEmpty())
        to += u' ';
    to += text;
}

QList<Mention> mentionsIn(QStringView line, qsizetype lineStart) {
    QList<Mention> mentions;
    for (const CitationMatch &match : findCitations(line)) {
        Mention mention;
        mention.citation = match.citation;
        mention.offset = lineStart + match.offset;
        mention.length = match.length;
        mentions.append(mention);
    }
    return mentions;
}

// The finding's own citation is a mention too, even when it is not a path:line match of
// its line (a table's file and line columns, a path without a line).
void ensureMention(QList<Mention> &mentions, const Citation &citation, QStringView line,
                   qsizetype lineStart) {
    if (citation.path.isEmpty())
        return;
    for (const Mention &mention : mentions) {
        if (mention.citation.path == citation.path)
            return;
    }
    QStringView found = citation.text;
    qsizetype at = found.isEmpty() ? -1 : line.indexOf(found);
    if (at < 0) {
        found = citation.path;
        at = line.indexOf(found);
    }
    if (at < 0)
        return;
    Mention mention;
    mention.citation = citation;
    mention.citation.text = found.toString();
    mention.offset = lineStart + at;
    mention.length = found.size();
    const auto before = std::find_if(mentions.begin(), mentions.end(),
                                     [&](const Mention &m) { return m.offset > mention.offset; });
    mentions.insert(before, mention);
}

// Places a JSON finding's citation in its block: the first occurrence of `anchor` at or
// after `from`. Returns the offset in the block, or -1.
qsizetype placeInBlock(QStringView block, const QString &anchor, const Citation &citation,
                       qsizetype from, qsizetype blockStart, QList<Mention> &mentions) {
    if (anchor.isEmpty() || citation.path.isEmpty())
        return -1;
    const qsizetype at = block.indexOf(anchor, from);
    if (at < 0)
        return -1;
    Mention mention;
    mention.citation = citation;
    mention.citation.text = anchor;
    mention.offset = blockStart + at;
    mention.length = anchor.size();
    mentions.append(mention);
    return at;
}

bool isClosingFence(QStringView line, QChar fenceChar, qsizetype fenceLength) {
    const QStringView t = line.trimmed();
    if (t.size() < fenceLength)
        return false;
    for (QChar c : t) {
        if (c != fenceChar)
            return false;
    }
    return true;
}

} // namespace

FindingExtractor::Update FindingExtractor::feed(QStringView delta) {
    beginCall();
    m_text.append(delta);
    for (qsizetype end = m_text.indexOf(u'\n', m_scanned); end >= 0;
         end = m_text.indexOf(u'\n', m_scanned)) {
        const qsizetype start = m_processed;
        m_processed = m_scanned = end + 1;
        processLine(start, end, end + 1);
    }
    m_scanned = m_text.size();
    return takeUpdate();
}

FindingExtractor::Update FindingExtractor::finish() {
    beginCall();
    if (m_processed < m_text.size()) {
        const qsizetype start = m_processed;
        m_processed = m_scanned = m_text.size();
        processLine(start, m_text.size(), m_text.size());
    }
    if (m_inFence)
        closeFence(m_text.size()); // an unterminated fence ends with the answer
    return takeUpdate();
}

void FindingExtractor::reset() {
    *this = FindingExtractor();
}

FindingExtractor FindingExtractor::extractAll(QStringView answer) {
    FindingExtractor extractor;
    extractor.feed(answer);
    extractor.finish();
    return extractor;
}

void FindingExtractor::beginCall() {
    m_update = Update();
    m_findingsAtCall = m_findings.size();
}

FindingExtractor::Update FindingExtractor::takeUpdate() {
    return std::exchange(m_update, Update());
}

void FindingExtractor::processLine(qsizetype lineStart, qsizetype lineEnd, qsizetype nextLine) {
    if (lineEnd > lineStart && m_text[lineEnd - 1] == u'\r')
        --lineEnd;
    const QStringView line = QStringView(m_text).sliced(lineStart, lineEnd - lineStart);
    if (m_inFence) {
        if (isClosingFence(line, m_fenceChar, m_fenceLength))
            closeFence(lineStart);
        return;
    }
    if (handleFence(line, nextLine))
        return;
    m_citedAt = -1;
    m_lineUsed = false;
    const qsizetype findingsBefore = m_findings.size();
    if (std::exchange(m_prevBlank, detail::isBlank(line)) && !detail::isIndented(line) &&
        detail::isClosingText(line)) {
        // "Summary:", "In summary, ...", "Overall, ..." after a blank line: the closing
        // paragraph is not part of the last finding.
        closeFinding();
        m_pendingOffset = -1;
        m_pendingFields.clear();
    }
    if (detail::isTableRow(line)) {
        handleTableLine(line, lineStart);
    } else {
        m_tableColumns.clear();
        m_inOtherTable = false;
        if (!handleFieldLine(line, lineStart, lineEnd))
            handleTextLine(line, lineStart);
    }
    feedProse(lineStart, lineEnd, findingsBefore);
    QList<Mention> mentions = mentionsIn(line, lineStart);
    if (m_citedAt >= 0)
        ensureMention(mentions, m_findings[m_citedAt].citation, line, lineStart);
    appendMentions(std::move(mentions));
}

void FindingExtractor::feedProse(qsizetype lineStart, qsizetype lineEnd, qsizetype findingsBefore) {
    using Claim = detail::ProseTracker::Claim;
    const qsizetype added = m_findings.size() - findingsBefore;
    const Claim claim = added > 0 ? Claim::Created : m_lineUsed ? Claim::Used : Claim::None;
    QList<detail::ProseTracker::Report> reports;
    m_prose.line(m_text, lineStart, lineEnd, claim, reports);
    for (qsizetype k = findingsBefore; k < findingsBefore + added; ++k)
        m_prose.structuredFinding(m_findings[k].answerOffset);
    applyProse(reports);
}

void FindingExtractor::applyProse(const QList<detail::ProseTracker::Report> &reports) {
    for (const detail::ProseTracker::Report &report : reports) {
        if (report.added) {
            if (report.offset == m_pendingOffset) {
                // The heading is a prose finding now: a later "Severity:" line is part of
                // it, not the start of another.
                m_pendingOffset = -1;
                m_pendingFields.clear();
            }
            m_proseFindings.insert(report.item, addFinding(report.finding, report.offset));
            continue;
        }
        const int index = m_proseFindings.value(report.item, -1);
        if (index < 0 || detail::sameFinding(m_findings[index], report.finding))
            continue;
        Finding &finding = m_findings[index];
        const int ordinal = finding.ordinal;
        const qsizetype offset = finding.answerOffset;
        finding = report.finding;
        finding.ordinal = ordinal;
        finding.answerOffset = offset;
        markChanged(index);
    }
}

bool FindingExtractor::handleFence(QStringView line, qsizetype nextLine) {
    const QStringView t = line.sliced(indentation(line));
    if (t.size() < 3 || (t[0] != u'`' && t[0] != u'~'))
        return false;
    const QChar fenceChar = t[0];
    qsizetype length = 0;
    while (length < t.size() && t[length] == fenceChar)
        ++length;
    const QString info = t.sliced(length).trimmed().toString().toLower();
    if (length < 3 || (fenceChar == u'`' && info.contains(u'`')))
        return false;
    const QString language = info.section(u' ', 0, 0);
    m_inFence = true;
    m_fenceChar = fenceChar;
    m_fenceLength = length;
    m_jsonStart = nextLine;
    m_fenceDeclaredJson = language == QLatin1String("json") || language == QLatin1String("jsonc") ||
                          language == QLatin1String("json5");
    m_inJson = m_fenceDeclaredJson || language.isEmpty();
    m_fenceIsQuote = m_quoteFromFence && m_openFinding >= 0;
    m_quoteFromFence = false;
    m_tableColumns.clear();
    m_inOtherTable = false;
    return true;
}

void FindingExtractor::closeFence(qsizetype blockEnd) {
    const qsizetype start = std::min(m_jsonStart, blockEnd);
    const QStringView block = QStringView(m_text).sliced(start, blockEnd - start);
    m_inFence = false;
    m_prevBlank = false;
    const bool json = std::exchange(m_inJson, false);
    if (std::exchange(m_fenceIsQuote, false)) {
        if (m_openFinding >= 0 && m_findings[m_openFinding].quote.isEmpty()) {
            m_findings[m_openFinding].quote = block.trimmed().toString();
            markChanged(m_openFinding);
        }
        return;
    }
    const qsizetype findingsBefore = m_findings.size();
    if (json)
        extractJson(block, start);
    if (m_findings.size() > findingsBefore) {
        for (qsizetype k = findingsBefore; k < m_findings.size(); ++k)
            m_prose.structuredFinding(m_findings[k].answerOffset);
        return;
    }
    QList<detail::ProseTracker::Report> reports;
    m_prose.fence(m_text, start, blockEnd, reports);
    applyProse(reports);
}

void FindingExtractor::extractJson(QStringView block, qsizetype blockStart) {
    const QStringView body = block.trimmed();
    if (!m_fenceDeclaredJson && !body.startsWith(u'[') && !body.startsWith(u'{'))
        return;
    const detail::JsonBlock parsed = detail::parseJsonBlock(block);
    QList<Mention> mentions;
    if (!parsed.valid) {
        if (!m_fenceDeclaredJson)
            return;
        // Malformed (or cut off): its path:line mentions still become links.
        for (qsizetype from = 0; from < block.size();) {
            qsizetype end = block.indexOf(u'\n', from);
            if (end < 0)
                end = block.size();
            mentions += mentionsIn(block.sliced(from, end - from), blockStart + from);
            from = end + 1;
        }
        appendMentions(std::move(mentions));
        return;
    }
    if (parsed.findings.isEmpty())
        return;
    closeFinding();
    m_pendingOffset = -1;
    qsizetype cursor = 0;
    for (const detail::JsonFinding &item : parsed.findings) {
        Finding finding = item.finding;
        const qsizetype at =
            placeInBlock(block, item.anchor, finding.citation, cursor, blockStart, mentions);
        qsizetype next = at >= 0 ? at + item.anchor.size() : cursor;
        for (qsizetype k = 0; k < finding.flow.size(); ++k) {
            const qsizetype step =
                placeInBlock(block, item.flowAnchors.value(k), finding.flow[k].citation, cursor,
                             blockStart, mentions);
            if (step >= 0)
                next = std::max(next, step + item.flowAnchors.value(k).size());
        }
        cursor = next;
        addFinding(std::move(finding), blockStart + std::max<qsizetype>(at, 0));
    }
    std::stable_sort(mentions.begin(), mentions.end(),
                     [](const Mention &a, const Mention &b) { return a.offset < b.offset; });
    appendMentions(std::move(mentions));
}

void FindingExtractor::handleTableLine(QStringView line, qsizetype lineStart) {
    if (!m_tableColumns.isEmpty()) {
        if (detail::isTableSeparator(line))
            return;
        m_lineUsed = true;
        if (std::optional<Finding> finding = detail::parseTableRow(line, m_tableColumns)) {
            const int index = addFinding(std::move(*finding), lineStart);
            m_citedAt = index;
        }
        return;
    }
    if (m_inOtherTable)
        return;
    closeFinding();
    m_tableColumns = detail::parseTableHeader(line);
    m_inOtherTable = m_tableColumns.isEmpty();
    m_lineUsed = !m_inOtherTable;
    if (!m_inOtherTable)
        m_pendingOffset = -1;
}

bool FindingExtractor::handleFieldLine(QStringView line, qsizetype lineStart, qsizetype lineEnd) {
    const detail::FieldLine field = detail::parseFieldLine(line);
    if (field.field == detail::Field::None || detail::parseFindingLine(line))
        return false;
    if (m_openFinding >= 0) {
        m_flowList = false;
        applyField(m_openFinding, line);
        m_sawBlank = false;
        m_lineUsed = true;
        return true;
    }
    if (m_pendingOffset < 0)
        return false;
    if (field.field == detail::Field::Severity) {
        if (const std::optional<Severity> severity = detail::parseSeverityCell(field.value))
            openPendingFinding(*severity, lineStart);
        return true;
    }
    m_pendingFields.append({lineStart, lineEnd});
    return true;
}

void FindingExtractor::openPendingFinding(Severity severity, qsizetype sectionEnd) {
    const qsizetype sectionStart = m_pendingOffset;
    Finding finding;
    finding.severity = severity;
    finding.title = m_pendingTitle;
    const int index = addFinding(std::move(finding), m_pendingOffset);
    m_openFinding = index;
    m_openIsHeading = true;
    m_sawBlank = false;
    const QList<std::pair<qsizetype, qsizetype>> fields = std::exchange(m_pendingFields, {});
    m_pendingOffset = -1;
    const int citedAt = m_citedAt;
    for (const auto &[start, end] : fields)
        applyField(index, QStringView(m_text).sliced(start, end - start));
    m_citedAt = citedAt; // the replayed lines were linked when they arrived
    if (m_findings[index].citation.path.isEmpty()) {
        const QList<CitationMatch> inTitle = findCitations(m_findings[index].title);
        if (!inTitle.isEmpty())
            m_findings[index].citation = inTitle.first().citation;
    }
    if (m_findings[index].citation.path.isEmpty() && sectionEnd > sectionStart) {
        // No location field: the first citation in the prose between the heading and the
        // Severity line ("The server starts ... (app/server.py:31).").
        const QList<CitationMatch> inSection =
            findCitations(QStringView(m_text).sliced(sectionStart, sectionEnd - sectionStart));
        if (!inSection.isEmpty())
            m_findings[index].citation = inSection.first().citation;
    }
}

void FindingExtractor::applyField(int index, QStringView line) {
    const detail::FieldLine field = detail::parseFieldLine(line);
    Finding &finding = m_findings[index];
    switch (field.field) {
    case detail::Field::Location:
        if (!finding.citation.hasLine()) {
            if (const std::optional<Citation> citation = parseCitation(field.value)) {
                finding.citation = *citation;
                m_citedAt = index;
            }
        }
        break;
    case detail::Field::Line: {
        int start = 0;
        int end = 0;
        if (!finding.citation.path.isEmpty() && !finding.citation.hasLine() &&
            detail::parseLineNumbers(field.value, &start, &end)) {
            finding.citation.startLine = start;
            finding.citation.endLine = end;
            finding.citation.text = finding.citation.path + u':' + field.value;
        }
        break;
    }
    case detail::Field::Quote:
        if (field.value.isEmpty())
            m_quoteFromFence = true;
        else if (finding.quote.isEmpty())
            finding.quote = detail::unwrapQuote(field.value);
        break;
    case detail::Field::Explanation:
        appendText(finding.explanation, field.value);
        break;
    case detail::Field::Fix:
        appendText(finding.explanation, QString(field.label + QStringLiteral(": ") + field.value));
        break;
    case detail::Field::Flow:
        if (field.value.isEmpty())
            m_flowList = true;
        else
            finding.flow += detail::parseFlow(field.value);
        break;
    case detail::Field::Title:
        if (finding.title.isEmpty())
            finding.title = detail::stripEmphasis(field.value);
        break;
    case detail::Field::Severity:
    case detail::Field::Ignored:
    case detail::Field::None:
        return;
    }
    markChanged(index);
}

void FindingExtractor::handleTextLine(QStringView line, qsizetype lineStart) {
    if (detail::isBlank(line)) {
        m_sawBlank = true;
        m_flowList = false;
        return;
    }
    if (std::optional<detail::FindingLine> parsed = detail::parseFindingLine(line)) {
        closeFinding();
        m_pendingOffset = -1;
        const int index = addFinding(std::move(parsed->finding), lineStart);
        m_openFinding = index;
        m_openIsHeading = parsed->heading;
        m_citedAt = index;
        return;
    }
    const qsizetype marker = detail::listMarkerEnd(line);
    if (m_openFinding >= 0 && m_flowList && marker > 0) {
        m_findings[m_openFinding].flow += detail::parseFlow(line.sliced(marker));
        markChanged(m_openFinding);
        m_lineUsed = true;
        return;
    }
    m_flowList = false;
    if (const std::optional<QString> heading = detail::headingText(line)) {
        closeFinding();
        m_pendingTitle = *heading;
        m_pendingOffset = lineStart;
        m_pendingFields.clear();
        return;
    }
    if (m_openFinding >= 0 && continuesFinding(line)) {
        continueFinding(line);
        m_lineUsed = true;
        return;
    }
    closeFinding();
}

bool FindingExtractor::continuesFinding(QStringView line) const {
    if (m_openIsHeading)
        return !m_sawBlank || m_findings[m_openFinding].explanation.isEmpty();
    if (detail::isIndented(line))
        return true;
    return !m_sawBlank && detail::listMarkerEnd(line) < 0;
}

void FindingExtractor::continueFinding(QStringView line) {
    const qsizetype marker = detail::listMarkerEnd(line);
    const QStringView text = line.sliced(marker > 0 ? marker : 0).trimmed();
    Finding &finding = m_findings[m_openFinding];
    appendText(finding.explanation, text);
    if (finding.citation.path.isEmpty()) {
        const QList<CitationMatch> matches = findCitations(text);
        if (!matches.isEmpty()) {
            finding.citation = matches.first().citation;
            m_citedAt = m_openFinding;
        }
    }
    m_sawBlank = false;
    markChanged(m_openFinding);
}

int FindingExtractor::addFinding(Finding finding, qsizetype offset) {
    const int index = static_cast<int>(m_findings.size());
    finding.ordinal = index;
    finding.answerOffset = offset;
    finding.category = categorize(finding.title, finding.explanation);
    m_findings.append(std::move(finding));
    m_update.added.append(index);
    return index;
}

void FindingExtractor::markChanged(int index) {
    Finding &finding = m_findings[index];
    finding.category = categorize(finding.title, finding.explanation);
    if (index < m_findingsAtCall && !m_update.changed.contains(index))
        m_update.changed.append(index);
}

void FindingExtractor::closeFinding() {
    m_openFinding = -1;
    m_openIsHeading = false;
    m_sawBlank = false;
    m_quoteFromFence = false;
    m_flowList = false;
}

void FindingExtractor::appendMentions(QList<Mention> mentions) {
    for (Mention &mention : mentions) {
        m_update.mentionsAdded.append(static_cast<int>(m_mentions.size()));
        m_mentions.append(std::move(mention));
    }
}

} // namespace reposcope::findings
