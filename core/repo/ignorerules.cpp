// SPDX-License-Identifier: MIT
#include "repo/ignorerules.h"

#include "repo/wildmatch.h"

#include <cstring>

namespace reposcope::repo {

namespace {

// Drops trailing spaces unless escaped with a backslash (git's trim_trailing_spaces).
void trimTrailingSpaces(QByteArray &line) {
    qsizetype lastSpace = -1;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ') {
            if (lastSpace < 0)
                lastSpace = i;
        } else if (c == '\\') {
            ++i;
            if (i >= line.size())
                return;
            lastSpace = -1;
        } else {
            lastSpace = -1;
        }
    }
    if (lastSpace >= 0)
        line.truncate(lastSpace);
}

bool hasWildcard(const char *s, qsizetype len) {
    for (qsizetype i = 0; i < len; ++i)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
            return true;
    return false;
}

} // namespace

IgnoreList IgnoreList::parse(const QByteArray &content, const QByteArray &base) {
    IgnoreList list;
    list.base = base;
    qsizetype start = content.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    while (start < content.size()) {
        qsizetype end = content.indexOf('\n', start);
        if (end < 0)
            end = content.size();
        qsizetype lineEnd = end;
        if (lineEnd > start && content[lineEnd - 1] == '\r')
            --lineEnd;
        if (lineEnd > start && content[start] != '#')
            list.addPattern(content.mid(start, lineEnd - start));
        start = end + 1;
    }
    return list;
}

void IgnoreList::addPattern(const QByteArray &rawLine) {
    QByteArray line = rawLine;
    trimTrailingSpaces(line);
    if (line.isEmpty())
        return;
    IgnorePattern p;
    qsizetype begin = 0;
    if (line[0] == '!') {
        p.negative = true;
        begin = 1;
    }
    qsizetype len = line.size() - begin;
    if (len > 0 && line[line.size() - 1] == '/') {
        --len;
        p.mustBeDir = true;
    }
    QByteArray pat = line.mid(begin, len);
    p.noDir = !pat.contains('/');
    if (!p.noDir && pat.startsWith('/'))
        pat.remove(0, 1); // anchored: the folder of the list is implied in front
    p.literal = !hasWildcard(pat.constData(), pat.size());
    p.endsWith = pat.startsWith('*') && !hasWildcard(pat.constData() + 1, pat.size() - 1);
    p.pattern = pat;
    patterns.push_back(std::move(p));
}

IgnoreList::Verdict IgnoreList::match(const char *path, int pathLen, int nameOffset,
                                      bool isDir) const {
    const char *name = path + nameOffset;
    const int nameLen = pathLen - nameOffset;
    const char *rel = path + base.size();
    const int relLen = pathLen - int(base.size());
    for (auto it = patterns.rbegin(); it != patterns.rend(); ++it) {
        const IgnorePattern &p = *it;
        if (p.mustBeDir && !isDir)
            continue;
        const int plen = int(p.pattern.size());
        bool hit;
        if (p.noDir) {
            if (p.literal)
                hit =
                    plen == nameLen && std::memcmp(p.pattern.constData(), name, size_t(plen)) == 0;
            else if (p.endsWith)
                hit = plen - 1 <= nameLen &&
                      std::memcmp(p.pattern.constData() + 1, name + nameLen - (plen - 1),
                                  size_t(plen - 1)) == 0;
            else
                hit = wildmatch(p.pattern.constData(), name, false);
        } else if (p.literal) {
            hit = plen == relLen && std::memcmp(p.pattern.constData(), rel, size_t(plen)) == 0;
        } else {
            hit = wildmatch(p.pattern.constData(), rel, true);
        }
        if (hit)
            return p.negative ? Verdict::Included : Verdict::Ignored;
    }
    return Verdict::None;
}

bool IgnoreStack::isIgnored(const QByteArray &path, bool isDir) const {
    const int len = int(path.size());
    const int slash = int(path.lastIndexOf('/'));
    const int nameOffset = slash + 1;
    for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) {
        if (!*it)
            continue;
        const auto v = (*it)->match(path.constData(), len, nameOffset, isDir);
        if (v != IgnoreList::Verdict::None)
            return v == IgnoreList::Verdict::Ignored;
    }
    for (auto it = m_globals.rbegin(); it != m_globals.rend(); ++it) {
        const auto v = it->match(path.constData(), len, nameOffset, isDir);
        if (v != IgnoreList::Verdict::None)
            return v == IgnoreList::Verdict::Ignored;
    }
    return false;
}

} // namespace reposcope::repo
