// SPDX-License-Identifier: MIT
// Send → first request byte on the wire for the whole app path: the ChatSession writes
// the pack of the selection (~8 MB, about 2M tokens, from files in the page cache) on the
// pool, builds the body, and the client uploads it to a loopback server. The UI-thread
// probe is a 1 ms timer on the same thread; its worst gap is the longest stall.
#include "benchapp.h"
#include "llm/conversation.h"
#include "scriptedserver.h"
#include "tokenize/estimatortokenizer.h"
#include "workspace/chatsession.h"
#include "workspace/workspace.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>

#include <chrono>
#include <random>

using namespace reposcope;
using namespace reposcope::test;

namespace {

// ~8 MB of source-like text in 2,000 files under 40 folders.
void writeTree(const QString &root) {
    std::mt19937 rng(11);
    static const char *const kLines[] = {
        "func (s *Server) handle(w http.ResponseWriter, r *http.Request) error {\n",
        "\tif err := s.validate(r); err != nil {\n",
        "\t\treturn fmt.Errorf(\"validate %s: %w\", r.URL.Path, err)\n",
        "\t}\n",
        "// Résumé of the cache policy: entries older than 30 s are dropped.\n",
        "    memcpy(out, buf, sizeof *out); /* \"raw\" copy */\n",
    };
    for (int f = 0; f < 2000; ++f) {
        const QString dir = root + QStringLiteral("/pkg%1").arg(f % 40);
        QDir().mkpath(dir);
        QByteArray text;
        while (text.size() < 4200)
            text += kLines[rng() % std::size(kLines)];
        QFile file(dir + QStringLiteral("/file%1.go").arg(f));
        if (file.open(QIODevice::WriteOnly))
            file.write(text);
    }
}

void BM_SessionSendToFirstByte_8MB(benchmark::State &state) {
    bench::ensureGuiApplication();
    QTemporaryDir tree;
    QTemporaryDir cache;
    writeTree(tree.path());
    QThreadPool pool;
    pool.setMaxThreadCount(2 * QThread::idealThreadCount());
    workspace::Workspace ws(&pool, std::make_shared<const tokenize::EstimatorTokenizer>(),
                            cache.path());
    bool counted = false;
    QObject context;
    QObject::connect(&ws, &workspace::Workspace::countingFinished, &context,
                     [&counted] { counted = true; });
    repo::ScanOptions options;
    options.path = tree.path();
    ws.open(options);
    while (!counted)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);

    QNetworkAccessManager network;
    ScriptedServer server;
    workspace::ChatSession session(&ws, &network);
    llm::ChatTarget target;
    target.endpoint.baseUrl = server.baseUrl();
    target.endpoint.providerName = QStringLiteral("Loopback");
    target.endpoint.auth = llm::AuthStyle::None;
    target.model = QStringLiteral("bench-model");
    session.setTarget(target);

    QElapsedTimer probeClock;
    qint64 lastTickNs = 0;
    qint64 worstGapNs = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, &context, [&] {
        const qint64 now = probeClock.nsecsElapsed();
        worstGapNs = std::max(worstGapNs, now - lastTickNs);
        lastTickNs = now;
    });

    double sumFirstByte = 0, worstFirstByte = 0, worstStall = 0, bodyMB = 0;
    int iterations = 0;
    for (auto _ : state) {
        session.newConversation(); // the pack is written again each time
        server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        const int before = server.requestCount();
        worstGapNs = 0;
        probeClock.start();
        lastTickNs = 0;
        probe.start();
        const auto sentAt = std::chrono::steady_clock::now();
        if (!session.ask(QStringLiteral("Find every SQL injection"))) {
            state.SkipWithError("ask was refused");
            return;
        }
        while (server.requestCount() == before)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        probe.stop();
        while (session.isBusy())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        using ms = std::chrono::duration<double, std::milli>;
        const double firstByte = ms(server.requests().constLast().firstByteAt - sentAt).count();
        sumFirstByte += firstByte;
        worstFirstByte = std::max(worstFirstByte, firstByte);
        worstStall = std::max(worstStall, double(worstGapNs) / 1e6);
        bodyMB = double(server.requests().constLast().body.size()) / 1e6;
        ++iterations;
    }
    state.counters["body_MB"] = bodyMB;
    state.counters["send_to_first_byte_ms"] = sumFirstByte / iterations;
    state.counters["send_to_first_byte_worst_ms"] = worstFirstByte;
    state.counters["max_ui_stall_ms"] = worstStall;
}
BENCHMARK(BM_SessionSendToFirstByte_8MB)->Unit(benchmark::kMillisecond)->Iterations(5);

} // namespace
