// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <memory>
#include <vector>

namespace reposcope::repo {

// One gitignore pattern, parsed as git's dir.c does (negation '!', trailing '/' for
// directories only, a '/' anywhere else anchors it to the file's folder, trailing
// unescaped spaces trimmed, '\' escapes).
struct IgnorePattern {
    QByteArray pattern; // without '!', the trailing '/' and a leading '/'
    bool negative = false;
    bool mustBeDir = false;
    bool noDir = false;    // no '/' in it: matched against the basename only
    bool literal = false;  // no wildcard at all: a plain comparison suffices
    bool endsWith = false; // "*literal": compare the tail (pattern without the '*')
};

// The patterns of one source (a .gitignore, info/exclude, core.excludesFile, or a list
// of user globs), relative to `base` ("" or "dir/sub/").
struct IgnoreList {
    QByteArray base;
    std::vector<IgnorePattern> patterns;

    // Parses file content: lines, '#' comments, CRLF, a UTF-8 BOM.
    static IgnoreList parse(const QByteArray &content, const QByteArray &base);
    void addPattern(const QByteArray &line);

    enum class Verdict { None, Ignored, Included };
    // The verdict of the last matching pattern for `path` (relative to the repository,
    // NUL-terminated, must start with `base`). `nameOffset` is where the basename starts.
    Verdict match(const char *path, int pathLen, int nameOffset, bool isDir) const;
};

// Stack of ignore lists for a directory walk, checked in git's order: the deepest
// .gitignore first, up to the root one, then info/exclude, then core.excludesFile.
// Not thread-safe; one per walk. Cheap to query: no allocation per call.
class IgnoreStack {
public:
    // Global lists, added in git's order: core.excludesFile, then info/exclude; a list
    // added later takes precedence.
    void addGlobal(IgnoreList list) { m_globals.push_back(std::move(list)); }
    void push(std::shared_ptr<const IgnoreList> list) { m_dirs.push_back(std::move(list)); }
    void pop() { m_dirs.pop_back(); }

    // The folders' lists from the root down, for handing a folder to another walker.
    using DirLists = std::vector<std::shared_ptr<const IgnoreList>>;
    const DirLists &dirLists() const { return m_dirs; }
    void setDirLists(DirLists lists) { m_dirs = std::move(lists); }

    // Whether `path` (relative, NUL-terminated) is ignored. Callers never ask about
    // anything inside an ignored folder (git never descends into one).
    bool isIgnored(const QByteArray &path, bool isDir) const;

private:
    DirLists m_dirs; // null entries: no file
    std::vector<IgnoreList> m_globals;
};

} // namespace reposcope::repo
