// SPDX-License-Identifier: MIT
#include "common/repositoryfiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace reposcope {

QString perRepositoryFile(const QString &repositoryRoot, const QString &folder) {
    const QFileInfo info(repositoryRoot);
    QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty())
        canonical = QDir::cleanPath(info.absoluteFilePath());
    const QByteArray hash =
        QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha256).toHex();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1Char('/') +
           folder + QLatin1Char('/') + QString::fromLatin1(hash) + QStringLiteral(".json");
}

Result<Ok> saveFileAtomically(const QString &file, const QByteArray &bytes, const QString &what,
                              const QString &unchanged) {
    const QFileInfo info(file);
    if (!QDir().mkpath(info.absolutePath()))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot make the folder %1 for %2; check that it can "
                                          "be written")
                               .arg(QDir::toNativeSeparators(info.absolutePath()), what));
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot write %1 %2 (%3); check that the folder can "
                                          "be written")
                               .arg(what, QDir::toNativeSeparators(file), out.errorString()));
    if (out.write(bytes) != bytes.size() || !out.commit())
        return Error::make(Error::Code::Io, QStringLiteral("could not save %1 %2 (%3); %4")
                                                .arg(what, QDir::toNativeSeparators(file),
                                                     out.errorString(), unchanged));
    return Ok{};
}

} // namespace reposcope
