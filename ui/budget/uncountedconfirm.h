// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QWidget;

namespace reposcope::prompt {
class Selection;
}

namespace reposcope::ui {

// Before a pack is sent or exported: when the selection holds files whose tokens are not in
// the meter (not counted yet, or ticked although they could not be counted), asks the user
// in a dialog that names them and why. True when there is nothing to confirm or the user
// confirms. `action` names what would happen ("Send", "Export").
bool confirmUncounted(QWidget *parent, const prompt::Selection &selection, const QString &action);

} // namespace reposcope::ui
