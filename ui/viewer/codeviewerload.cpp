// SPDX-License-Identifier: MIT
// CodeViewer: loading a text (at once or progressively), cut long lines and their pages.
#include "viewer/codeviewer.h"
#include "viewer/editor/codeviewergutter.h"
#include "viewer/editor/codeviewerhighlighter.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QTextBlock>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::ui {

namespace {
// One turn of the progressive load inserts lines for at most this long, so the event loop
// runs at least every ~10 ms (inserting is linear: cut lines bound every block's layout).
constexpr int FeedSliceMs = 8;
constexpr qsizetype FeedChunkChars = 32 * 1024;
constexpr int MarkerPadding = 6;
} // namespace

void CodeViewer::startLoad() {
    const QString &text = m_lines.text();
    const bool big = text.size() > HighlightSizeLimit;
    m_highlightNote =
        big ? tr("highlighting off: file over %1 MB").arg(HighlightSizeLimit / (1024 * 1024))
            : QString();
    m_highlighter->setMaxLineLength(LineCutLength);
    m_highlighter->setDefinition(KSyntaxHighlighting::Definition()); // plain while loading
    if (text.size() <= SyncLoadLimit || m_pool == nullptr) {
        m_lines.setLineStarts(CodeViewerText::lineStarts(text));
        QString shown;
        shown.reserve(
            std::min<qsizetype>(text.size(), qsizetype(m_lines.lineCount()) * (LineCutLength + 1)));
        for (int line = 0; line < m_lines.lineCount(); ++line) {
            if (line > 0)
                shown += QLatin1Char('\n');
            shown += displayedLine(line);
        }
        setPlainText(shown);
        m_fedLines = m_lines.lineCount();
        Q_EMIT textReplaced();
        finishLoad();
        return;
    }
    m_loaded = false;
    m_fedLines = 0;
    QPlainTextEdit::clear();
    m_splitFor = m_generation;
    // The lambda holds its own (shared) copy of the text: reading it there is safe.
    m_splitWatcher.setFuture(
        QtConcurrent::run(m_pool, [text] { return CodeViewerText::lineStarts(text); }));
    updateGutterGeometry();
    updateExtraSelections();
    Q_EMIT textReplaced();
}

void CodeViewer::onLinesFound() {
    if (m_splitFor != m_generation || m_splitWatcher.isCanceled() || !m_open)
        return;
    m_lines.setLineStarts(m_splitWatcher.result());
    m_splitWatcher.setFuture(QFuture<std::vector<qsizetype>>()); // frees the result
    updateGutterGeometry();
    feedChunk();
}

void CodeViewer::feedChunk() {
    QElapsedTimer clock;
    clock.start();
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    const int total = m_lines.lineCount();
    while (m_fedLines < total && clock.elapsed() < FeedSliceMs) {
        QString chunk;
        while (m_fedLines < total && chunk.size() < FeedChunkChars) {
            if (m_fedLines > 0)
                chunk += QLatin1Char('\n');
            chunk += displayedLine(m_fedLines++);
        }
        cursor.insertText(chunk);
    }
    if (m_fedLines >= total) {
        finishLoad();
        return;
    }
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        if (generation == m_generation)
            feedChunk();
    });
}

void CodeViewer::finishLoad() {
    m_loaded = true;
    bool anyCut = false;
    for (int line = 1; line <= m_lines.lineCount() && !anyCut; ++line)
        anyCut = isLineCut(line);
    if (m_highlightNote.isEmpty() && anyCut)
        m_highlightNote = tr("no highlighting on lines over %L1 characters").arg(LineCutLength);
    // After the text: setting the definition restarts the (lazy) highlighting.
    if (m_lines.text().size() <= HighlightSizeLimit)
        m_highlighter->setDefinition(m_repository.definitionForFileName(m_path));
    updateGutterGeometry();
    updateExtraSelections();
    viewport()->update();
    std::vector<std::function<void()>> actions;
    actions.swap(m_whenLoaded);
    for (const auto &action : actions)
        action();
    Q_EMIT loadFinished();
}

void CodeViewer::whenLoaded(std::function<void()> action) {
    m_whenLoaded.push_back(std::move(action));
}

QString CodeViewer::displayedLine(int line0) const {
    const qsizetype from = qsizetype(m_parts.value(line0, 0)) * LineCutLength;
    return m_lines.displayed(line0, from, LineCutLength);
}

bool CodeViewer::isLineCut(int line) const {
    return m_open && line >= 1 && line <= m_lines.lineCount() &&
           m_lines.lineLength(line - 1) > LineCutLength;
}

qsizetype CodeViewer::lineLength(int line) const {
    return line >= 1 && line <= m_lines.lineCount() ? m_lines.lineLength(line - 1) : 0;
}

int CodeViewer::shownPart(int line) const {
    return m_parts.value(line - 1, 0);
}

int CodeViewer::partCount(int line) const {
    const qsizetype length = lineLength(line);
    return length == 0 ? 1 : int((length + LineCutLength - 1) / LineCutLength);
}

bool CodeViewer::showLinePart(int line, int part) {
    if (!isLineCut(line) || part < 0 || part >= partCount(line) || line > m_fedLines)
        return false;
    const int line0 = line - 1;
    if (part == 0)
        m_parts.remove(line0);
    else
        m_parts.insert(line0, part);
    QTextCursor cursor(document()->findBlockByNumber(line0));
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    cursor.insertText(displayedLine(line0));
    setTextCursor(QTextCursor(document()->findBlockByNumber(line0)));
    updateExtraSelections();
    viewport()->update();
    Q_EMIT linePartShown(line, part);
    return true;
}

bool CodeViewer::showNextLinePart() {
    const int line = currentLine();
    return isLineCut(line) && showLinePart(line, (shownPart(line) + 1) % partCount(line));
}

bool CodeViewer::showPreviousLinePart() {
    const int line = currentLine();
    const int count = partCount(line);
    return isLineCut(line) && showLinePart(line, (shownPart(line) + count - 1) % count);
}

QString CodeViewer::cutMarkerText(int line) const {
    if (!isLineCut(line))
        return QString();
    const int part = shownPart(line);
    const int count = partCount(line);
    const qsizetype length = lineLength(line);
    const QString next = part + 1 < count ? tr("next part ▸") : tr("back to part 1 ▸");
    if (part == 0)
        return tr("line cut at %L1 characters (of %L2) · part 1 of %L3 · %4")
            .arg(LineCutLength)
            .arg(length)
            .arg(count)
            .arg(next);
    const qsizetype from = qsizetype(part) * LineCutLength;
    return tr("line part %L1 of %L2: characters %L3–%L4 (of %L5) · %6")
        .arg(part + 1)
        .arg(count)
        .arg(from + 1)
        .arg(std::min<qsizetype>(from + LineCutLength, length))
        .arg(length)
        .arg(next);
}

void CodeViewer::selectText(int position, int length) {
    if (!m_loaded) {
        whenLoaded([this, position, length] { selectText(position, length); });
        return;
    }
    if (!m_lines.hasLines())
        return;
    const int line0 = m_lines.lineAt(position);
    if (isLineCut(line0 + 1)) {
        const auto part = int((position - m_lines.lineStart(line0)) / LineCutLength);
        if (part != shownPart(line0 + 1))
            showLinePart(line0 + 1, std::min(part, partCount(line0 + 1) - 1));
    }
    const int start = documentPosition(position);
    if (start < 0)
        return;
    int end = documentPosition(position + length);
    if (end < 0) // runs past the shown page: select to its end
        end = document()->findBlock(start).position() + document()->findBlock(start).length() - 1;
    QTextCursor cursor(document());
    cursor.setPosition(start);
    cursor.setPosition(end, QTextCursor::KeepAnchor);
    setTextCursor(cursor);
    ensureCursorVisible();
}

int CodeViewer::documentPosition(int position) const {
    if (!m_lines.hasLines() || position < 0)
        return -1;
    const int line0 = m_lines.lineAt(position);
    if (line0 >= m_fedLines)
        return -1;
    const qsizetype column =
        std::min(position - m_lines.lineStart(line0), m_lines.lineLength(line0));
    const qsizetype from = qsizetype(m_parts.value(line0, 0)) * LineCutLength;
    if (column < from || column > from + LineCutLength)
        return -1;
    return document()->findBlockByNumber(line0).position() + int(column - from);
}

int CodeViewer::textPosition(int position) const {
    if (!m_lines.hasLines())
        return 0;
    const QTextBlock block = document()->findBlock(position);
    const int line0 = block.blockNumber();
    if (line0 < 0 || line0 >= m_lines.lineCount())
        return int(m_lines.text().size());
    const qsizetype from = qsizetype(m_parts.value(line0, 0)) * LineCutLength;
    return int(m_lines.lineStart(line0) + from + (position - block.position()));
}

void CodeViewer::paintCutMarkers() {
    m_markerRects.clear();
    QPainter painter(viewport());
    QFont font = QGuiApplication::font();
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const int bottom = viewport()->height();
    for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
        const QRectF box = blockBoundingGeometry(block).translated(contentOffset());
        if (box.top() > bottom)
            break;
        const int line = block.blockNumber() + 1;
        if (!isLineCut(line))
            continue;
        QString text = cutMarkerText(line);
        int width = metrics.horizontalAdvance(text) + 2 * MarkerPadding;
        if (width > viewport()->width() / 2) {
            // A narrow view: the short form, so the marker leaves most of the line visible
            // (cutMarkerText() gives the long form).
            const int part = shownPart(line);
            const qsizetype from = qsizetype(part) * LineCutLength;
            text = part == 0 ? tr("line cut at %L1 chars (of %L2) · 1/%L3 ▸")
                                   .arg(LineCutLength)
                                   .arg(lineLength(line))
                                   .arg(partCount(line))
                             : tr("chars %L1–%L2 (of %L3) · %L4/%L5 ▸")
                                   .arg(from + 1)
                                   .arg(std::min<qsizetype>(from + LineCutLength, lineLength(line)))
                                   .arg(lineLength(line))
                                   .arg(part + 1)
                                   .arg(partCount(line));
            width = metrics.horizontalAdvance(text) + 2 * MarkerPadding;
        }
        const int height = std::max(int(box.height()), metrics.height());
        const QRect rect(std::max(0, viewport()->width() - width - 4), int(box.top()), width,
                         height);
        painter.setPen(m_separatorColor);
        painter.setBrush(m_rangeColor);
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 3, 3);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(rect, Qt::AlignCenter, text);
        m_markerRects.insert(line, rect);
    }
}

int CodeViewer::cutMarkerAt(const QPoint &pos) const {
    for (auto it = m_markerRects.cbegin(); it != m_markerRects.cend(); ++it)
        if (it.value().contains(pos))
            return it.key();
    return 0;
}

void CodeViewer::mousePressEvent(QMouseEvent *event) {
    const int line = event->button() == Qt::LeftButton ? cutMarkerAt(event->pos()) : 0;
    if (line > 0) {
        showLinePart(line, (shownPart(line) + 1) % partCount(line));
        event->accept();
        return;
    }
    QPlainTextEdit::mousePressEvent(event);
}

} // namespace reposcope::ui
