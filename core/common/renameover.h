// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QTemporaryFile;

namespace reposcope {

// Flushes `file`, a QTemporaryFile created beside `target`, and renames it over `target`:
// what QSaveFile does, without its fsync, for files that can simply be made again (a pack,
// a vocabulary snapshot), where syncing tens of megabytes costs more than writing them.
// Readers see the old file or the new one, never a part. Returns "" on success, else what
// went wrong (the temporary file is then removed with `file`).
QString renameOver(QTemporaryFile &file, const QString &target);

} // namespace reposcope
