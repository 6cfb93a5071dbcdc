// SPDX-License-Identifier: MIT
#include "benchprobe.h"

#include "budget/budgetmeter.h"
#include "mainwindow.h"
#include "repotreemodel.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace reposcope::app {

namespace {

long peakRssKiB() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

} // namespace

void installBenchProbe(ui::MainWindow *window, workspace::Workspace *workspace) {
    if (qgetenv("REPOSCOPE_BENCH") != "1")
        return;
    auto timer = std::make_shared<QElapsedTimer>();
    QObject::connect(workspace, &workspace::Workspace::scanStarted, window,
                     [timer](const QString &) { timer->start(); });
    QObject::connect(
        workspace, &workspace::Workspace::opened, window, [timer, window](qint64 scanMs) {
            // The tree is usable once the view has painted with the new model.
            window->repaint();
            std::fprintf(stderr, "bench scan_ms=%lld tree_ready_ms=%lld\n",
                         static_cast<long long>(scanMs), static_cast<long long>(timer->elapsed()));
        });
    QObject::connect(
        workspace, &workspace::Workspace::countingFinished, window,
        [timer, window, workspace](bool, qint64 countMs) {
            std::fprintf(stderr, "bench count_ms=%lld open_to_counted_ms=%lld\n",
                         static_cast<long long>(countMs), static_cast<long long>(timer->elapsed()));
            const repo::RepoSnapshot &snap = *workspace->snapshot();
            qint64 worstNs = 0;
            int worstNode = 0;
            for (int r = 0; r < snap.childCount(0); ++r) {
                const int node = snap.child(0, r);
                for (bool on : {false, true}) {
                    QElapsedTimer t;
                    t.start();
                    window->treeModel()->setNodeChecked(node, on);
                    window->budgetMeter()->refresh();
                    const qint64 ns = t.nsecsElapsed();
                    if (ns > worstNs) {
                        worstNs = ns;
                        worstNode = node;
                    }
                }
            }
            std::fprintf(stderr, "bench toggle_worst_ms=%.3f folder=%s files=%d\n",
                         double(worstNs) / 1e6, snap.name(worstNode).toUtf8().constData(),
                         workspace->selection()->total(worstNode).files);
            std::fprintf(stderr, "bench peak_rss_mib=%.1f\n", double(peakRssKiB()) / 1024.0);
            if (qgetenv("REPOSCOPE_BENCH_STAY") != "1")
                QTimer::singleShot(0, qApp, &QApplication::quit);
        });
}

} // namespace reposcope::app
