// SPDX-License-Identifier: MIT
#pragma once

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Theme>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringView>
#include <QTextCharFormat>
#include <QTextDocument>

class QTextCursor;

namespace KSyntaxHighlighting {
class Repository;
}

namespace reposcope::ui {

/// One block-level piece of a Markdown answer: prose (rendered by Qt's Markdown reader) or a fenced
/// code block (highlighted by KSyntaxHighlighting). Offsets index the source text.
struct MarkdownSegment {
    enum class Kind { Prose, Code };
    Kind kind = Kind::Prose;
    qsizetype begin = 0;     // first character of the segment (the opening fence for code)
    qsizetype end = 0;       // one past its last character
    qsizetype bodyBegin = 0; // code: first character of the first code line
    qsizetype bodyEnd = 0;   // code: end of the last code line (before the closing fence)
    int indent = 0;          // code: spaces before the opening fence, removed from each line
    QString info;            // code: the fence's info string ("cpp", "src/main.go", ...)
    /// The segment's text can no longer change as text is appended (a later segment follows, or the
    /// text is final). Only the last segment of a growing text is open.
    bool closed = false;
};

/// Splits Markdown into prose and fenced-code segments, starting at `from`, which must be 0 or the
/// end of a closed segment of an earlier split of a prefix of `text` (segmentation is
/// prefix-stable: a closed segment stays the same whatever is appended). An unclosed fence runs to
/// the end of the text, as CommonMark says. `final`: no more text will come, so the last segment is
/// closed too. Prose is cut at blank lines before a paragraph, heading or quote that starts in
/// column 0 (never inside a list), so a long answer re-renders only its last paragraph or code
/// block while it streams. Cost: linear in text.size() - from.
QList<MarkdownSegment> splitMarkdown(QStringView text, qsizetype from = 0, bool final = false);

/// Renders Markdown answers into QTextDocuments: prose through QTextDocument::setMarkdown (GitHub
/// dialect), fenced code blocks as a boxed block whose characters carry the KSyntaxHighlighting
/// formats of the fence's language (by definition name, else by a file-name guess). The Repository
/// is NOT owned and must outlive the renderer (build it once per process: loading it is expensive);
/// without one, code is shown unhighlighted. UI thread only (it keeps a scratch QTextDocument).
/// Cost: linear in the rendered text; callers that stream re-render only the last, open segment
/// (see TranscriptView).
class MarkdownRenderer {
public:
    explicit MarkdownRenderer(KSyntaxHighlighting::Repository *repository = nullptr);
    ~MarkdownRenderer();
    MarkdownRenderer(const MarkdownRenderer &) = delete;
    MarkdownRenderer &operator=(const MarkdownRenderer &) = delete;

    /// Light or dark highlighting theme and code-block colours (follow the palette's Base).
    void setDark(bool dark);
    bool isDark() const { return m_dark; }

    /// Inserts the rendered Markdown at `cursor`, which must be at the start of an empty block;
    /// leaves it at the start of a new empty block after the content.
    void insert(QTextCursor &cursor, QStringView markdown, bool final = true);
    /// Inserts one segment of `text` (from splitMarkdown(text)), same cursor contract.
    void insertSegment(QTextCursor &cursor, QStringView text, const MarkdownSegment &segment);

    /// Replaces the content of `document` with the rendered Markdown.
    void render(QTextDocument *document, QStringView markdown, bool final = true);

    /// The syntax definition for a fence's info string; invalid when unknown or when there is no
    /// repository. Cached per info string.
    KSyntaxHighlighting::Definition definitionFor(const QString &info);

private:
    void insertProse(QTextCursor &cursor, QStringView markdown);
    void insertCode(QTextCursor &cursor, QStringView text, const MarkdownSegment &segment);
    QTextCharFormat codeFormat(const KSyntaxHighlighting::Format &format);

    KSyntaxHighlighting::Repository *m_repository;
    KSyntaxHighlighting::Theme m_theme;
    bool m_dark = false;
    QTextDocument m_scratch; // Markdown is parsed here, then copied as a fragment
    QHash<QString, KSyntaxHighlighting::Definition> m_definitions; // by info string
    QHash<QString, KSyntaxHighlighting::Definition> m_byLowerName; // "c++", "python", ...
    QHash<quint16, QTextCharFormat> m_formats;                     // by Format::id(), for m_theme
    QTextCharFormat m_plainCode;
};

} // namespace reposcope::ui
