// SPDX-License-Identifier: MIT
#pragma once

namespace reposcope::ui {
class MainWindow;
}
namespace reposcope::workspace {
class Workspace;
}

namespace reposcope::app {

// Measurement mode for scripts/bench (only when REPOSCOPE_BENCH=1): prints to stderr the
// time from open to the tree on screen, to all counts in, the cost of toggling each
// top-level folder including the meter update, and the peak RSS; then quits.
void installBenchProbe(ui::MainWindow *window, workspace::Workspace *workspace);

} // namespace reposcope::app
