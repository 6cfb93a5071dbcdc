// SPDX-License-Identifier: MIT
#include "benchprobe.h"

#include "budget/budgetmeter.h"
#include "mainwindow.h"
#include "repotreemodel.h"
#include "tokenmap/tokenmapcontroller.h"
#include "tokenmap/tokenmappanel.h"
#include "tokenmap/tokenmapview.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

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

// The token map's figures, with the event-loop idea of bench_viewerbigfiles: a toggle is
// timed from the edit until the map's paintEvent has run (the paint comes from the event
// loop, so the time includes everything the toggle queued before it). Calls done() last.
void probeTokenMap(ui::MainWindow *window, workspace::Workspace *workspace,
                   std::function<void()> done) {
    auto *panel = window->findChild<ui::TokenMapPanel *>();
    if (!panel || !panel->view()->isVisible()) {
        std::fprintf(stderr, "bench tokenmap: the Map tab is not shown; no token map figures\n");
        return done();
    }
    struct Probe {
        QElapsedTimer timer;
        std::vector<int> steps; // node, toggled twice (off, back on)
        size_t step = 0;
        qint64 worstNs = 0;
        int worstNode = 0;
        bool laidOut = false;
        QMetaObject::Connection layoutConn, paintConn;
    };
    auto probe = std::make_shared<Probe>();
    probe->timer.start();
    const repo::RepoSnapshot &snap = *workspace->snapshot();
    for (int r = 0; r < snap.childCount(0); ++r)
        probe->steps.insert(probe->steps.end(), 2, snap.child(0, r));
    auto next = std::make_shared<std::function<void()>>();
    *next = [probe, window, workspace, next, done] {
        if (probe->step == probe->steps.size()) {
            QObject::disconnect(probe->paintConn);
            std::fprintf(stderr, "bench tokenmap_toggle_repaint_ms=%.3f folder=%s\n",
                         double(probe->worstNs) / 1e6,
                         workspace->snapshot()->name(probe->worstNode).toUtf8().constData());
            return done();
        }
        const int node = probe->steps[probe->step];
        probe->timer.start();
        window->treeModel()->setNodeChecked(node, workspace->selection()->checkState(node) !=
                                                      Qt::Checked);
    };
    probe->layoutConn = QObject::connect(
        panel->controller(), &ui::TokenMapController::layoutDelivered, window,
        [probe, panel, next] {
            if (probe->laidOut)
                return;
            probe->laidOut = true;
            QObject::disconnect(probe->layoutConn);
            std::fprintf(stderr, "bench tokenmap_layout_ms=%.1f rects=%zu\n",
                         double(probe->timer.nsecsElapsed()) / 1e6,
                         panel->view()->mapLayout()->rects.size());
            probe->paintConn = QObject::connect(
                panel->view(), &ui::TokenMapView::painted, panel, [probe, panel, next] {
                    if (probe->step >= probe->steps.size())
                        return;
                    const qint64 ns = probe->timer.nsecsElapsed();
                    if (ns > probe->worstNs) {
                        probe->worstNs = ns;
                        probe->worstNode = probe->steps[probe->step];
                    }
                    ++probe->step;
                    QTimer::singleShot(0, panel, [next] { (*next)(); });
                });
            QTimer::singleShot(0, panel, [next] { (*next)(); });
        });
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
            probeTokenMap(window, workspace, [] {
                if (qgetenv("REPOSCOPE_BENCH_STAY") != "1")
                    QTimer::singleShot(0, qApp, &QApplication::quit);
            });
        });
}

} // namespace reposcope::app
