// SPDX-License-Identifier: MIT
#include "common/figures.h"

#include <QLocale>

#include <cmath>

namespace reposcope {

QString formatCount(qint64 count) {
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(count);
}

QString formatBytes(qint64 bytes) {
    if (bytes < 0)
        return QStringLiteral("-") + formatBytes(-bytes);
    static constexpr const char *kUnits[] = {"KB", "MB", "GB", "TB"};
    if (bytes < 1000)
        return QString::number(bytes) + QStringLiteral(" B");
    double value = double(bytes) / 1000.0;
    int unit = 0;
    // Pick the unit by the rounded value, so 999,960 bytes is "1.0 MB", not "1000.0 KB".
    while (std::round(value * 10.0) >= 10000.0 && unit + 1 < int(std::size(kUnits))) {
        value /= 1000.0;
        ++unit;
    }
    return QString::number(value, 'f', 1) + QLatin1Char(' ') + QLatin1String(kUnits[unit]);
}

} // namespace reposcope
