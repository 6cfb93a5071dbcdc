// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace reposcope::ui {

// Most recently opened folders, newest first, at most ten; stored in QSettings.
QStringList recentRepositories();
void addRecentRepository(const QString &path);

} // namespace reposcope::ui
