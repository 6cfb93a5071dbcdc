// SPDX-License-Identifier: MIT
#include "transcript/markdownrenderer.h"

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/State>

#include <QFontDatabase>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocumentFragment>
#include <QTextTable>

#include <vector>

namespace reposcope::ui {

namespace {

struct Fence {
    QChar marker;
    qsizetype length = 0;
    int indent = 0;
    QString info;
};

QStringView withoutCarriageReturn(QStringView line) {
    return line.endsWith(u'\r') ? line.chopped(1) : line;
}

int leadingSpaces(QStringView line) {
    int n = 0;
    while (n < line.size() && line[n] == u' ')
        ++n;
    return n;
}

// A line opening a fenced code block: spaces, then three or more ` or ~, then the info string
// (which may not contain a backtick after backticks: that is inline code).
bool parseOpener(QStringView line, Fence *fence) {
    line = withoutCarriageReturn(line);
    const int indent = leadingSpaces(line);
    if (indent >= line.size())
        return false;
    const QChar marker = line[indent];
    if (marker != u'`' && marker != u'~')
        return false;
    qsizetype end = indent;
    while (end < line.size() && line[end] == marker)
        ++end;
    if (end - indent < 3)
        return false;
    const QStringView info = line.mid(end).trimmed();
    if (marker == u'`' && info.contains(u'`'))
        return false;
    fence->marker = marker;
    fence->length = end - indent;
    fence->indent = indent;
    fence->info = info.toString();
    return true;
}

bool isCloser(QStringView line, const Fence &fence) {
    line = withoutCarriageReturn(line);
    const int indent = leadingSpaces(line);
    qsizetype end = indent;
    while (end < line.size() && line[end] == fence.marker)
        ++end;
    return end - indent >= fence.length && line.mid(end).trimmed().isEmpty();
}

// The start of a closing fence that has not fully arrived yet: only spaces and markers.
bool mayBecomeCloser(QStringView line, const Fence &fence) {
    line = withoutCarriageReturn(line);
    const QStringView rest = line.mid(leadingSpaces(line));
    if (rest.isEmpty())
        return false;
    for (QChar c : rest) {
        if (c != fence.marker)
            return false;
    }
    return true;
}

bool isBlank(QStringView line) {
    return line.trimmed().isEmpty();
}

// Starts a list item: "- ", "* ", "+ ", "12. ", "3) " (or the marker alone on its line).
bool isListItem(QStringView line) {
    line = withoutCarriageReturn(line);
    if (line.isEmpty())
        return false;
    auto markerEnds = [&line](qsizetype at) { return at >= line.size() || line[at] == u' '; };
    if (line[0] == u'-' || line[0] == u'*' || line[0] == u'+')
        return markerEnds(1);
    qsizetype digits = 0;
    while (digits < line.size() && digits < 9 && line[digits].isDigit())
        ++digits;
    if (digits == 0 || digits >= line.size())
        return false;
    return (line[digits] == u'.' || line[digits] == u')') && markerEnds(digits + 1);
}

// Collects the formats KSyntaxHighlighting reports for one line.
class LineHighlighter : public KSyntaxHighlighting::AbstractHighlighter {
public:
    struct Range {
        int offset;
        int length;
        KSyntaxHighlighting::Format format;
    };
    KSyntaxHighlighting::State highlight(QStringView line,
                                         const KSyntaxHighlighting::State &state) {
        m_ranges.clear();
        return highlightLine(line, state);
    }
    const std::vector<Range> &ranges() const { return m_ranges; }

protected:
    void applyFormat(int offset, int length, const KSyntaxHighlighting::Format &format) override {
        if (length > 0)
            m_ranges.push_back({offset, length, format});
    }

private:
    std::vector<Range> m_ranges;
};

} // namespace

QList<MarkdownSegment> splitMarkdown(QStringView text, qsizetype from, bool final) {
    QList<MarkdownSegment> segments;
    const qsizetype n = text.size();
    qsizetype segmentStart = from;
    qsizetype pos = from;
    bool proseHasText = false;
    bool previousBlank = false;

    auto lineAt = [text, n](qsizetype at, qsizetype *next, bool *complete) {
        qsizetype eol = text.indexOf(u'\n', at);
        *complete = eol >= 0;
        if (eol < 0)
            eol = n;
        *next = *complete ? eol + 1 : n;
        return text.mid(at, eol - at);
    };

    while (pos < n) {
        qsizetype next = 0;
        bool complete = false;
        const QStringView line = lineAt(pos, &next, &complete);

        Fence fence;
        if (parseOpener(line, &fence)) {
            if (proseHasText || pos > segmentStart) {
                MarkdownSegment prose;
                prose.begin = segmentStart;
                prose.end = pos;
                prose.closed = true;
                segments.append(prose);
            }
            MarkdownSegment code;
            code.kind = MarkdownSegment::Kind::Code;
            code.begin = pos;
            code.indent = fence.indent;
            code.info = fence.info;
            code.bodyBegin = next;
            code.bodyEnd = n;
            code.end = n;
            bool fenceClosed = false;
            qsizetype at = next;
            while (complete && at < n) {
                qsizetype after = 0;
                bool lineComplete = false;
                const QStringView body = lineAt(at, &after, &lineComplete);
                if (isCloser(body, fence) && (lineComplete || final)) {
                    code.bodyEnd = at;
                    code.end = after;
                    fenceClosed = true;
                    break;
                }
                if (!lineComplete && !final && mayBecomeCloser(body, fence))
                    code.bodyEnd = at; // a closing fence on its way: do not show it as code
                at = after;
            }
            code.closed = fenceClosed || final;
            segments.append(code);
            if (!fenceClosed)
                return segments;
            segmentStart = pos = code.end;
            proseHasText = false;
            previousBlank = false;
            continue;
        }

        if (isBlank(line)) {
            previousBlank = true;
        } else {
            // A paragraph, heading or quote in column 0 after a blank line starts a new segment,
            // unless it continues a list. Decided only on a complete line, so the cut never moves
            // as text arrives.
            const bool startsBlock = !line[0].isSpace() && !isListItem(line);
            if (!complete && !final)
                break;
            if (previousBlank && proseHasText && startsBlock) {
                MarkdownSegment prose;
                prose.begin = segmentStart;
                prose.end = pos;
                prose.closed = true;
                segments.append(prose);
                segmentStart = pos;
            }
            proseHasText = true;
            previousBlank = false;
        }
        pos = next;
    }
    if (segmentStart < n) {
        MarkdownSegment prose;
        prose.begin = segmentStart;
        prose.end = n;
        prose.closed = final;
        segments.append(prose);
    }
    return segments;
}

MarkdownRenderer::MarkdownRenderer(KSyntaxHighlighting::Repository *repository)
    : m_repository(repository) {
    m_scratch.setUndoRedoEnabled(false);
    setDark(false);
}

MarkdownRenderer::~MarkdownRenderer() = default;

void MarkdownRenderer::setDark(bool dark) {
    m_dark = dark;
    if (m_repository) {
        m_theme = m_repository->defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                                  : KSyntaxHighlighting::Repository::LightTheme);
    }
    m_formats.clear();
    m_plainCode = QTextCharFormat();
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_plainCode.setFontFamilies({fixed.family()});
    m_plainCode.setFontFixedPitch(true);
    if (m_theme.isValid()) {
        m_plainCode.setForeground(
            QColor::fromRgba(m_theme.textColor(KSyntaxHighlighting::Theme::Normal)));
    }
}

KSyntaxHighlighting::Definition MarkdownRenderer::definitionFor(const QString &info) {
    if (!m_repository || info.isEmpty())
        return {};
    const auto cached = m_definitions.constFind(info);
    if (cached != m_definitions.constEnd())
        return *cached;
    // "python", "{.python}", "cpp title=x.cpp", "src/main.go", "Dockerfile".
    QString word = info.section(u' ', 0, 0, QString::SectionSkipEmpty);
    word.remove(u'{').remove(u'}');
    if (word.startsWith(u'.'))
        word.remove(0, 1);
    if (m_byLowerName.isEmpty()) {
        const QList<KSyntaxHighlighting::Definition> all = m_repository->definitions();
        for (const KSyntaxHighlighting::Definition &candidate : all)
            m_byLowerName.insert(candidate.name().toLower(), candidate);
    }
    KSyntaxHighlighting::Definition definition = m_byLowerName.value(word.toLower());
    if (!definition.isValid())
        definition = m_repository->definitionForFileName(QStringLiteral("file.") + word);
    if (!definition.isValid())
        definition = m_repository->definitionForFileName(word);
    m_definitions.insert(info, definition);
    return definition;
}

QTextCharFormat MarkdownRenderer::codeFormat(const KSyntaxHighlighting::Format &format) {
    const auto cached = m_formats.constFind(format.id());
    if (cached != m_formats.constEnd())
        return *cached;
    QTextCharFormat result = m_plainCode;
    if (format.hasTextColor(m_theme))
        result.setForeground(format.textColor(m_theme));
    if (format.hasBackgroundColor(m_theme))
        result.setBackground(format.backgroundColor(m_theme));
    if (format.isBold(m_theme))
        result.setFontWeight(QFont::Bold);
    if (format.isItalic(m_theme))
        result.setFontItalic(true);
    if (format.isUnderline(m_theme))
        result.setFontUnderline(true);
    if (format.isStrikeThrough(m_theme))
        result.setFontStrikeOut(true);
    m_formats.insert(format.id(), result);
    return result;
}

void MarkdownRenderer::insert(QTextCursor &cursor, QStringView markdown, bool final) {
    const QList<MarkdownSegment> segments = splitMarkdown(markdown, 0, final);
    for (const MarkdownSegment &segment : segments)
        insertSegment(cursor, markdown, segment);
}

void MarkdownRenderer::insertSegment(QTextCursor &cursor, QStringView text,
                                     const MarkdownSegment &segment) {
    if (segment.kind == MarkdownSegment::Kind::Code)
        insertCode(cursor, text, segment);
    else
        insertProse(cursor, text.mid(segment.begin, segment.end - segment.begin));
}

void MarkdownRenderer::render(QTextDocument *document, QStringView markdown, bool final) {
    document->clear();
    QTextCursor cursor(document);
    insert(cursor, markdown, final);
}

void MarkdownRenderer::insertProse(QTextCursor &cursor, QStringView markdown) {
    if (markdown.trimmed().isEmpty())
        return;
    m_scratch.setMarkdown(markdown.toString(), QTextDocument::MarkdownDialectGitHub);
    if (m_scratch.isEmpty())
        return;
    // Qt's Markdown tables come without padding: give them room and a quiet grid.
    const QList<QTextFrame *> frames = m_scratch.rootFrame()->childFrames();
    for (QTextFrame *frame : frames) {
        if (auto *table = qobject_cast<QTextTable *>(frame)) {
            QTextTableFormat format = table->format();
            format.setCellPadding(4);
            format.setCellSpacing(0);
            format.setBorder(1);
            format.setBorderCollapse(true);
            format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            format.setBorderBrush(m_dark ? QColor(0x55, 0x5a, 0x60) : QColor(0xaa, 0xb2, 0xbb));
            table->setFormat(format);
        }
    }
    // Inline code gets a tint, as in a browser (ranges first: merging splits fragments).
    QList<QPair<int, int>> spans;
    for (QTextBlock block = m_scratch.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            if (it.fragment().charFormat().fontFixedPitch())
                spans.append({it.fragment().position(), it.fragment().length()});
        }
    }
    QTextCharFormat tint;
    tint.setBackground(m_dark ? QColor(0x34, 0x38, 0x3d) : QColor(0xee, 0xf0, 0xf2));
    for (const QPair<int, int> &span : std::as_const(spans)) {
        QTextCursor range(&m_scratch);
        range.setPosition(span.first);
        range.setPosition(span.first + span.second, QTextCursor::KeepAnchor);
        range.mergeCharFormat(tint);
    }
    // A fragment's first block merges into the block at the cursor and takes its format (a heading
    // or list item would lose its own). So the fragment starts with an empty block that merges into
    // ours, and the separator after it is removed: the block that follows keeps its format when
    // merged backwards.
    QTextCursor scratch(&m_scratch);
    scratch.insertBlock();
    const int at = cursor.position();
    cursor.insertFragment(QTextDocumentFragment(&m_scratch));
    QTextCursor join(cursor.document());
    join.setPosition(at);
    if (join.movePosition(QTextCursor::NextBlock) && !join.currentTable())
        join.deletePreviousChar();
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
}

void MarkdownRenderer::insertCode(QTextCursor &cursor, QStringView text,
                                  const MarkdownSegment &segment) {
    const KSyntaxHighlighting::Definition definition = definitionFor(segment.info);
    LineHighlighter highlighter;
    const bool highlight = definition.isValid() && m_theme.isValid();
    if (highlight) {
        highlighter.setDefinition(definition);
        highlighter.setTheme(m_theme);
    }

    // The empty block the table is put after: keep it thin, it only separates.
    QTextBlockFormat spacer;
    spacer.setTopMargin(0);
    spacer.setBottomMargin(0);
    QTextCharFormat thin;
    thin.setFontPointSize(2);
    cursor.setBlockFormat(spacer);
    cursor.setBlockCharFormat(thin);

    QTextTableFormat box;
    box.setBorder(1);
    box.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
    box.setCellSpacing(0);
    box.setCellPadding(6);
    box.setMargin(0);
    box.setTopMargin(4);
    box.setBottomMargin(4);
    box.setWidth(QTextLength(QTextLength::PercentageLength, 100));
    if (m_theme.isValid()) {
        box.setBackground(
            QColor::fromRgba(m_theme.editorColor(KSyntaxHighlighting::Theme::BackgroundColor)));
        box.setBorderBrush(
            QColor::fromRgba(m_theme.editorColor(KSyntaxHighlighting::Theme::IconBorder)));
    } else {
        box.setBackground(m_dark ? QColor(0x23, 0x26, 0x29) : QColor(0xf6, 0xf8, 0xfa));
        box.setBorderBrush(m_dark ? QColor(0x44, 0x48, 0x4c) : QColor(0xd0, 0xd7, 0xde));
    }
    QTextTable *table = cursor.insertTable(1, 1, box);
    QTextCursor cell = table->cellAt(0, 0).firstCursorPosition();

    QTextBlockFormat line;
    line.setProperty(QTextFormat::BlockCodeLanguage, segment.info);
    line.setProperty(QTextFormat::BlockCodeFence, QString(text[segment.begin + segment.indent]));
    line.setTopMargin(0);
    line.setBottomMargin(0);
    cell.setBlockFormat(line);
    cell.setBlockCharFormat(m_plainCode);

    QStringView body = text.mid(segment.bodyBegin, segment.bodyEnd - segment.bodyBegin);
    if (body.endsWith(u'\n'))
        body.chop(1);
    KSyntaxHighlighting::State state;
    qsizetype start = 0;
    bool first = true;
    while (start <= body.size()) {
        qsizetype eol = body.indexOf(u'\n', start);
        if (eol < 0)
            eol = body.size();
        QStringView code = withoutCarriageReturn(body.mid(start, eol - start));
        code = code.mid(std::min<qsizetype>(leadingSpaces(code), segment.indent));
        if (!first)
            cell.insertBlock(line, m_plainCode);
        first = false;
        if (highlight) {
            state = highlighter.highlight(code, state);
            qsizetype done = 0;
            for (const LineHighlighter::Range &range : highlighter.ranges()) {
                if (range.offset > done)
                    cell.insertText(code.mid(done, range.offset - done).toString(), m_plainCode);
                cell.insertText(code.mid(range.offset, range.length).toString(),
                                codeFormat(range.format));
                done = range.offset + range.length;
            }
            if (done < code.size())
                cell.insertText(code.mid(done).toString(), m_plainCode);
        } else if (!code.isEmpty()) {
            cell.insertText(code.toString(), m_plainCode);
        }
        start = eol + 1;
    }
    cursor = table->lastCursorPosition();
    cursor.movePosition(QTextCursor::NextBlock);
    cursor.setBlockFormat(QTextBlockFormat());
    cursor.setBlockCharFormat(QTextCharFormat());
}

} // namespace reposcope::ui
