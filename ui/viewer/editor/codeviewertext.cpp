// SPDX-License-Identifier: MIT
#include "viewer/editor/codeviewertext.h"

#include <algorithm>

namespace reposcope::ui {

std::vector<qsizetype> CodeViewerText::lineStarts(QStringView text) {
    std::vector<qsizetype> starts;
    if (text.isEmpty())
        return starts;
    starts.push_back(0);
    // A text ending in a newline ends with an empty line, as in an editor.
    for (qsizetype at = text.indexOf(u'\n'); at >= 0; at = text.indexOf(u'\n', at + 1))
        starts.push_back(at + 1);
    return starts;
}

void CodeViewerText::reset(const QString &text) {
    m_text = text;
    m_starts.clear();
}

int CodeViewerText::lineCount() const {
    return int(m_starts.size());
}

qsizetype CodeViewerText::lineLength(int line) const {
    const auto index = std::size_t(line);
    qsizetype end = index + 1 < m_starts.size() ? m_starts[index + 1] - 1 : m_text.size();
    if (end > m_starts[index] && m_text.at(end - 1) == u'\r')
        --end;
    return end - m_starts[index];
}

int CodeViewerText::lineAt(qsizetype position) const {
    const auto it = std::upper_bound(m_starts.cbegin(), m_starts.cend(), position);
    return std::max(0, int(it - m_starts.cbegin()) - 1);
}

QString CodeViewerText::displayed(int line, qsizetype from, qsizetype length) const {
    const qsizetype available = std::max<qsizetype>(0, lineLength(line) - from);
    QString out = m_text.mid(lineStart(line) + from, std::min(length, available));
    for (QChar &c : out) {
        const char16_t u = c.unicode();
        if (u == u'\r' || u == 0x2028 || u == 0x2029 || u == 0xfdd0 || u == 0xfdd1)
            c = QChar(0xfffd);
    }
    return out;
}

} // namespace reposcope::ui
