// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace reposcope::ui {

// Where a file dialog starts: the last folder used for `key` ("open", "exportPack",
// "exportFindings", "attachImages") when it still exists, else the user's home folder,
// never the process's working folder. Reads QSettings; cheap (one stat).
QString dialogStartFolder(const QString &key);
// The start folder joined with a suggested file name, for save dialogs.
QString dialogStartPath(const QString &key, const QString &fileName);
// Remembers the folder of `chosen` (a file, or a folder itself) for `key`.
void rememberDialogFolder(const QString &key, const QString &chosen);

} // namespace reposcope::ui
