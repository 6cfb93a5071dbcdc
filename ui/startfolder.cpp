// SPDX-License-Identifier: MIT
#include "startfolder.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace reposcope::ui {

namespace {
QString settingKey(const QString &key) {
    return QStringLiteral("dialogs/lastFolder/") + key;
}
} // namespace

QString dialogStartFolder(const QString &key) {
    const QString last = QSettings().value(settingKey(key)).toString();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        return last;
    return QDir::homePath();
}

QString dialogStartPath(const QString &key, const QString &fileName) {
    return QDir(dialogStartFolder(key)).filePath(fileName);
}

void rememberDialogFolder(const QString &key, const QString &chosen) {
    if (chosen.isEmpty())
        return;
    const QFileInfo info(chosen);
    QSettings().setValue(settingKey(key),
                         info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

} // namespace reposcope::ui
