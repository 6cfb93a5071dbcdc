// SPDX-License-Identifier: MIT
#include "prompt/packformat.h"

#include "text/visibletext.h"

namespace reposcope::prompt {

namespace {

qint64 countOf(const tokenize::Tokenizer &tok, const QByteArray &text) {
    return tok.count(std::string_view(text.constData(), size_t(text.size())));
}

QByteArray xmlEscapeAttr(const QByteArray &s) {
    QByteArray out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// Character data: only what would start markup.
QByteArray xmlEscapeText(const QByteArray &s) {
    if (!s.contains('&') && !s.contains('<') && !s.contains('>'))
        return s;
    QByteArray out = s;
    out.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    return out;
}

bool isXml(const PackOptions &o) {
    return o.format == PackOptions::Format::Xml;
}

// A C0 control that XML 1.0 does not allow (everything below 0x20 but tab, LF and CR).
bool xmlIllegalControl(unsigned char c) {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// U+FFFE / U+FFFF in UTF-8 at p (3 bytes available).
bool xmlNonCharacter(const unsigned char *p) {
    return p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}

// A fenced block closes at a line of only backticks (up to three spaces in): a name like that
// in the Markdown tree would end the tree's code block.
bool closesFence(const QByteArray &line) {
    const QByteArray t = line.trimmed();
    return t.size() >= 3 && t.count('`') == t.size() && !line.startsWith("    ");
}

} // namespace

std::optional<PackOptions::Format> parseFormat(const QString &name) {
    if (name.compare(QLatin1String("xml"), Qt::CaseInsensitive) == 0)
        return PackOptions::Format::Xml;
    if (name.compare(QLatin1String("markdown"), Qt::CaseInsensitive) == 0 ||
        name.compare(QLatin1String("md"), Qt::CaseInsensitive) == 0)
        return PackOptions::Format::Markdown;
    return std::nullopt;
}

QByteArray PackFormat::preamble(const QString &repoName) const {
    const QByteArray name = repoName.toUtf8(); // visible already (RepoSnapshot::name)
    QByteArray text = "This is the repository \"" + name +
                      "\": its directory structure, then the full content of each selected file.";
    if (m_options.lineNumbers)
        text += " Every line of file content starts with its line number.";
    if (isXml(m_options))
        return "<repository_overview>\n" + text + "\n</repository_overview>\n\n";
    return "# Repository " + name + "\n\n" + text + "\n\n";
}

QByteArray PackFormat::treeBegin() const {
    return isXml(m_options) ? QByteArray("<directory_structure>\n")
                            : QByteArray("## Directory structure\n\n```\n");
}

QByteArray PackFormat::treeEnd() const {
    return isXml(m_options) ? QByteArray("</directory_structure>\n\n") : QByteArray("```\n\n");
}

QByteArray PackFormat::treeLine(int depth, const QByteArray &name, bool directory) const {
    QByteArray line = QByteArray(2 * qsizetype(depth), ' ') + text::visibleNameUtf8(name);
    if (!directory && !isXml(m_options) && closesFence(line))
        line.prepend("    "); // indented code: text in the block, not its end
    if (isXml(m_options))
        line = xmlEscapeText(line); // "</directory_structure>" as a name stays text
    return line + (directory ? "/\n" : "\n");
}

QByteArray PackFormat::filesBegin() const {
    return isXml(m_options) ? QByteArray("<files>\n") : QByteArray("## Files\n\n");
}

QByteArray PackFormat::filesEnd() const {
    return isXml(m_options) ? QByteArray("</files>\n") : QByteArray();
}

QByteArray PackFormat::fileBegin(const QByteArray &path) const {
    const QByteArray shown = text::visibleNameUtf8(path);
    if (isXml(m_options))
        return "<file path=\"" + xmlEscapeAttr(shown) + "\">\n";
    return "### " + shown + "\n\n````\n";
}

QByteArray PackFormat::fileEnd() const {
    return isXml(m_options) ? QByteArray("</file>\n\n") : QByteArray("````\n\n");
}

bool PackFormat::contentNeedsCleaning(QByteArrayView text) const {
    if (!isXml(m_options))
        return false;
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const qsizetype n = text.size();
    // One branch-free pass the compiler vectorises; the rare hit is looked at byte by byte.
    bool suspect = false;
    for (qsizetype i = 0; i < n; ++i)
        suspect |= xmlIllegalControl(p[i]) | (p[i] == 0xEF);
    if (!suspect)
        return false;
    for (qsizetype i = 0; i < n; ++i) {
        if (xmlIllegalControl(p[i]) || (i + 2 < n && xmlNonCharacter(p + i)))
            return true;
    }
    return false;
}

QByteArray PackFormat::cleanContent(const QByteArray &text) const {
    if (!contentNeedsCleaning(text))
        return text;
    QByteArray out;
    out.reserve(text.size() + 16);
    const auto *p = reinterpret_cast<const unsigned char *>(text.constData());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (xmlIllegalControl(p[i])) {
            // U+2400 + c: the Control Pictures block, e.g. U+241B for ESC.
            out += char(0xE2);
            out += char(0x90);
            out += char(0x80 + p[i]);
        } else if (i + 2 < n && xmlNonCharacter(p + i)) {
            out += "\xEF\xBF\xBD";
            i += 2;
        } else {
            out += char(p[i]);
        }
    }
    return out;
}

QByteArray PackFormat::linePrefix(qint64 number, int width) const {
    return QByteArray::number(number).rightJustified(width, ' ') + ": ";
}

QByteArray PackFormat::nodeOverheadText(const repo::RepoSnapshot &snap, int node) const {
    if (node == 0)
        return {};
    const bool dir = snap.isDirectory(node);
    // depth - 1: children of the root are not indented.
    QByteArray text = treeLine(snap.depth(node) - 1, snap.nameBytes(node), dir);
    if (!dir)
        text += fileBegin(snap.path(node)) + fileEnd();
    return text;
}

qint32 PackFormat::nodeOverhead(const repo::RepoSnapshot &snap, int node,
                                const tokenize::Tokenizer &tok) const {
    return node == 0 ? 0 : qint32(countOf(tok, nodeOverheadText(snap, node)));
}

qint64 PackFormat::fixedOverhead(const QString &repoName, const tokenize::Tokenizer &tok) const {
    return countOf(tok, preamble(repoName) + treeBegin() + treeEnd() + filesBegin() + filesEnd());
}

double PackFormat::tokensPerLinePrefix(const tokenize::Tokenizer &tok) const {
    if (!m_options.lineNumbers)
        return 0;
    // Typical files are a few hundred lines: sample prefixes 1..999 at width 3.
    QByteArray sample;
    for (int i = 1; i < 1000; ++i)
        sample += linePrefix(i, 3) + "x\n";
    const qint64 withPrefix = countOf(tok, sample);
    const qint64 without = countOf(tok, QByteArray("x\n").repeated(999));
    return double(withPrefix - without) / 999.0;
}

} // namespace reposcope::prompt
