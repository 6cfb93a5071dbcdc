// SPDX-License-Identifier: MIT
// A port of git's wildmatch.c (itself derived from rsync's), kept close to the original
// so that ignore rules behave exactly as in git.
#include "repo/wildmatch.h"

#include <cctype>
#include <cstring>

namespace reposcope::repo {

namespace {

using uchar = unsigned char;

enum { WmNoMatch = 1, WmMatch = 0, WmAbortAll = -1, WmAbortToStarStar = -2 };

bool isGlobSpecial(uchar c) {
    return c == '*' || c == '?' || c == '[' || c == '\\';
}

bool classMatches(const uchar *s, int len, uchar t, bool *known) {
    auto is = [&](const char *name) {
        return int(std::strlen(name)) == len && std::memcmp(s, name, size_t(len)) == 0;
    };
    *known = true;
    if (is("alnum"))
        return std::isalnum(t);
    if (is("alpha"))
        return std::isalpha(t);
    if (is("blank"))
        return t == ' ' || t == '\t';
    if (is("cntrl"))
        return std::iscntrl(t);
    if (is("digit"))
        return std::isdigit(t);
    if (is("graph"))
        return std::isgraph(t);
    if (is("lower"))
        return std::islower(t);
    if (is("print"))
        return std::isprint(t);
    if (is("punct"))
        return std::ispunct(t);
    if (is("space"))
        return std::isspace(t);
    if (is("upper"))
        return std::isupper(t);
    if (is("xdigit"))
        return std::isxdigit(t);
    *known = false;
    return false;
}

int dowild(const uchar *p, const uchar *text, bool pathname) {
    const uchar *pattern = p;
    uchar pCh;
    for (; (pCh = *p) != '\0'; text++, p++) {
        int matched;
        bool matchSlash;
        uchar tCh = *text;
        if (tCh == '\0' && pCh != '*')
            return WmAbortAll;
        switch (pCh) {
        case '\\':
            // Literal match with the following character (p[1] == '\0' fails below).
            pCh = *++p;
            [[fallthrough]];
        default:
            if (tCh != pCh)
                return WmNoMatch;
            continue;
        case '?':
            if (pathname && tCh == '/')
                return WmNoMatch;
            continue;
        case '*':
            if (*++p == '*') {
                const uchar *prevP = p - 2;
                while (*++p == '*') {
                }
                if ((prevP < pattern || *prevP == '/') &&
                    (*p == '\0' || *p == '/' || (p[0] == '\\' && p[1] == '/'))) {
                    // "**/" may match no directory at all: try the rest right here.
                    if (p[0] == '/' && dowild(p + 1, text, pathname) == WmMatch)
                        return WmMatch;
                    matchSlash = true;
                } else {
                    matchSlash = !pathname;
                }
            } else {
                matchSlash = !pathname;
            }
            if (*p == '\0') {
                // Trailing "**" matches everything; trailing '*' only without a slash.
                if (!matchSlash && std::strchr(reinterpret_cast<const char *>(text), '/'))
                    return WmNoMatch;
                return WmMatch;
            }
            if (!matchSlash && *p == '/') {
                // One '*' followed by '/' matches the rest of this component.
                const char *slash = std::strchr(reinterpret_cast<const char *>(text), '/');
                if (!slash)
                    return WmNoMatch;
                text = reinterpret_cast<const uchar *>(slash);
                break; // the slash is consumed by the loop
            }
            while (true) {
                if (tCh == '\0')
                    break;
                // Skip ahead quickly when the star is followed by a literal.
                if (!isGlobSpecial(*p)) {
                    pCh = *p;
                    while ((tCh = *text) != '\0' && (matchSlash || tCh != '/')) {
                        if (tCh == pCh)
                            break;
                        text++;
                    }
                    if (tCh != pCh)
                        return WmNoMatch;
                }
                if ((matched = dowild(p, text, pathname)) != WmNoMatch) {
                    if (!matchSlash || matched != WmAbortToStarStar)
                        return matched;
                } else if (!matchSlash && tCh == '/') {
                    return WmAbortToStarStar;
                }
                tCh = *++text;
            }
            return WmAbortAll;
        case '[': {
            pCh = *++p;
            if (pCh == '^')
                pCh = '!';
            const bool negated = pCh == '!';
            if (negated)
                pCh = *++p;
            uchar prevCh = 0;
            bool hit = false;
            do {
                if (!pCh)
                    return WmAbortAll;
                if (pCh == '\\') {
                    pCh = *++p;
                    if (!pCh)
                        return WmAbortAll;
                    if (tCh == pCh)
                        hit = true;
                } else if (pCh == '-' && prevCh && p[1] && p[1] != ']') {
                    pCh = *++p;
                    if (pCh == '\\') {
                        pCh = *++p;
                        if (!pCh)
                            return WmAbortAll;
                    }
                    if (tCh <= pCh && tCh >= prevCh)
                        hit = true;
                    pCh = 0; // makes prevCh 0
                } else if (pCh == '[' && p[1] == ':') {
                    const uchar *s = p += 2;
                    while ((pCh = *p) && pCh != ']')
                        p++;
                    if (!pCh)
                        return WmAbortAll;
                    const int len = int(p - s - 1);
                    if (len < 0 || p[-1] != ':') {
                        // No ":]": treat "[" as a normal member of the set.
                        p = s - 2;
                        pCh = '[';
                        if (tCh == pCh)
                            hit = true;
                        continue;
                    }
                    bool known = false;
                    if (classMatches(s, len, tCh, &known))
                        hit = true;
                    if (!known)
                        return WmAbortAll;
                    pCh = 0;
                } else if (tCh == pCh) {
                    hit = true;
                }
            } while (prevCh = pCh, (pCh = *++p) != ']');
            if (hit == negated || (pathname && tCh == '/'))
                return WmNoMatch;
            continue;
        }
        }
    }
    return *text ? WmNoMatch : WmMatch;
}

} // namespace

bool wildmatch(const char *pattern, const char *text, bool pathname) {
    return dowild(reinterpret_cast<const uchar *>(pattern), reinterpret_cast<const uchar *>(text),
                  pathname) == WmMatch;
}

} // namespace reposcope::repo
