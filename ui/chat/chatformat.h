// SPDX-License-Identifier: MIT
#pragma once

#include "llm/conversation.h"

#include <QString>

#include <optional>

// Wording of the chat figures, shared by the transcript (per-turn footers) and the phase indicator,
// so both say the same thing the same way. Pure functions; any thread.
namespace reposcope::ui::chatformat {

QString duration(qint64 ms);  // "850 ms", "18.2 s", "2 min 05 s"
QString tokens(qint64 count); // "1,234"; "1.02M" from ten million up
QString cost(double dollars); // "$0.0132", "$1.27"
// Sizes: reposcope::formatBytes (common/figures.h), the one size style of the app.

// Completion tokens: from usage when reported, else the estimate; `estimated` says which.
qint64 completionTokens(const llm::Turn &turn, bool *estimated);
qint64 promptTokens(const llm::Turn &turn, bool *estimated);
// Output tokens per second of the streaming part (first token to now or to the end); empty until
// there is something to divide. `nowMs`: milliseconds since the request.
std::optional<double> tokensPerSecond(const llm::Turn &turn, qint64 nowMs);

// "first token 18.2 s · total 41.0 s · 120,345 prompt (98,000 cached) · 1,024 completion · 52 tok/s
// · $0.0132", with "≈" on estimated counts; parts that are unknown are left out.
QString turnFigures(const llm::Turn &turn);

} // namespace reposcope::ui::chatformat
