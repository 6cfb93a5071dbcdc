// SPDX-License-Identifier: MIT
// CodeViewer's marks: runs of text its owner tints (the "What leaves the machine" view marks
// every redaction marker and every secret sent as it is). Like find matches, only the marks
// near the visible lines become extra selections, so a pack with thousands stays cheap.
#include "viewer/codeviewer.h"

#include <QTextBlock>

#include <algorithm>

namespace reposcope::ui {

namespace {
constexpr int MaxVisibleMarks = 4000;
}

void CodeViewer::setMarks(QList<TextMark> marks) {
    m_marks = std::move(marks);
    updateExtraSelections();
}

void CodeViewer::appendVisibleMarks(QList<QTextEdit::ExtraSelection> &selections) const {
    if (m_marks.isEmpty() || !m_lines.hasLines())
        return;
    const int pageLines = viewport()->height() / fontMetrics().lineSpacing() + 1;
    const int top = std::max(0, firstVisibleBlock().blockNumber() - pageLines);
    const int bottom = std::min(m_lines.lineCount() - 1, top + 3 * pageLines);
    const int from = int(m_lines.lineStart(top));
    const int to = int(m_lines.lineStart(bottom) + m_lines.lineLength(bottom));
    auto it = std::lower_bound(
        m_marks.cbegin(), m_marks.cend(), from,
        [](const TextMark &mark, int position) { return mark.position + mark.length < position; });
    const int documentEnd = document()->characterCount() - 1;
    for (int added = 0; it != m_marks.cend() && it->position <= to && added < MaxVisibleMarks;
         ++it) {
        const int start = documentPosition(it->position);
        if (start < 0)
            continue;
        const int end = documentPosition(it->position + it->length);
        QTextEdit::ExtraSelection mark;
        if (it->background.isValid())
            mark.format.setBackground(it->background);
        if (it->foreground.isValid())
            mark.format.setForeground(it->foreground);
        mark.cursor = QTextCursor(document());
        mark.cursor.setPosition(start);
        mark.cursor.setPosition(end >= 0 ? end : std::min(documentEnd, start + it->length),
                                QTextCursor::KeepAnchor);
        selections.append(mark);
        ++added;
    }
}

} // namespace reposcope::ui
