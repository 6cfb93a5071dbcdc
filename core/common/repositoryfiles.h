// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>

namespace reposcope {

// `<AppData>/<folder>/<sha256 of the repository's canonical root>.json`: where the app keeps
// a user's settings for one repository (allow lists, selection presets). The hash keeps odd
// path names out of file names; the same folder opened by another path (a symlink) maps to
// the same file.
QString perRepositoryFile(const QString &repositoryRoot, const QString &folder);

// Writes bytes to file atomically (QSaveFile), making its folder first. `what` names the
// file in messages ("the selection presets"); `unchanged` says what a failed save leaves
// ("the previous presets are unchanged").
Result<Ok> saveFileAtomically(const QString &file, const QByteArray &bytes, const QString &what,
                              const QString &unchanged);

} // namespace reposcope
