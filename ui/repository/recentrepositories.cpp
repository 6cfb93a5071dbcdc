// SPDX-License-Identifier: MIT
#include "repository/recentrepositories.h"

#include <QSettings>

namespace reposcope::ui {

namespace {
const QString kKey = QStringLiteral("recentRepositories");
constexpr qsizetype kMax = 10;
} // namespace

QStringList recentRepositories() {
    return QSettings().value(kKey).toStringList();
}

void addRecentRepository(const QString &path) {
    QStringList list = recentRepositories();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMax)
        list.removeLast();
    QSettings().setValue(kKey, list);
}

} // namespace reposcope::ui
