// SPDX-License-Identifier: MIT
#pragma once

#include <QPlainTextEdit>

#include <utility>

class QAction;

namespace KSyntaxHighlighting {
class Repository;
} // namespace KSyntaxHighlighting

namespace reposcope::ui {

class CodeViewerGutter;
class CodeViewerHighlighter;

/// A run of characters of the shown text: a find match.
struct TextMatch {
    int position = 0; // document position (== index into CodeViewer::shownText())
    int length = 0;
    friend bool operator==(const TextMatch &, const TextMatch &) = default;
};

/// Read-only source viewer: KSyntaxHighlighting colours, a line-number gutter, a theme
/// that follows the palette (light or dark, re-chosen on every palette change), "go to
/// line" (Ctrl+G) and a highlighted line range for citations.
///
/// Ownership: the Repository is NOT owned and must outlive the viewer. Building one reads
/// every syntax definition and theme (expensive, tens of milliseconds and megabytes), so
/// the application builds exactly one in app/ and injects it into every viewer.
///
/// Threading: UI thread only.
///
/// Cost: showText() sets the whole text in one go (QPlainTextEdit lays out per block and
/// shapes only what it paints). Highlighting is lazy: lines are highlighted up to the last
/// visible one before painting, the rest in small idle-time chunks (CodeViewerHighlighter),
/// so a 50,000-line file opens at once. Jumping far ahead before the idle pass got there
/// highlights the lines in between first (syntax states chain line to line).
class CodeViewer : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit CodeViewer(KSyntaxHighlighting::Repository &repository, QWidget *parent = nullptr);
    ~CodeViewer() override;

    /// Shows @p text; @p path (repository-relative) picks the syntax definition by its
    /// file name and becomes the document title. Clears any highlighted line range.
    void showText(const QString &path, const QString &text);
    /// Closes the file: empty document, no path, the placeholder message is shown.
    /// Hides QPlainTextEdit::clear() (not virtual); call it on a CodeViewer.
    void clear();

    /// Moves the cursor to the start of 1-based @p line and centres it. Returns false
    /// (and moves nothing) when no file is shown or the line is out of range.
    bool goToLine(int line);
    /// Tints 1-based lines @p first..@p last (clamped to the document) across the full
    /// width and scrolls them into view. A later call replaces the range. Implemented as
    /// extra selections: one over first..last-1 (up to the start of line last) and an
    /// empty one on line last (an empty full-width selection tints its whole line).
    void highlightLines(int first, int last);
    /// Removes the range set by highlightLines().
    void clearLineHighlight();
    /// The range set by highlightLines() as {first, last}; {0, 0} when there is none.
    std::pair<int, int> highlightedRange() const { return {m_rangeFirst, m_rangeLast}; }

    /// Tints find matches (sorted by position, not overlapping); @p current (an index into
    /// @p matches, or -1) gets a stronger tint. Cost: only the matches near the visible lines
    /// become extra selections (again on every scroll), so 100,000 matches stay cheap.
    void setFindMatches(QList<TextMatch> matches, int current = -1);
    void clearFindMatches();
    const QList<TextMatch> &findMatches() const { return m_matches; }
    /// The text given to showText() (shared, not copied); positions equal document positions.
    const QString &shownText() const { return m_text; }

    /// Appends @p action (not owned) to the context menu, after "Go to Line…".
    void addContextMenuAction(QAction *action);

    QString currentPath() const;
    /// Number of lines of the shown text; 0 when nothing (or an empty file) is shown.
    int lineCount() const;
    /// 1-based line of the text cursor.
    int currentLine() const;
    /// Name of the syntax definition in use ("C++", "Python"); empty for plain text.
    QString definitionName() const;
    /// Name of the KSyntaxHighlighting theme in use ("Breeze Light", "Breeze Dark").
    QString themeName() const;
    /// Lines (from the top) already highlighted; for tests and diagnostics.
    int highlightedLineCount() const;

    /// "Go to Line…" (Ctrl+G, active while the viewer or a child has focus). Owned by the
    /// viewer; menus may add it.
    QAction *goToLineAction() const;

Q_SIGNALS:
    /// The text cursor moved to another 1-based line.
    void cursorLineChanged(int line);
    /// showText() or clear() replaced the document (find matches are dropped).
    void textReplaced();

protected:
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    friend class CodeViewerGutter;

    int gutterWidth() const;
    void paintGutter(QPaintEvent *event);
    void updateGutterGeometry();
    void onUpdateRequest(const QRect &rect, int dy);
    void onCursorPositionChanged();
    void applyTheme();
    void updateExtraSelections();
    void appendVisibleMatches(QList<QTextEdit::ExtraSelection> &selections) const;

    KSyntaxHighlighting::Repository &m_repository;
    CodeViewerHighlighter *m_highlighter = nullptr;
    CodeViewerGutter *m_gutter = nullptr;
    QAction *m_goToLineAction = nullptr;
    QList<QAction *> m_menuActions;
    QString m_path;
    QString m_text;
    QList<TextMatch> m_matches;
    int m_currentMatch = -1;
    bool m_open = false;
    bool m_applyingTheme = false;
    int m_lastCursorLine = 0;
    int m_rangeFirst = 0; // 1-based, 0 = no range
    int m_rangeLast = 0;
    QColor m_currentLineColor;
    QColor m_rangeColor;
    QColor m_matchColor;
    QColor m_currentMatchColor;
    QColor m_gutterBackground;
    QColor m_lineNumberColor;
    QColor m_currentLineNumberColor;
    QColor m_separatorColor;
};

} // namespace reposcope::ui
