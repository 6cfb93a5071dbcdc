// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <utility>

namespace reposcope::llm::detail {

// Bytes per block and elements per block of the ggml types whose layout is stable and
// well known; {0, 0} for the others (their extent is then only checked loosely).
std::pair<quint64, quint64> ggmlTypeLayout(quint32 type);

} // namespace reposcope::llm::detail
