// SPDX-License-Identifier: MIT
// The code viewer opening files that froze it before: a 50 MB single-line file and a 4 MB
// minified JavaScript bundle. Per file, from showText() until the file is loaded, painted
// and the idle work after it is done:
//  - max_stall_ms: the longest gap between two turns of the event loop, seen by a 1 ms
//    precise timer running through the whole load (the event-loop latency probe); the
//    target is under 50 ms;
//  - extra_rss_mb: resident memory after the load minus before showText() (the text itself
//    is already in memory, as in the app, where a worker decoded it); peak_extra_rss_mb:
//    the peak during the load minus the same baseline (the kernel's peak is reset first);
//    the target is under 100 MB;
//  - text_mb: what the decoded text itself takes (UTF-16), held once and shared;
//  - load_ms: until loadFinished().
// Needs a QApplication: run it alone (--benchmark_filter=ViewerBig).
#include "viewer/codeviewer.h"
#include "viewer/codeviewerpane.h"

#include <KSyntaxHighlighting/Repository>

#include <benchmark/benchmark.h>

#include "benchapp.h"
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QThreadPool>
#include <QTimer>

#include <memory>

using namespace reposcope;

namespace {

KSyntaxHighlighting::Repository &repository() {
    static auto *instance = new KSyntaxHighlighting::Repository;
    return *instance;
}

double statusMiB(const QByteArray &field) {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return double(line.mid(field.size()).trimmed().split(' ').first().toLong()) / 1024.0;
    return -1;
}

void resetPeakRss() {
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5"); // resets VmHWM to the current RSS (Linux 4.0+)
}

// One line of 50,000,000 characters, like a bundled data file or a minified blob.
const QString &oneLineFile() {
    static const QString text = [] {
        QString out;
        out.reserve(50'000'000);
        const QString piece =
            QStringLiteral("{\"id\":12345,\"name\":\"item\",\"tags\":[\"a\",\"b\"]},");
        while (out.size() + piece.size() <= 50'000'000)
            out += piece;
        out += QString(50'000'000 - out.size(), QLatin1Char(' '));
        return out;
    }();
    return text;
}

// A 4 MB webpack-style production bundle: a licence comment, then one line of modules
// (short names, strings, regexes, numbers, arrow functions, template literals), then the
// source-map comment.
const QString &minifiedBundle() {
    static const QString text = [] {
        QString out =
            QStringLiteral("/*! For license information please see app.js.LICENSE.txt */\n"
                           "(()=>{var e={");
        const QStringList names = {QStringLiteral("t"), QStringLiteral("n"), QStringLiteral("r"),
                                   QStringLiteral("o"), QStringLiteral("i"), QStringLiteral("a")};
        for (int m = 0; out.size() < 4'000'000 - 200; ++m) {
            const QString &x = names[m % names.size()];
            out += QStringLiteral(
                       "%1:(e,t,n)=>{\"use strict\";n.d(t,{Z:()=>%2});var r=n(%3),o=n.n(r),"
                       "i=/^[a-z0-9_-]{3,16}$/i;function %2(e){const[t,n]=(0,r.useState)(null);"
                       "return(0,r.useEffect)((()=>{if(!i.test(e.id))throw new Error(`bad id "
                       "${e.id} in %2`);let r=0;for(const o of e.items||[])r+=o.v*%4+.5;n(r)}),"
                       "[e.id]),o().createElement(\"div\",{className:\"c%1-%3\",\"data-v\":t},"
                       "t?\"%2: \"+t.toFixed(2):\"loading\")}},")
                       .arg(m)
                       .arg(QStringLiteral("C%1%2").arg(x).arg(m))
                       .arg((m * 7919) % 100000)
                       .arg(m % 97);
        }
        out += QStringLiteral("},t={};function n(r){var o=t[r];if(void 0!==o)return o.exports;"
                              "var i=t[r]={exports:{}};return e[r](i,i.exports,n),i.exports}})();"
                              "\n//# sourceMappingURL=app.js.map\n");
        return out;
    }();
    return text;
}

struct Figures {
    double maxStallMs = 0;
    double loadMs = 0;
    double extraRssMb = 0;
    double peakExtraRssMb = 0;
    bool loaded = false;
};

Figures openAndProbe(ui::CodeViewerPane &pane, const QString &path, const QString &text) {
    ui::CodeViewer &viewer = *pane.viewer();
    Figures figures;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    qint64 maxGap = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.nsecsElapsed();
        maxGap = std::max(maxGap, now - last);
        last = now;
    });
    qint64 started = 0;
    const QMetaObject::Connection done =
        QObject::connect(&viewer, &ui::CodeViewer::loadFinished, &loop, [&] {
            figures.loadMs = double(clock.nsecsElapsed() - started) / 1e6;
            figures.loaded = true;
            // A little longer: the paint of the loaded file and idle work after it count too.
            QTimer::singleShot(300, &loop, &QEventLoop::quit);
        });
    const double before = statusMiB("VmRSS:");
    resetPeakRss();
    probe.start();
    last = clock.nsecsElapsed();
    QTimer::singleShot(20, &loop, [&] {
        started = clock.nsecsElapsed();
        viewer.showText(path, text);
    });
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit); // a hang ends as "not loaded"
    loop.exec();
    probe.stop();
    QObject::disconnect(done);
    figures.maxStallMs = double(maxGap) / 1e6;
    figures.extraRssMb = statusMiB("VmRSS:") - before;
    figures.peakExtraRssMb = statusMiB("VmHWM:") - before;
    return figures;
}

void runBigFile(benchmark::State &state, const QString &path, const QString &text) {
    if (!bench::ensureGuiApplication()) {
        state.SkipWithError("needs a QApplication: run with --benchmark_filter=ViewerBig");
        return;
    }
    QThreadPool pool;
    ui::CodeViewerPane pane(new ui::CodeViewer(repository()), &pool);
    pane.resize(1200, 800);
    pane.show();
    pane.viewer()->showText(QStringLiteral("warm.js"), QStringLiteral("var a = 1;\n"));
    pane.viewer()->viewport()->grab(); // fonts, definitions and theme loaded once, as in the app
    Figures worst;
    int lines = 0;
    for (auto _ : state) {
        const Figures figures = openAndProbe(pane, path, text);
        if (!figures.loaded) {
            state.SkipWithError("the file did not finish loading in two minutes");
            break;
        }
        worst.maxStallMs = std::max(worst.maxStallMs, figures.maxStallMs);
        worst.loadMs = std::max(worst.loadMs, figures.loadMs);
        worst.extraRssMb = std::max(worst.extraRssMb, figures.extraRssMb);
        worst.peakExtraRssMb = std::max(worst.peakExtraRssMb, figures.peakExtraRssMb);
        state.PauseTiming();
        lines = pane.viewer()->lineCount();
        pane.viewer()->clear();
        state.ResumeTiming();
    }
    state.counters["max_stall_ms"] = worst.maxStallMs;
    state.counters["load_ms"] = worst.loadMs;
    state.counters["extra_rss_mb"] = worst.extraRssMb;
    state.counters["peak_extra_rss_mb"] = worst.peakExtraRssMb;
    state.counters["text_mb"] = double(text.size()) * 2 / (1024.0 * 1024.0);
    state.counters["lines"] = lines;
    std::fprintf(stderr,
                 "bench viewer %s: max_stall_ms=%.1f extra_rss_mb=%.1f peak_extra_rss_mb=%.1f "
                 "load_ms=%.0f\n",
                 path.toUtf8().constData(), worst.maxStallMs, worst.extraRssMb,
                 worst.peakExtraRssMb, worst.loadMs);
}

void BM_ViewerBigOneLine50MB(benchmark::State &state) {
    runBigFile(state, QStringLiteral("data/oneline.json"), oneLineFile());
}
BENCHMARK(BM_ViewerBigOneLine50MB)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ViewerBigMinified4MB(benchmark::State &state) {
    runBigFile(state, QStringLiteral("dist/app.js"), minifiedBundle());
}
BENCHMARK(BM_ViewerBigMinified4MB)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
