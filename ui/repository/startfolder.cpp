// SPDX-License-Identifier: MIT
#include "repository/startfolder.h"

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
    const QSettings settings;
    QString last = settings.value(settingKey(key)).toString();
    // Where earlier versions kept Attach Images' folder: still honoured until it is replaced.
    if (last.isEmpty() && key == QLatin1String("attachImages"))
        last = settings.value(QStringLiteral("chat/attachFolder")).toString();
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
