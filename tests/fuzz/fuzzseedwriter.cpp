// SPDX-License-Identifier: MIT
// reposcope-fuzz-seeds DIR: writes each target's seed inputs (made by the real writers)
// to DIR/<target>/seed-N, a starting corpus for the libFuzzer executables. Built only
// with -DREPOSCOPE_FUZZ=ON; nothing it writes is committed.
#include "fuzztargets.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>

#include <cstdio>

int main(int argc, char **argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: reposcope-fuzz-seeds DIR\n");
        return 2;
    }
    const QDir root(QString::fromLocal8Bit(argv[1]));
    for (const reposcope::fuzz::Target &t : reposcope::fuzz::targets()) {
        const QString dir = root.filePath(QLatin1String(t.name));
        if (!QDir().mkpath(dir)) {
            std::fprintf(stderr, "cannot create %s\n", qPrintable(dir));
            return 1;
        }
        const std::vector<QByteArray> seeds = t.seeds();
        for (size_t i = 0; i < seeds.size(); ++i) {
            QFile f(QDir(dir).filePath(QStringLiteral("seed-%1").arg(i)));
            if (!f.open(QIODevice::WriteOnly) || f.write(seeds[i]) != seeds[i].size()) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(f.fileName()));
                return 1;
            }
        }
        std::printf("%s: %zu seeds in %s\n", t.name, seeds.size(), qPrintable(dir));
    }
    return 0;
}
