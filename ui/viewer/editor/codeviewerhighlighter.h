// SPDX-License-Identifier: MIT
#pragma once

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/State>

#include <QObject>
#include <QTextLayout>
#include <QTimer>

#include <vector>

class QTextDocument;

namespace reposcope::ui {

/// Lazy highlighter for a read-only QTextDocument. QSyntaxHighlighter re-highlights the
/// whole document synchronously when the text is set (most of a second for 50,000 lines);
/// this one highlights only up to what is shown (highlightUpTo(), called before painting)
/// and does the rest in small chunks while the event loop is idle.
///
/// The document must not be edited; after setting new text call reset(). Owned by the
/// document's viewer; UI thread only.
class CodeViewerHighlighter : public QObject, public KSyntaxHighlighting::AbstractHighlighter {
    Q_OBJECT
    Q_INTERFACES(KSyntaxHighlighting::AbstractHighlighter)
public:
    explicit CodeViewerHighlighter(QTextDocument *document, QObject *parent = nullptr);
    ~CodeViewerHighlighter() override;

    void setDefinition(const KSyntaxHighlighting::Definition &definition) override;
    void setTheme(const KSyntaxHighlighting::Theme &theme) override;

    /// Forgets all work: the text, definition or theme changed.
    void reset();
    /// Highlights every block up to and including 0-based @p blockNumber (line states
    /// chain, so all earlier blocks are done first). Cheap when already done.
    void highlightUpTo(int blockNumber);
    /// Makes 0-based blocks @p first..@p last (the visible ones) look highlighted. Near the
    /// highlighted prefix this is highlightUpTo(last); far past it (a jump into a big file)
    /// the blocks are highlighted provisionally, starting from the default state a few
    /// dozen lines earlier, so the cost is the size of the view, not of the distance. The
    /// idle pass redoes them with the right chained states when it gets there (a guess
    /// inside a long block comment may then change colour).
    void highlightVisible(int first, int last);
    /// Blocks longer than @p length characters are left plain (cut lines of minified code:
    /// one page is thousands of tokens, and their syntax state is a guess anyway).
    void setMaxLineLength(int length) { m_maxLineLength = length; }
    /// Number of leading blocks already highlighted.
    int highlightedBlockCount() const;

protected:
    void applyFormat(int offset, int length, const KSyntaxHighlighting::Format &format) override;

private:
    void highlightChunk();

    QTextDocument *m_document;
    std::vector<KSyntaxHighlighting::State> m_endStates; // state after block i
    QList<QTextLayout::FormatRange> m_ranges;            // of the block being highlighted
    std::vector<bool> m_provisional; // per block: highlighted ahead of the idle pass
    QTimer m_idleTimer;
    int m_maxLineLength = 1 << 30;
};

} // namespace reposcope::ui
