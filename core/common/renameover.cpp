// SPDX-License-Identifier: MIT
#include "common/renameover.h"

#include <QFile>
#include <QTemporaryFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace reposcope {

QString renameOver(QTemporaryFile &file, const QString &target) {
    if (!file.flush())
        return file.errorString();
    if (std::rename(QFile::encodeName(file.fileName()).constData(),
                    QFile::encodeName(target).constData()) != 0)
        return QString::fromLocal8Bit(std::strerror(errno));
    file.setAutoRemove(false);
    return {};
}

} // namespace reposcope
