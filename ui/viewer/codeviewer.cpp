// SPDX-License-Identifier: MIT
#include "viewer/codeviewer.h"

#include "viewer/editor/codeviewergutter.h"
#include "viewer/editor/codeviewerhighlighter.h"
#include "viewer/gotolinedialog.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>

#include <QAction>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>

#include <algorithm>

namespace reposcope::ui {

namespace {

constexpr int GutterPadding = 6; // pixels left and right of the numbers
// Find matches made into extra selections at most: a minified line can hold many more.
constexpr int MaxVisibleMatches = 4000;

QColor blend(const QColor &a, const QColor &b, qreal amountOfB) {
    const qreal k = 1.0 - amountOfB;
    return QColor::fromRgbF(a.redF() * k + b.redF() * amountOfB,
                            a.greenF() * k + b.greenF() * amountOfB,
                            a.blueF() * k + b.blueF() * amountOfB);
}

} // namespace

CodeViewer::CodeViewer(KSyntaxHighlighting::Repository &repository, QWidget *parent)
    : QPlainTextEdit(parent)
    , m_repository(repository)
    , m_highlighter(new CodeViewerHighlighter(document(), this))
    , m_gutter(new CodeViewerGutter(this))
    , m_goToLineAction(new QAction(tr("Go to Line…"), this))
    , m_nextPartAction(new QAction(tr("Show Next Part of Line"), this))
    , m_previousPartAction(new QAction(tr("Show Previous Part of Line"), this)) {
    setReadOnly(true);
    // Read-only still lets the keyboard move the cursor, so Ctrl+G, arrows and
    // cursorLineChanged() behave as in an editor.
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setUndoRedoEnabled(false);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTabStopDistance(4 * fontMetrics().horizontalAdvance(QLatin1Char(' ')));

    m_goToLineAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    m_goToLineAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_goToLineAction->setEnabled(false);
    addAction(m_goToLineAction);
    connect(m_goToLineAction, &QAction::triggered, this, [this] { askGoToLine(this); });
    m_nextPartAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_PageDown));
    m_previousPartAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_PageUp));
    for (QAction *action : {m_nextPartAction, m_previousPartAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setEnabled(false);
        addAction(action);
    }
    connect(m_nextPartAction, &QAction::triggered, this, &CodeViewer::showNextLinePart);
    connect(m_previousPartAction, &QAction::triggered, this, &CodeViewer::showPreviousLinePart);
    connect(&m_splitWatcher, &QFutureWatcher<std::vector<qsizetype>>::finished, this,
            &CodeViewer::onLinesFound);

    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeViewer::updateGutterGeometry);
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeViewer::onUpdateRequest);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this,
            &CodeViewer::onCursorPositionChanged);
    // Find matches are selections only near the visible lines: redo them as the view moves.
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        if (!m_matches.isEmpty() || !m_marks.isEmpty())
            updateExtraSelections();
    });

    applyTheme();
    updateGutterGeometry();
}

CodeViewer::~CodeViewer() {
    // The worker only reads a shared copy of the text; wait for it so the watcher it
    // reports to is never gone first.
    m_splitWatcher.cancel();
    m_splitWatcher.waitForFinished();
}

void CodeViewer::showText(const QString &path, const QString &text) {
    ++m_generation;
    m_path = path;
    m_lines.reset(text);
    m_open = true;
    m_rangeFirst = m_rangeLast = 0;
    m_lastCursorLine = 0;
    m_matches.clear();
    m_marks.clear();
    m_currentMatch = -1;
    m_parts.clear();
    m_markerRects.clear();
    m_whenLoaded.clear();
    setDocumentTitle(path);
    m_goToLineAction->setEnabled(true);
    m_nextPartAction->setEnabled(true);
    m_previousPartAction->setEnabled(true);
    startLoad(); // may finish at once, and then emits loadFinished() after textReplaced()
}

void CodeViewer::clear() {
    ++m_generation;
    m_path.clear();
    m_lines.reset(QString());
    m_open = false;
    m_loaded = true;
    m_parts.clear();
    m_markerRects.clear();
    m_whenLoaded.clear();
    m_highlightNote.clear();
    m_nextPartAction->setEnabled(false);
    m_previousPartAction->setEnabled(false);
    m_rangeFirst = m_rangeLast = 0;
    m_matches.clear();
    m_marks.clear();
    m_currentMatch = -1;
    setDocumentTitle(QString());
    QPlainTextEdit::clear();
    m_highlighter->setDefinition(KSyntaxHighlighting::Definition());
    m_goToLineAction->setEnabled(false);
    updateGutterGeometry();
    updateExtraSelections();
    viewport()->update();
    Q_EMIT textReplaced();
}

bool CodeViewer::goToLine(int line) {
    if (m_open && !m_loaded && (!m_lines.hasLines() || (line >= 1 && line <= lineCount()))) {
        whenLoaded([this, line] { goToLine(line); });
        return true;
    }
    if (line < 1 || line > lineCount())
        return false;
    QTextCursor cursor(document()->findBlockByNumber(line - 1));
    setTextCursor(cursor);
    centerCursor();
    return true;
}

void CodeViewer::highlightLines(int first, int last) {
    if (m_open && !m_loaded) {
        whenLoaded([this, first, last] { highlightLines(first, last); });
        return;
    }
    const int count = lineCount();
    if (count == 0)
        return;
    if (first > last)
        std::swap(first, last);
    m_rangeFirst = std::clamp(first, 1, count);
    m_rangeLast = std::clamp(last, 1, count);
    updateExtraSelections();
    // Show the end first, then the start, so a range taller than the view shows its top.
    setTextCursor(QTextCursor(document()->findBlockByNumber(m_rangeLast - 1)));
    ensureCursorVisible();
    goToLine(m_rangeFirst);
}

void CodeViewer::clearLineHighlight() {
    m_rangeFirst = m_rangeLast = 0;
    updateExtraSelections();
}

void CodeViewer::setFindMatches(QList<TextMatch> matches, int current) {
    m_matches = std::move(matches);
    m_currentMatch = current >= 0 && current < m_matches.size() ? current : -1;
    updateExtraSelections();
}

void CodeViewer::clearFindMatches() {
    if (m_matches.isEmpty())
        return;
    m_matches.clear();
    m_currentMatch = -1;
    updateExtraSelections();
}

void CodeViewer::addContextMenuAction(QAction *action) {
    m_menuActions.append(action);
}

QString CodeViewer::currentPath() const {
    return m_path;
}

int CodeViewer::lineCount() const {
    return m_open ? m_lines.lineCount() : 0;
}

int CodeViewer::currentLine() const {
    return textCursor().blockNumber() + 1;
}

QString CodeViewer::definitionName() const {
    return m_highlighter->definition().isValid() ? m_highlighter->definition().name() : QString();
}

QString CodeViewer::themeName() const {
    return m_highlighter->theme().name();
}

int CodeViewer::highlightedLineCount() const {
    return m_highlighter->highlightedBlockCount();
}

QAction *CodeViewer::goToLineAction() const {
    return m_goToLineAction;
}

void CodeViewer::resizeEvent(QResizeEvent *event) {
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

void CodeViewer::paintEvent(QPaintEvent *event) {
    if (m_open) {
        // No wrapping, so every line is one text line high.
        const int visibleLines = viewport()->height() / fontMetrics().lineSpacing() + 1;
        const int first = firstVisibleBlock().blockNumber();
        m_highlighter->highlightVisible(first, first + visibleLines);
    }
    QPlainTextEdit::paintEvent(event);
    if (m_open && !m_lines.text().isEmpty()) {
        paintCutMarkers();
        return;
    }
    // Painted overlay rather than setPlaceholderText(): an open but empty file must not
    // claim that nothing is selected.
    QPainter painter(viewport());
    QColor color = palette().color(QPalette::Text);
    color.setAlphaF(0.6);
    painter.setPen(color);
    painter.setFont(QGuiApplication::font()); // prose, not code
    const QString message =
        m_open ? tr("This file is empty.") : tr("Select a file in the repository tree to view it.");
    painter.drawText(viewport()->rect().adjusted(12, 12, -12, -12),
                     Qt::AlignCenter | Qt::TextWordWrap, message);
}

void CodeViewer::changeEvent(QEvent *event) {
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applyingTheme)
        applyTheme();
    else if (event->type() == QEvent::FontChange)
        updateGutterGeometry();
}

void CodeViewer::contextMenuEvent(QContextMenuEvent *event) {
    QMenu *menu = createStandardContextMenu(event->pos());
    menu->addSeparator();
    menu->addAction(m_goToLineAction);
    if (isLineCut(cursorForPosition(event->pos()).blockNumber() + 1) || isLineCut(currentLine())) {
        if (!isLineCut(currentLine()))
            setTextCursor(cursorForPosition(event->pos()));
        menu->addAction(m_nextPartAction);
        menu->addAction(m_previousPartAction);
    }
    for (QAction *action : std::as_const(m_menuActions))
        menu->addAction(action);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

int CodeViewer::gutterWidth() const {
    if (!m_open)
        return 0;
    int digits = 1;
    for (int n = std::max(1, lineCount()); n >= 10; n /= 10)
        ++digits;
    digits = std::max(digits, 3); // steady width for small files
    return 2 * GutterPadding + digits * fontMetrics().horizontalAdvance(QLatin1Char('9'));
}

void CodeViewer::paintGutter(QPaintEvent *event) {
    QPainter painter(m_gutter);
    painter.fillRect(event->rect(), m_gutterBackground);
    if (!m_open)
        return;
    painter.setFont(font());
    const int current = textCursor().blockNumber();
    const int textWidth = m_gutter->width() - GutterPadding;
    const int lineHeight = fontMetrics().height();
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (block.isVisible() && bottom >= event->rect().top()) {
            const bool isCurrent = block.blockNumber() == current;
            painter.setPen(isCurrent ? m_currentLineNumberColor : m_lineNumberColor);
            QFont numberFont = font();
            numberFont.setBold(isCurrent);
            painter.setFont(numberFont);
            painter.drawText(0, top, textWidth, lineHeight, Qt::AlignRight | Qt::AlignVCenter,
                             QString::number(block.blockNumber() + 1));
        }
        block = block.next();
        top = bottom;
    }
    painter.setPen(m_separatorColor);
    const int x = m_gutter->width() - 1;
    painter.drawLine(x, event->rect().top(), x, event->rect().bottom());
}

void CodeViewer::updateGutterGeometry() {
    setViewportMargins(gutterWidth(), 0, 0, 0);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
    m_gutter->update();
}

void CodeViewer::onUpdateRequest(const QRect &rect, int dy) {
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    if (rect.contains(viewport()->rect()))
        updateGutterGeometry();
}

void CodeViewer::onCursorPositionChanged() {
    const int line = currentLine();
    if (line == m_lastCursorLine)
        return;
    m_lastCursorLine = line;
    updateExtraSelections();
    m_gutter->update();
    Q_EMIT cursorLineChanged(line);
}

void CodeViewer::applyTheme() {
    using KSyntaxHighlighting::Repository;
    using KSyntaxHighlighting::Theme;
    // Decide from our own Base colour, which is never overridden below, so a later
    // application palette switch is still seen.
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const Theme theme =
        m_repository.defaultTheme(dark ? Repository::DarkTheme : Repository::LightTheme);

    const QColor background = QColor::fromRgba(theme.editorColor(Theme::BackgroundColor));
    const QColor text = QColor::fromRgba(theme.textColor(Theme::Normal));
    const QColor selection = QColor::fromRgba(theme.editorColor(Theme::TextSelection));
    m_currentLineColor = QColor::fromRgba(theme.editorColor(Theme::CurrentLine));
    m_rangeColor = blend(background, selection, 0.55);
    m_matchColor = QColor::fromRgba(theme.editorColor(Theme::SearchHighlight));
    if (m_matchColor.alpha() == 0 || m_matchColor == background)
        m_matchColor = dark ? QColor(0x6b, 0x5b, 0x1e) : QColor(0xff, 0xe8, 0x8c);
    m_currentMatchColor = dark ? QColor(0xb0, 0x6a, 0x10) : QColor(0xff, 0xb0, 0x40);
    m_gutterBackground = QColor::fromRgba(theme.editorColor(Theme::IconBorder));
    m_lineNumberColor = QColor::fromRgba(theme.editorColor(Theme::LineNumbers));
    m_currentLineNumberColor = QColor::fromRgba(theme.editorColor(Theme::CurrentLineNumber));
    m_separatorColor = QColor::fromRgba(theme.editorColor(Theme::Separator));

    m_applyingTheme = true;
    QPalette own = palette();
    own.setColor(QPalette::Text, text);
    own.setColor(QPalette::Highlight, selection);
    own.setColor(QPalette::HighlightedText, text);
    setPalette(own);
    // The background is painted by the viewport; giving it the theme colour there keeps
    // our own Base (the light/dark signal) untouched.
    QPalette view = viewport()->palette();
    view.setColor(QPalette::Base, background);
    view.setColor(QPalette::Window, background);
    viewport()->setPalette(view);
    m_applyingTheme = false;

    if (m_highlighter->theme().name() != theme.name()) {
        m_highlighter->setTheme(theme); // restarts highlighting with the new colours
        viewport()->update();
    }
    updateExtraSelections();
    m_gutter->update();
}

void CodeViewer::updateExtraSelections() {
    QList<QTextEdit::ExtraSelection> selections;
    if (m_open) {
        QTextEdit::ExtraSelection line;
        line.format.setBackground(m_currentLineColor);
        line.format.setProperty(QTextFormat::FullWidthSelection, true);
        line.cursor = textCursor();
        line.cursor.clearSelection();
        selections.append(line);
    }
    if (m_open && m_rangeFirst > 0) {
        // A full-width selection is full width only on lines whose newline it covers, so
        // the last line of the range gets its own empty (hence whole-line) selection.
        QTextEdit::ExtraSelection range;
        range.format.setBackground(m_rangeColor);
        range.format.setProperty(QTextFormat::FullWidthSelection, true);
        const QTextBlock lastBlock = document()->findBlockByNumber(m_rangeLast - 1);
        range.cursor = QTextCursor(lastBlock);
        if (m_rangeFirst < m_rangeLast) {
            QTextEdit::ExtraSelection lines = range;
            lines.cursor.setPosition(document()->findBlockByNumber(m_rangeFirst - 1).position());
            lines.cursor.setPosition(lastBlock.position(), QTextCursor::KeepAnchor);
            selections.append(lines);
        }
        selections.append(range);
    }
    if (m_open) {
        appendVisibleMarks(selections);
        appendVisibleMatches(selections);
    }
    setExtraSelections(selections);
}

void CodeViewer::appendVisibleMatches(QList<QTextEdit::ExtraSelection> &selections) const {
    if (m_matches.isEmpty() || !m_lines.hasLines())
        return;
    // No wrapping, so every line is one text line high; a screen of margin either side.
    const int pageLines = viewport()->height() / fontMetrics().lineSpacing() + 1;
    const int top = std::max(0, firstVisibleBlock().blockNumber() - pageLines);
    const int bottom = std::min(m_lines.lineCount() - 1, top + 3 * pageLines);
    // Matches are text positions: those on the lines near the view, mapped into the
    // document (a match on a page of a cut line that is not shown has no place there).
    const int from = int(m_lines.lineStart(top));
    const int to = int(m_lines.lineStart(bottom) + m_lines.lineLength(bottom));
    auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), from,
                               [](const TextMatch &match, int position) {
                                   return match.position + match.length < position;
                               });
    QTextEdit::ExtraSelection match;
    match.format.setBackground(m_matchColor);
    match.cursor = QTextCursor(document());
    const int documentEnd = document()->characterCount() - 1;
    for (int added = 0; it != m_matches.cend() && it->position <= to && added < MaxVisibleMatches;
         ++it) {
        const int start = documentPosition(it->position);
        if (start < 0)
            continue;
        const int end = documentPosition(it->position + it->length);
        const bool current = int(it - m_matches.cbegin()) == m_currentMatch;
        match.format.setBackground(current ? m_currentMatchColor : m_matchColor);
        match.cursor.setPosition(start);
        match.cursor.setPosition(end >= 0 ? end : std::min(documentEnd, start + it->length),
                                 QTextCursor::KeepAnchor);
        selections.append(match);
        ++added;
    }
}

} // namespace reposcope::ui
