// SPDX-License-Identifier: MIT
#pragma once

namespace reposcope::repo {

// git's wildmatch (wildmatch.c) semantics on NUL-terminated byte strings. With
// `pathname` set (WM_PATHNAME), '*', '?' and brackets never match '/', and "**" matches
// across directories only as a whole component ("a/**/b", "**/x", "x/**").
// Without it, '*' matches any sequence including '/'. Case-sensitive. Pure, thread-safe.
bool wildmatch(const char *pattern, const char *text, bool pathname);

} // namespace reposcope::repo
