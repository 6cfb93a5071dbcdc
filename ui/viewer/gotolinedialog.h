// SPDX-License-Identifier: MIT
#pragma once

namespace reposcope::ui {

class CodeViewer;

/// Asks for a line number (modal QInputDialog, range 1..lineCount, current line
/// preselected) and moves @p viewer there. Returns false if nothing is open or the user
/// cancelled.
bool askGoToLine(CodeViewer *viewer);

} // namespace reposcope::ui
