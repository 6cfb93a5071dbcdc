// SPDX-License-Identifier: MIT
#pragma once

class QWidget;

namespace reposcope::ui {

// Before the window closes (Ctrl+Q, the close button) while a chat request runs: asks
// "A request is running" with "Quit and Stop It" and "Keep Running" (the default, also
// Esc). True when the user chose to quit. Modal; the dialog's object name is
// "quitWhileBusy".
bool confirmQuitWhileBusy(QWidget *parent);

} // namespace reposcope::ui
