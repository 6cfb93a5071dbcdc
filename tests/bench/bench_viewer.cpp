// SPDX-License-Identifier: MIT
// The code viewer on a 50,000-line C++ file (target: open and jump < 150 ms). Per run, one
// figure in milliseconds, from showText() to the first paint:
//  - BM_ViewerOpenJump: showText + goToLine(45000) + highlightLines(45000, 45012) + the first
//    paint of the viewport (grab(), which runs the viewer's paintEvent and so the lazy
//    highlighting of the shown lines);
//  - BM_ViewerOpenJumpFind: the same, then a find of a common word ("return", a few
//    thousand matches) through the find bar, which selects the next match, tints the ones
//    on screen and paints again.
// Needs a QApplication: run it alone (--benchmark_filter=Viewer) when another benchmark of the
// same binary creates a QCoreApplication first.
#include "viewer/codeviewer.h"
#include "viewer/codeviewerpane.h"
#include "viewer/findbar.h"

#include <KSyntaxHighlighting/Repository>

#include <benchmark/benchmark.h>

#include "benchapp.h"
#include <QElapsedTimer>
#include <QEventLoop>
#include <QThreadPool>

#include <memory>

using namespace reposcope;

namespace {

KSyntaxHighlighting::Repository &repository() {
    // Loading it is expensive: once. Not destroyed either (it is a QObject).
    static auto *instance = new KSyntaxHighlighting::Repository;
    return *instance;
}

// A C++ source of `lines` lines that looks like real code: licence header, includes, then
// classes with doc comments, member functions with loops, branches, strings, lambdas and the
// odd block comment, so the highlighter meets every common construct.
QString cppSource(int lines) {
    QStringList out;
    out << QStringLiteral("// SPDX-License-Identifier: MIT")
        << QStringLiteral("#include <algorithm>") << QStringLiteral("#include <string>")
        << QStringLiteral("#include <vector>") << QString()
        << QStringLiteral("namespace generated {") << QString();
    for (int n = 0; out.size() < lines - 1; ++n) {
        const QString type = QStringLiteral("Record%1").arg(n);
        out << QStringLiteral("/*")
            << QStringLiteral(" * %1 keeps the rows of table %2.").arg(type).arg(n)
            << QStringLiteral(" */") << QStringLiteral("class %1 {").arg(type)
            << QStringLiteral("public:")
            << QStringLiteral("    explicit %1(std::string name) : m_name(std::move(name)) {}")
                   .arg(type)
            << QString() << QStringLiteral("    // Returns the total of the positive values.")
            << QStringLiteral("    long total(const std::vector<int> &values) const {")
            << QStringLiteral("        long sum = 0;")
            << QStringLiteral("        for (int value : values) {")
            << QStringLiteral("            if (value > %1)").arg(n % 17)
            << QStringLiteral("                sum += value * 0x%1;").arg(n % 255, 2, 16)
            << QStringLiteral("        }") << QStringLiteral("        return sum;")
            << QStringLiteral("    }") << QString()
            << QStringLiteral("    std::string describe() const {")
            << QStringLiteral("        const auto upper = [](char c) { return char(c & ~0x20); };")
            << QStringLiteral("        std::string text = \"%1: \" + m_name;").arg(type)
            << QStringLiteral("        std::transform(text.begin(), text.end(), text.begin(), "
                              "upper);")
            << QStringLiteral("        return text; // \"%1\"").arg(n) << QStringLiteral("    }")
            << QString() << QStringLiteral("private:") << QStringLiteral("    std::string m_name;")
            << QStringLiteral("};") << QString();
    }
    out << QStringLiteral("} // namespace generated");
    out.erase(out.begin() + lines, out.end());
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

const QString &bigFile() {
    static const QString text = cppSource(50'000);
    return text;
}

// Milliseconds spent in each step of the last openJumpAndPaint().
struct Steps {
    double showMs = 0;
    double jumpMs = 0;
    double paintMs = 0;
};

Steps openJumpAndPaint(ui::CodeViewer &viewer) {
    Steps steps;
    QElapsedTimer clock;
    clock.start();
    viewer.showText(QStringLiteral("src/generated/records.cpp"), bigFile());
    if (!viewer.isLoaded()) {
        // In a pane (which gives the viewer its pool) a text this big loads progressively,
        // the event loop running in between: wait for the whole of it.
        QEventLoop loop;
        QObject::connect(&viewer, &ui::CodeViewer::loadFinished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    steps.showMs = double(clock.nsecsElapsed()) / 1e6;
    clock.restart();
    viewer.goToLine(45'000);
    viewer.highlightLines(45'000, 45'012);
    steps.jumpMs = double(clock.nsecsElapsed()) / 1e6;
    clock.restart();
    viewer.viewport()->grab();
    steps.paintMs = double(clock.nsecsElapsed()) / 1e6;
    return steps;
}

void BM_ViewerOpenJump(benchmark::State &state) {
    if (!bench::ensureGuiApplication()) {
        state.SkipWithError("needs a QApplication: run with --benchmark_filter=Viewer");
        return;
    }
    ui::CodeViewer viewer(repository());
    viewer.resize(1000, 800);
    viewer.show();
    viewer.showText(QStringLiteral("warm.cpp"), QStringLiteral("int main() {}\n"));
    viewer.viewport()->grab(); // fonts, definitions and theme loaded once, as in the app
    qint64 worstNs = 0;
    for (auto _ : state) {
        QElapsedTimer clock;
        clock.start();
        const Steps steps = openJumpAndPaint(viewer);
        worstNs = std::max(worstNs, clock.nsecsElapsed());
        state.PauseTiming();
        state.counters["show_ms"] = steps.showMs;
        state.counters["jump_ms"] = steps.jumpMs;
        state.counters["paint_ms"] = steps.paintMs;
        if (viewer.lineCount() < 50'000 || viewer.currentLine() != 45'000) {
            state.SkipWithError("the file was not shown or the jump missed");
            break;
        }
        viewer.clear();
        state.ResumeTiming();
    }
    state.counters["worst_ms"] = double(worstNs) / 1e6;
    state.counters["lines"] = 50'000;
}
BENCHMARK(BM_ViewerOpenJump)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ViewerOpenJumpFind(benchmark::State &state) {
    if (!bench::ensureGuiApplication()) {
        state.SkipWithError("needs a QApplication: run with --benchmark_filter=Viewer");
        return;
    }
    QThreadPool pool;
    ui::CodeViewerPane pane(new ui::CodeViewer(repository()), &pool);
    pane.resize(1000, 800);
    pane.show();
    ui::CodeViewer &viewer = *pane.viewer();
    qint64 worstNs = 0;
    qint64 findNs = 0;
    int matches = 0;
    for (auto _ : state) {
        QElapsedTimer clock;
        clock.start();
        openJumpAndPaint(viewer);
        const qint64 opened = clock.nsecsElapsed();
        pane.findBar()->open();
        pane.findBar()->setFindText(QStringLiteral("return"));
        viewer.viewport()->grab();
        const qint64 total = clock.nsecsElapsed();
        worstNs = std::max(worstNs, total);
        findNs = std::max(findNs, total - opened);
        matches = pane.findBar()->matchCount();
        state.PauseTiming();
        pane.findBar()->dismiss();
        viewer.clear();
        state.ResumeTiming();
    }
    state.counters["worst_ms"] = double(worstNs) / 1e6;
    state.counters["find_ms"] = double(findNs) / 1e6;
    state.counters["matches"] = matches;
}
BENCHMARK(BM_ViewerOpenJumpFind)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
