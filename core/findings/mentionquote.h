// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringView>

namespace reposcope::findings {

// The quote a path:line mention carries in prose: the first inline code span after it in
// the same sentence ("`app/web.py:7` reads `request.args` unchecked" -> "request.args"),
// so a mention is checked like a finding and not called verified on its line alone.
//
// `from` is where the mention ends in `text`; the search stops at `until` (the next
// mention, which owns what follows it), at the end of the line, at the end of the
// sentence (., ! or ? before a space), after kQuoteReach characters of prose, and at a
// code span that is itself a location (`app/db.py:14`, `app/db.py`). A mention written
// inside a code span (`app/web.py:7`) starts after that span's closing backticks.
// Empty when there is none. Linear in the part of the line looked at.
inline constexpr qsizetype kQuoteReach = 80;
QString quoteAfterMention(QStringView text, qsizetype from, qsizetype until = -1);

} // namespace reposcope::findings
