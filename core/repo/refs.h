// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace reposcope::repo {

// Branch and tag names of the repository containing `path` (local branches first,
// then remote branches, then tags). Blocking; call off the UI thread.
Result<QStringList> listReferences(const QString &path);

// Repository-relative paths of files that differ between `ref` and the working tree
// (with the index), including untracked files that are not ignored — what a branch
// review wants to read. Blocking.
Result<QList<QByteArray>> changedFilesSince(const QString &path, const QString &ref);

} // namespace reposcope::repo
