// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"
#include "tokenize/tokenizer.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace reposcope::prompt {

// How the repository is laid out in the request. The layout is one stable prefix:
// a short preamble, the directory tree of the selected files, then one block per file.
struct PackOptions {
    enum class Format { Xml, Markdown };
    Format format = Format::Xml;
    bool lineNumbers = false;
};

std::optional<PackOptions::Format> parseFormat(const QString &name);

// The text pieces of a pack; the writer and the budget use the same functions, so the
// budget's overhead figure is what the writer produces.
class PackFormat {
public:
    explicit PackFormat(PackOptions options)
        : m_options(options) {}
    const PackOptions &options() const { return m_options; }

    QByteArray preamble(const QString &repoName) const;
    QByteArray treeBegin() const;
    QByteArray treeEnd() const;
    // repoName as RepoSnapshot::name(0) gives it (escaped already). Paths and names below
    // are raw bytes: untrusted, so they are written escaped (text::visibleName), the same
    // way in every format, and no name can start a line, heading or element of its own.
    // One line of the directory tree: indentation by depth, then the name ("dir/" for folders).
    QByteArray treeLine(int depth, const QByteArray &name, bool directory) const;
    QByteArray filesBegin() const;
    QByteArray filesEnd() const;
    QByteArray fileBegin(const QByteArray &path) const;
    QByteArray fileEnd() const;
    // File content as the format can hold it. XML 1.0 has no way to write most C0 control
    // characters or U+FFFE/U+FFFF (not even as references), so the XML format writes them as
    // their Control Pictures (ESC as U+241B) and U+FFFD; Markdown keeps the text as it is.
    // contentNeedsCleaning is the cheap test; cleanContent returns `text` itself when clean.
    bool contentNeedsCleaning(QByteArrayView text) const;
    QByteArray cleanContent(const QByteArray &text) const;
    // Prefix of line `number` (1-based) when line numbers are on; width pads to the file's
    // largest line number.
    QByteArray linePrefix(qint64 number, int width) const;

    // What the pack spends on a node besides its content: its tree line, and for files the
    // file header and footer; and that text's tokens.
    QByteArray nodeOverheadText(const repo::RepoSnapshot &snap, int node) const;
    qint32 nodeOverhead(const repo::RepoSnapshot &snap, int node,
                        const tokenize::Tokenizer &tok) const;
    // Tokens of the fixed parts (preamble, tree and files wrappers).
    qint64 fixedOverhead(const QString &repoName, const tokenize::Tokenizer &tok) const;
    // Average tokens one line-number prefix costs (0 when line numbers are off).
    double tokensPerLinePrefix(const tokenize::Tokenizer &tok) const;

private:
    PackOptions m_options;
};

} // namespace reposcope::prompt
