// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <vector>

namespace reposcope::ui {

/// The full text of the file a CodeViewer shows and where its lines start, so the viewer
/// can show one page of a long line and still map between positions in the text and the
/// file's real line numbers. Lines end at '\n' (so a text ending in one ends with an empty line, as
/// in an editor); a '\r' before it is not part of the line.
///
/// The text is shared (implicitly), never copied. lineStarts() is a plain function for a
/// worker thread; the rest is for the UI thread.
class CodeViewerText {
public:
    /// Start of every line of @p text (the first is 0). Cost: one pass, ~20 ms for 50 MB.
    static std::vector<qsizetype> lineStarts(QStringView text);

    void reset(const QString &text);
    void setLineStarts(std::vector<qsizetype> starts) { m_starts = std::move(starts); }
    bool hasLines() const { return !m_starts.empty(); }

    const QString &text() const { return m_text; }
    /// Lines of the text; 0 until setLineStarts() and for an empty text.
    int lineCount() const;
    /// 0-based @p line: where it starts in text() and its length without the line end.
    qsizetype lineStart(int line) const { return m_starts[std::size_t(line)]; }
    qsizetype lineLength(int line) const;
    /// 0-based line holding text position @p position.
    int lineAt(qsizetype position) const;
    /// Characters [@p from, @p from + @p length) of 0-based @p line as the document shows
    /// them: the same number of characters, with those QTextDocument would turn into line
    /// or paragraph breaks ('\r', U+2028, U+2029) replaced, so one line stays one block.
    QString displayed(int line, qsizetype from, qsizetype length) const;

private:
    QString m_text;
    std::vector<qsizetype> m_starts;
};

} // namespace reposcope::ui
