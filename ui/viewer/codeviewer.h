// SPDX-License-Identifier: MIT
#pragma once

#include "viewer/editor/codeviewertext.h"

#include <QColor>
#include <QFutureWatcher>
#include <QHash>
#include <QPlainTextEdit>

#include <functional>
#include <utility>
#include <vector>

class QAction;
class QThreadPool;

namespace KSyntaxHighlighting {
class Repository;
} // namespace KSyntaxHighlighting

namespace reposcope::ui {

class CodeViewerGutter;
class CodeViewerHighlighter;

/// A run of characters of the shown text: a find match.
struct TextMatch {
    int position = 0; // index into CodeViewer::shownText() (the full text, not the document)
    int length = 0;
    friend bool operator==(const TextMatch &, const TextMatch &) = default;
};

/// A run of characters the viewer's owner tints (e.g. redaction markers): text positions
/// as for TextMatch; an invalid colour leaves that part of the format as it is.
struct TextMark {
    int position = 0;
    int length = 0;
    QColor background;
    QColor foreground;
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
/// Long lines and big files: a line longer than LineCutLength characters is shown cut, one
/// page of LineCutLength characters at a time, with a painted marker at the right edge
/// ("line cut at N characters (of M)"; a click, or Alt+PgDown / Alt+PgUp, shows the next or
/// previous page). It stays one line, so line numbers, goToLine(), highlightLines(), find and
/// blame all use the file's real lines. Such lines are not highlighted, and no line is in
/// a file over HighlightSizeLimit characters (highlightingNote() says so).
///
/// Cost: a text up to SyncLoadLimit characters is set in one go. A bigger one loads
/// progressively: its lines are found on the pool given to setThreadPool() (no pool: in one
/// go), then the document is fed from the UI thread a few milliseconds at a time, with the
/// event loop running in between; loadFinished() tells when it is all there. goToLine() and
/// highlightLines() during the load take effect when it finishes. Memory: the full text is
/// held once (shared with the caller); the document holds only what is shown, so a 50 MB
/// single-line file costs one page in the document. Highlighting is lazy: lines are highlighted up
/// to the last visible one before painting, the rest in small idle-time chunks
/// (CodeViewerHighlighter), so a 50,000-line file opens at once. Jumping far ahead before the idle
/// pass got there highlights the lines in between first (syntax states chain line to line).
class CodeViewer : public QPlainTextEdit {
    Q_OBJECT
public:
    /// Lines longer than this are shown cut, one page of this many characters at a time.
    static constexpr int LineCutLength = 10'000;
    /// Files of more characters than this are not highlighted at all.
    static constexpr qsizetype HighlightSizeLimit = 3 * 1024 * 1024;
    /// Texts of more characters than this load progressively (see above).
    static constexpr qsizetype SyncLoadLimit = 256 * 1024;

    explicit CodeViewer(KSyntaxHighlighting::Repository &repository, QWidget *parent = nullptr);
    ~CodeViewer() override;

    /// Where big files have their lines found. NOT owned; must outlive the viewer.
    void setThreadPool(QThreadPool *pool) { m_pool = pool; }

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
    /// Tints @p marks (sorted by position, not overlapping) under the find matches; like
    /// them, only the marks near the visible lines become extra selections (codeviewermarks.cpp).
    /// showText() and clear() remove them.
    void setMarks(QList<TextMark> marks);
    const QList<TextMark> &marks() const { return m_marks; }
    /// The text given to showText() (shared, not copied), in full, including the parts of
    /// cut lines that are not on screen. Positions in it are not document positions: see
    /// documentPosition() and textPosition().
    const QString &shownText() const { return m_lines.text(); }
    /// Selects text positions [@p position, @p position + @p length) of shownText(),
    /// showing the page of a cut line that holds them, and scrolls to them. During a load,
    /// does so when the load has finished.
    void selectText(int position, int length);
    /// The document position of text position @p position; -1 when it is on a page of a cut
    /// line that is not shown, or not loaded yet.
    int documentPosition(int position) const;
    /// The text position of document position @p position.
    int textPosition(int position) const;

    /// True once the whole file is in the document (at once for small files).
    bool isLoaded() const { return m_loaded; }
    /// Whether 1-based @p line is longer than LineCutLength (so shown cut).
    bool isLineCut(int line) const;
    /// Real length of 1-based @p line in characters, without its line end.
    qsizetype lineLength(int line) const;
    /// 0-based page of cut line @p line that is shown, and how many pages it has.
    int shownPart(int line) const;
    int partCount(int line) const;
    /// Shows 0-based page @p part of cut 1-based @p line; false if not cut or out of range.
    bool showLinePart(int line, int part);
    /// Next / previous page of the current line (wrapping round); false if it is not cut.
    bool showNextLinePart();
    bool showPreviousLinePart();
    /// The marker painted on cut line @p line: "line cut at 10,000 characters (of
    /// 52,000,000) · part 1 of 5,200 · next part ▸"; empty if not cut.
    QString cutMarkerText(int line) const;
    /// Empty, or why nothing is highlighted ("highlighting off: file over 3 MB").
    QString highlightingNote() const { return m_highlightNote; }

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
    /// "Show Next Part of Line" (Alt+PgDown) and "Show Previous Part of Line" (Alt+PgUp).
    QAction *nextPartAction() const { return m_nextPartAction; }
    QAction *previousPartAction() const { return m_previousPartAction; }

Q_SIGNALS:
    /// The text cursor moved to another 1-based line.
    void cursorLineChanged(int line);
    /// showText() or clear() replaced the document (find matches are dropped).
    void textReplaced();
    /// The whole file given to showText() is in the document now.
    void loadFinished();
    /// Another page of cut 1-based @p line is shown.
    void linePartShown(int line, int part);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

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
    void appendVisibleMarks(QList<QTextEdit::ExtraSelection> &selections) const;
    // codeviewerload.cpp: loading, cut lines and their pages.
    void startLoad();
    void onLinesFound();
    void feedChunk();
    void finishLoad();
    void whenLoaded(std::function<void()> action);
    QString displayedLine(int line0) const;
    void paintCutMarkers();
    int cutMarkerAt(const QPoint &pos) const;

    KSyntaxHighlighting::Repository &m_repository;
    CodeViewerHighlighter *m_highlighter = nullptr;
    CodeViewerGutter *m_gutter = nullptr;
    QAction *m_goToLineAction = nullptr;
    QAction *m_nextPartAction = nullptr;
    QAction *m_previousPartAction = nullptr;
    QList<QAction *> m_menuActions;
    QString m_path;
    CodeViewerText m_lines;
    QThreadPool *m_pool = nullptr;
    QFutureWatcher<std::vector<qsizetype>> m_splitWatcher;
    quint64 m_generation = 0; // of showText(): drops work for an earlier file
    quint64 m_splitFor = 0;   // the generation m_splitWatcher works for
    int m_fedLines = 0;       // lines already in the document during a load
    bool m_loaded = true;
    std::vector<std::function<void()>> m_whenLoaded;
    QHash<int, int> m_parts; // 0-based cut line -> page shown, when not the first
    QString m_highlightNote;
    mutable QHash<int, QRect> m_markerRects; // 1-based line -> painted marker, viewport
    QList<TextMatch> m_matches;
    QList<TextMark> m_marks;
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
