// SPDX-License-Identifier: MIT
#include "findings/citationparser.h"

namespace reposcope::findings {

namespace {

constexpr int kMaxLineDigits = 7;
constexpr qsizetype kMaxExtension = 12;

bool isAsciiDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_';
}

bool isPathChar(QChar c) {
    if (c.isLetterOrNumber() || c.isMark())
        return true;
    switch (c.unicode()) {
    case u'_':
    case u'.':
    case u'/':
    case u'\\':
    case u'-':
    case u'+':
    case u'@':
    case u'~':
    case u'$':
        return true;
    default:
        return false;
    }
}

bool isRangeDash(QChar c) {
    return c == u'-' || c == u'\u2013' || c == u'\u2014';
}

bool isWrapChar(QChar c) {
    return c == u'`' || c == u'"' || c == u'\'';
}

bool isBlankChar(QChar c) {
    return c == u' ' || c == u'\t' || c == u'\u00a0';
}

// Extension-less names that are files all the same.
bool isKnownFileName(QStringView name) {
    static const char *const kNames[] = {
        "Makefile",    "GNUmakefile", "makefile",  "Dockerfile", "Containerfile", "Jenkinsfile",
        "Vagrantfile", "Gemfile",     "Rakefile",  "Procfile",   "Brewfile",      "Podfile",
        "Justfile",    "justfile",    "Caddyfile", "Pipfile",    "Tiltfile",      "Earthfile",
        "BUILD",       "WORKSPACE",   "LICENSE",   "README",     "CODEOWNERS",    "Kconfig"};
    for (const char *known : kNames) {
        if (name == QLatin1String(known))
            return true;
    }
    return false;
}

// "example.com:443" is a host and a port, not a file and a line.
bool isHostSuffix(QStringView extension) {
    static const char *const kSuffixes[] = {"com", "org", "net", "edu", "gov"};
    for (const char *suffix : kSuffixes) {
        if (extension.compare(QLatin1String(suffix), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Abbreviations that look like "name.ext".
bool isAbbreviation(QStringView token) {
    static const char *const kWords[] = {"e.g", "i.e", "etc", "vs", "cf", "approx"};
    for (const char *word : kWords) {
        if (token.compare(QLatin1String(word), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool hasLetter(QStringView text) {
    for (QChar c : text) {
        if (c.isLetter())
            return true;
    }
    return false;
}

bool looksLikeFile(QStringView token) {
    if (token.isEmpty() || !hasLetter(token) || token.startsWith(u"//") || isAbbreviation(token))
        return false;
    const qsizetype slash = std::max(token.lastIndexOf(u'/'), token.lastIndexOf(u'\\'));
    const QStringView name = token.sliced(slash + 1);
    if (name.isEmpty())
        return false; // "src/" is a folder
    if (isKnownFileName(name))
        return true;
    const qsizetype dot = name.lastIndexOf(u'.');
    if (dot >= 0 && dot + 1 < name.size()) {
        const QStringView extension = name.sliced(dot + 1);
        bool alnum = extension.size() <= kMaxExtension;
        for (QChar c : extension)
            alnum = alnum && c.isLetterOrNumber();
        // A digits-only extension is a version or a number ("v1.2", "3.14").
        if (alnum && hasLetter(extension))
            return slash >= 0 || dot == 0 || !isHostSuffix(extension);
    }
    return slash >= 0 && hasLetter(name);
}

struct LineSpec {
    int start = 0;
    int end = 0;
    qsizetype endPos = 0; // just after the spec
};

// 1 to 7 ASCII digits at pos; advances pos.
bool readNumber(QStringView t, qsizetype &pos, int &value) {
    qsizetype p = pos;
    int v = 0;
    while (p < t.size() && isAsciiDigit(t[p]) && p - pos < kMaxLineDigits) {
        v = v * 10 + (t[p].unicode() - u'0');
        ++p;
    }
    if (p == pos || (p < t.size() && isAsciiDigit(t[p])))
        return false;
    pos = p;
    value = v;
    return true;
}

void skipL(QStringView t, qsizetype &pos) {
    if (pos + 1 < t.size() && (t[pos] == u'L' || t[pos] == u'l') && isAsciiDigit(t[pos + 1]))
        ++pos;
}

// "-52", "–L52" after a start line; leaves pos unchanged when there is none.
void readRangeEnd(QStringView t, qsizetype &pos, int &end) {
    if (pos >= t.size() || !isRangeDash(t[pos]))
        return;
    qsizetype p = pos + 1;
    skipL(t, p);
    if (readNumber(t, p, end))
        pos = p;
}

bool endsAtBoundary(QStringView t, qsizetype pos) {
    return pos >= t.size() || !isWordChar(t[pos]);
}

// ":42", ":40-52", ":L42", ":42:7"
std::optional<LineSpec> colonSpec(QStringView t, qsizetype pos) {
    if (pos >= t.size() || t[pos] != u':')
        return std::nullopt;
    qsizetype p = pos + 1;
    skipL(t, p);
    LineSpec spec;
    if (!readNumber(t, p, spec.start))
        return std::nullopt;
    spec.end = spec.start;
    readRangeEnd(t, p, spec.end);
    if (p + 1 < t.size() && t[p] == u':' && isAsciiDigit(t[p + 1])) {
        int column = 0;
        qsizetype c = p + 1;
        if (readNumber(t, c, column))
            p = c;
    }
    if (!endsAtBoundary(t, p))
        return std::nullopt;
    spec.endPos = p;
    return spec;
}

// "#L10", "#L10-L20"
std::optional<LineSpec> anchorSpec(QStringView t, qsizetype pos) {
    if (pos + 2 >= t.size() || t[pos] != u'#' || t[pos + 1] != u'L')
        return std::nullopt;
    qsizetype p = pos + 2;
    LineSpec spec;
    if (!readNumber(t, p, spec.start))
        return std::nullopt;
    spec.end = spec.start;
    readRangeEnd(t, p, spec.end);
    if (!endsAtBoundary(t, p))
        return std::nullopt;
    spec.endPos = p;
    return spec;
}

bool readWord(QStringView t, qsizetype &pos, QLatin1String word) {
    if (t.sliced(pos).startsWith(word, Qt::CaseInsensitive)) {
        const qsizetype end = pos + word.size();
        if (end >= t.size() || !isWordChar(t[end])) {
            pos = end;
            return true;
        }
    }
    return false;
}

qsizetype skipBlanks(QStringView t, qsizetype pos) {
    while (pos < t.size() && isBlankChar(t[pos]))
        ++pos;
    return pos;
}

// " line 10", ", line 10", " lines 10-20", " lines 10 to 20", " (line 10)", " at line 10"
std::optional<LineSpec> wordSpec(QStringView t, qsizetype pos) {
    qsizetype p = pos;
    if (p < t.size() && t[p] == u',')
        ++p;
    const qsizetype afterBlank = skipBlanks(t, p);
    if (afterBlank == p)
        return std::nullopt;
    p = afterBlank;
    const bool paren = p < t.size() && t[p] == u'(';
    if (paren)
        ++p;
    if (readWord(t, p, QLatin1String("at")) || readWord(t, p, QLatin1String("on")))
        p = skipBlanks(t, p);
    if (!readWord(t, p, QLatin1String("lines")) && !readWord(t, p, QLatin1String("line")))
        return std::nullopt;
    const qsizetype number = skipBlanks(t, p);
    if (number == p)
        return std::nullopt;
    p = number;
    LineSpec spec;
    if (!readNumber(t, p, spec.start))
        return std::nullopt;
    spec.end = spec.start;
    qsizetype q = skipBlanks(t, p);
    if (q < t.size() && isRangeDash(t[q])) {
        qsizetype r = skipBlanks(t, q + 1);
        if (readNumber(t, r, spec.end))
            p = r;
    } else if (readWord(t, q, QLatin1String("to"))) {
        qsizetype r = skipBlanks(t, q);
        if (readNumber(t, r, spec.end))
            p = r;
    }
    if (!endsAtBoundary(t, p))
        return std::nullopt;
    if (paren && p < t.size() && t[p] == u')')
        ++p;
    spec.endPos = p;
    return spec;
}

std::optional<LineSpec> lineSpecAt(QStringView t, qsizetype pos) {
    if (auto spec = colonSpec(t, pos))
        return spec;
    if (auto spec = anchorSpec(t, pos))
        return spec;
    return wordSpec(t, pos);
}

// The path part of a token: trailing periods (end of a sentence) are not part of it.
qsizetype trimmedPathEnd(QStringView text, qsizetype start, qsizetype end) {
    while (end > start && text[end - 1] == u'.')
        --end;
    return end;
}

// "host:path" (scp) and "C:\..." are not repository paths.
bool followsHostColon(QStringView text, qsizetype start) {
    return start >= 2 && text[start - 1] == u':' && isPathChar(text[start - 2]);
}

Citation makeCitation(QStringView path, const LineSpec &spec, QStringView matched) {
    Citation citation;
    citation.path = path.toString();
    citation.path.replace(u'\\', u'/');
    citation.startLine = spec.start;
    citation.endLine = std::max(spec.start, spec.end);
    citation.text = matched.toString();
    return citation;
}

// A citation whose path token is text[start, end), if a line follows it.
std::optional<CitationMatch> matchAt(QStringView text, qsizetype start, qsizetype end) {
    const qsizetype pathEnd = trimmedPathEnd(text, start, end);
    const QStringView path = text.sliced(start, pathEnd - start);
    if (followsHostColon(text, start) || !looksLikeFile(path))
        return std::nullopt;
    qsizetype matchStart = start;
    std::optional<LineSpec> spec = lineSpecAt(text, pathEnd);
    if (!spec && pathEnd == end && start > 0 && end < text.size() && isWrapChar(text[start - 1]) &&
        text[end] == text[start - 1]) {
        // `path`:42 — the line outside the backticks; the match takes the opening one too.
        spec = lineSpecAt(text, end + 1);
        matchStart = start - 1;
    }
    if (!spec || spec->start == 0)
        return std::nullopt;
    CitationMatch match;
    match.offset = matchStart;
    match.length = spec->endPos - matchStart;
    match.citation = makeCitation(path, *spec, text.sliced(match.offset, match.length));
    return match;
}

// "line 12 of app/db.py", "lines 12–14 in `app/db.py`": the line before the path, as prose
// puts it. `word` is text[start, end), a run of path characters.
std::optional<CitationMatch> lineFirstMatchAt(QStringView text, qsizetype start, qsizetype end) {
    const QStringView word = text.sliced(start, end - start);
    if (word.compare(QLatin1String("line"), Qt::CaseInsensitive) != 0 &&
        word.compare(QLatin1String("lines"), Qt::CaseInsensitive) != 0)
        return std::nullopt;
    qsizetype p = skipBlanks(text, end);
    LineSpec spec;
    if (p == end || !readNumber(text, p, spec.start) || spec.start == 0)
        return std::nullopt;
    spec.end = spec.start;
    qsizetype q = skipBlanks(text, p);
    if (q < text.size() && isRangeDash(text[q])) {
        qsizetype r = skipBlanks(text, q + 1);
        if (readNumber(text, r, spec.end))
            p = r;
    } else if (readWord(text, q, QLatin1String("to"))) {
        qsizetype r = skipBlanks(text, q);
        if (readNumber(text, r, spec.end))
            p = r;
    }
    q = skipBlanks(text, p);
    if (q == p ||
        !(readWord(text, q, QLatin1String("of")) || readWord(text, q, QLatin1String("in"))))
        return std::nullopt;
    qsizetype r = skipBlanks(text, q);
    if (r == q || r >= text.size())
        return std::nullopt;
    const QChar wrap = isWrapChar(text[r]) ? text[r] : QChar();
    if (!wrap.isNull())
        ++r;
    const qsizetype pathStart = r;
    while (r < text.size() && isPathChar(text[r]))
        ++r;
    const qsizetype pathEnd = trimmedPathEnd(text, pathStart, r);
    const QStringView path = text.sliced(pathStart, pathEnd - pathStart);
    if (!looksLikeFile(path))
        return std::nullopt;
    qsizetype matchEnd = pathEnd;
    if (!wrap.isNull()) {
        if (pathEnd != r || r >= text.size() || text[r] != wrap)
            return std::nullopt;
        matchEnd = r + 1;
    }
    CitationMatch match;
    match.offset = start;
    match.length = matchEnd - start;
    match.citation = makeCitation(path, spec, text.sliced(match.offset, match.length));
    return match;
}

} // namespace

QList<CitationMatch> findCitations(QStringView text) {
    QList<CitationMatch> out;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        if (!isPathChar(text[i])) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < n && isPathChar(text[i]))
            ++i;
        std::optional<CitationMatch> match = matchAt(text, start, i);
        if (!match)
            match = lineFirstMatchAt(text, start, i);
        if (match) {
            out.append(*match);
            i = match->offset + match->length;
        }
    }
    return out;
}

std::optional<Citation> parseCitation(QStringView field) {
    const QList<CitationMatch> matches = findCitations(field);
    if (!matches.isEmpty())
        return matches.first().citation;
    // No line: the first token that looks like a file.
    const qsizetype n = field.size();
    qsizetype i = 0;
    while (i < n) {
        if (!isPathChar(field[i])) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < n && isPathChar(field[i]))
            ++i;
        const qsizetype end = trimmedPathEnd(field, start, i);
        const QStringView path = field.sliced(start, end - start);
        if (!followsHostColon(field, start) && looksLikeFile(path))
            return makeCitation(path, LineSpec{}, path);
    }
    return std::nullopt;
}

} // namespace reposcope::findings
