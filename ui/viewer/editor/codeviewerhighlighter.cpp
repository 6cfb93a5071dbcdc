// SPDX-License-Identifier: MIT
#include "viewer/editor/codeviewerhighlighter.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Theme>

#include <QTextBlock>
#include <QTextDocument>

namespace reposcope::ui {

namespace {
// Blocks per idle step: roughly 10-20 ms of work, so scrolling stays smooth meanwhile.
constexpr int ChunkBlocks = 1000;
// Up to this many blocks past the highlighted prefix, the visible ones are reached by
// highlighting everything in between (well under 50 ms); farther, provisionally.
constexpr int MaxCatchUpBlocks = 3000;
// Lines highlighted before a provisional window so multi-line constructs settle.
constexpr int WarmUpBlocks = 60;
} // namespace

CodeViewerHighlighter::CodeViewerHighlighter(QTextDocument *document, QObject *parent)
    : QObject(parent)
    , m_document(document) {
    m_idleTimer.setInterval(0);
    connect(&m_idleTimer, &QTimer::timeout, this, &CodeViewerHighlighter::highlightChunk);
}

CodeViewerHighlighter::~CodeViewerHighlighter() = default;

void CodeViewerHighlighter::setDefinition(const KSyntaxHighlighting::Definition &definition) {
    AbstractHighlighter::setDefinition(definition);
    reset();
}

void CodeViewerHighlighter::setTheme(const KSyntaxHighlighting::Theme &theme) {
    AbstractHighlighter::setTheme(theme);
    reset();
}

void CodeViewerHighlighter::reset() {
    // Blocks past the restart point keep their old formats until they are reached again;
    // they are only ever painted after highlightUpTo() has reached them.
    m_endStates.clear();
    m_endStates.reserve(static_cast<std::size_t>(m_document->blockCount()));
    m_provisional.assign(static_cast<std::size_t>(m_document->blockCount()), false);
    if (definition().isValid()) {
        m_idleTimer.start();
        return;
    }
    m_idleTimer.stop();
    // Plain text: drop formats left over from an earlier definition or theme.
    for (QTextBlock block = m_document->begin(); block.isValid(); block = block.next()) {
        if (!block.layout()->formats().isEmpty())
            block.layout()->clearFormats();
    }
    m_document->markContentsDirty(0, m_document->characterCount());
}

void CodeViewerHighlighter::highlightUpTo(int blockNumber) {
    if (!definition().isValid())
        return;
    blockNumber = std::min(blockNumber, m_document->blockCount() - 1);
    const int first = highlightedBlockCount();
    if (blockNumber < first)
        return;
    QTextBlock block = m_document->findBlockByNumber(first);
    const int from = block.position();
    KSyntaxHighlighting::State state =
        m_endStates.empty() ? KSyntaxHighlighting::State() : m_endStates.back();
    int to = from;
    for (int n = first; n <= blockNumber && block.isValid(); ++n, block = block.next()) {
        m_ranges.clear();
        if (block.length() <= m_maxLineLength)
            state = highlightLine(block.text(), state);
        block.layout()->setFormats(m_ranges);
        m_endStates.push_back(state);
        to = block.position() + block.length();
    }
    // One relayout notice for the whole range, instead of one per block.
    m_document->markContentsDirty(from, to - from);
    if (highlightedBlockCount() >= m_document->blockCount())
        m_idleTimer.stop();
}

void CodeViewerHighlighter::highlightVisible(int first, int last) {
    if (!definition().isValid())
        return;
    last = std::min(last, m_document->blockCount() - 1);
    if (last < highlightedBlockCount())
        return;
    if (first - highlightedBlockCount() <= MaxCatchUpBlocks) {
        highlightUpTo(last);
        return;
    }
    if (m_provisional.size() != static_cast<std::size_t>(m_document->blockCount()))
        m_provisional.assign(static_cast<std::size_t>(m_document->blockCount()), false);
    auto done = [this](int n) { return m_provisional[static_cast<std::size_t>(n)]; };
    while (first <= last && done(first))
        ++first;
    if (first > last)
        return;
    const int start = std::max(highlightedBlockCount(), first - WarmUpBlocks);
    QTextBlock block = m_document->findBlockByNumber(start);
    const int from = block.position();
    KSyntaxHighlighting::State state;
    int to = from;
    for (int n = start; n <= last && block.isValid(); ++n, block = block.next()) {
        m_ranges.clear();
        if (block.length() <= m_maxLineLength)
            state = highlightLine(block.text(), state);
        if (!done(n)) {
            block.layout()->setFormats(m_ranges);
            m_provisional[static_cast<std::size_t>(n)] = true;
        }
        to = block.position() + block.length();
    }
    m_document->markContentsDirty(from, to - from);
}

int CodeViewerHighlighter::highlightedBlockCount() const {
    return static_cast<int>(m_endStates.size());
}

void CodeViewerHighlighter::applyFormat(int offset, int length,
                                        const KSyntaxHighlighting::Format &format) {
    if (length == 0 || format.isDefaultTextStyle(theme()))
        return;
    QTextCharFormat tf;
    if (format.hasTextColor(theme()))
        tf.setForeground(format.textColor(theme()));
    if (format.hasBackgroundColor(theme()))
        tf.setBackground(format.backgroundColor(theme()));
    if (format.isBold(theme()))
        tf.setFontWeight(QFont::Bold);
    if (format.isItalic(theme()))
        tf.setFontItalic(true);
    if (format.isUnderline(theme()))
        tf.setFontUnderline(true);
    if (format.isStrikeThrough(theme()))
        tf.setFontStrikeOut(true);
    m_ranges.append(QTextLayout::FormatRange{offset, length, tf});
}

void CodeViewerHighlighter::highlightChunk() {
    highlightUpTo(highlightedBlockCount() + ChunkBlocks - 1);
}

} // namespace reposcope::ui
