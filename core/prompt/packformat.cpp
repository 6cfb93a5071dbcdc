// SPDX-License-Identifier: MIT
#include "prompt/packformat.h"

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

bool isXml(const PackOptions &o) {
    return o.format == PackOptions::Format::Xml;
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
    const QByteArray name = repoName.toUtf8();
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
    return QByteArray(2 * qsizetype(depth), ' ') + name + (directory ? "/\n" : "\n");
}

QByteArray PackFormat::filesBegin() const {
    return isXml(m_options) ? QByteArray("<files>\n") : QByteArray("## Files\n\n");
}

QByteArray PackFormat::filesEnd() const {
    return isXml(m_options) ? QByteArray("</files>\n") : QByteArray();
}

QByteArray PackFormat::fileBegin(const QByteArray &path) const {
    if (isXml(m_options))
        return "<file path=\"" + xmlEscapeAttr(path) + "\">\n";
    return "### " + path + "\n\n````\n";
}

QByteArray PackFormat::fileEnd() const {
    return isXml(m_options) ? QByteArray("</file>\n\n") : QByteArray("````\n\n");
}

QByteArray PackFormat::linePrefix(qint64 number, int width) const {
    return QByteArray::number(number).rightJustified(width, ' ') + ": ";
}

QByteArray PackFormat::nodeOverheadText(const repo::RepoSnapshot &snap, int node) const {
    if (node == 0)
        return {};
    const bool dir = snap.isDirectory(node);
    // depth - 1: children of the root are not indented.
    QByteArray text = treeLine(snap.depth(node) - 1, snap.name(node).toUtf8(), dir);
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
