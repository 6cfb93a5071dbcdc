// SPDX-License-Identifier: MIT
// "From Send to the first request byte on the wire, for a 2M-token pack (~8
// MB): < 300 ms, with no UI-thread stall over 16 ms."
//
// A real ChatClient posts a synthetic 8 MB pack to the loopback ScriptedServer,
// all on this (the "UI") thread as in the app. Per iteration:
//  - send_to_first_byte_ms: send() until the server's socket first had request
//  bytes to
//    read (body built on the pool, connection, request line and headers);
//  - upload_ms: the server's first byte until the whole body was read;
//  - max_ui_stall_ms: the worst gap between ticks of a 1 ms repeating timer on
//  this thread,
//    from just before send() until the upload completed (1 = no stall at all);
//    idle_max_gap_ms is the same probe with nothing to do, for the machine's own noise.
// The server shares the thread, so a stall also delays its reading: the figures
// are upper bounds of what a remote server would see.
//
// The server's source is compiled in here because the bench target does not
// link the test support library; it has no Q_OBJECT, so it needs no moc.
#include "benchapp.h"
#include "scriptedserver.h"

#include "llm/client/chatclient.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <random>

using namespace reposcope;
using namespace reposcope::test;

namespace {

// ~`bytes` of Go- and C++-like source in pack format: file headers, tabs,
// quotes, backslashes, the odd non-ASCII comment: what JSON escaping meets in a
// real repository.
QByteArray syntheticPack(qsizetype bytes) {
    static const char *const kLines[] = {
        "func (s *Server) handle%d(w http.ResponseWriter, r *http.Request) error "
        "{\n",
        "\tif err := s.validate(r); err != nil {\n",
        "\t\treturn fmt.Errorf(\"validate %%s: %%w\", r.URL.Path, err)\n",
        "\t}\n",
        "\tpath := strings.ReplaceAll(r.URL.Path, \"\\\\\", \"/\") // Windows "
        "paths\n",
        "\tfor i, item := range s.items%d {\n",
        "\t\tlog.Printf(\"item %%d: %%q\\n\", i, item.Name)\n",
        "// Résumé of the cache policy: entries older than %d s are dropped — "
        "see README.\n",
        "static int parse_header_%d(const char *buf, size_t len, struct header "
        "*out) {\n",
        "    if (len < sizeof(struct header)) return -EINVAL;\n",
        "    memcpy(out, buf, sizeof *out); /* \"raw\" copy */\n",
        "}\n",
        "\n",
    };
    std::mt19937 rng(7);
    QByteArray pack;
    pack.reserve(bytes + 4096);
    pack += "<repository name=\"synthetic\">\n";
    int file = 0;
    while (pack.size() < bytes) {
        pack += "<file path=\"pkg/module" + QByteArray::number(file % 97) + "/file" +
                QByteArray::number(file) + (file % 3 ? ".go" : ".c") + "\">\n";
        const int lines = 80 + int(rng() % 400);
        for (int i = 0; i < lines; ++i) {
            const char *line = kLines[rng() % std::size(kLines)];
            pack += QByteArray(line)
                        .replace("%d", QByteArray::number(int(rng() % 10000)))
                        .replace("%%", "%");
        }
        pack += "</file>\n";
        ++file;
    }
    pack += "</repository>\n";
    return pack;
}

void BM_ChatSendToFirstByte_8MB(benchmark::State &state) {
    bench::ensureGuiApplication();
    static const QByteArray pack = syntheticPack(8 * 1024 * 1024);

    QThreadPool pool;
    QNetworkAccessManager network;
    ScriptedServer server;
    llm::ChatClient client(&network, &pool);

    llm::ChatRequestSpec spec;
    spec.endpoint.baseUrl = server.baseUrl();
    spec.endpoint.providerName = QStringLiteral("Loopback");
    spec.endpoint.apiKey = QStringLiteral("sk-bench-0123456789");
    spec.model = QStringLiteral("bench-model");
    spec.messages.push_back({llm::ChatMessage::Role::System, "You audit code.", {}});
    spec.messages.push_back({llm::ChatMessage::Role::User, pack, {}});
    spec.maxTokens = 4096;

    int finishedCount = 0;
    QObject context;
    QObject::connect(&client, &llm::ChatClient::finished, &context,
                     [&finishedCount](llm::ChatPhase) { ++finishedCount; });

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

    double sumFirstByte = 0, worstFirstByte = 0, sumUpload = 0, worstStall = 0;
    double sumClientFirstByte = 0;
    int iterations = 0;
    bool ok = true;
    for (auto _ : state) {
        server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        const int requestsBefore = server.requestCount();
        const int finishedBefore = finishedCount;

        worstGapNs = 0;
        probeClock.start();
        lastTickNs = 0;
        probe.start();
        const auto sentAt = std::chrono::steady_clock::now();
        client.send(spec);
        while (server.requestCount() == requestsBefore)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        probe.stop();
        while (finishedCount == finishedBefore)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (client.phase() != llm::ChatPhase::Done) {
            ok = false;
            break;
        }

        const RecordedRequest &request = server.requests().constLast();
        using ms = std::chrono::duration<double, std::milli>;
        const double firstByte = ms(request.firstByteAt - sentAt).count();
        const double upload = ms(request.completeAt - request.firstByteAt).count();
        const double stall = double(worstGapNs) / 1e6;
        sumFirstByte += firstByte;
        worstFirstByte = std::max(worstFirstByte, firstByte);
        sumUpload += upload;
        worstStall = std::max(worstStall, stall);
        sumClientFirstByte += double(client.stats().firstByteSentMs);
        ++iterations;
    }
    // The same probe with nothing to do, as long as the iterations took: how much of the
    // worst gap is the machine (other processes on the cores) rather than the client.
    worstGapNs = 0;
    probeClock.start();
    lastTickNs = 0;
    probe.start();
    QElapsedTimer idle;
    idle.start();
    while (idle.elapsed() < 1000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    probe.stop();
    const double idleStall = double(worstGapNs) / 1e6;

    if (!ok || iterations == 0) {
        state.SkipWithError("the request did not complete");
        return;
    }
    state.counters["body_MB"] = double(client.stats().bodyBytes) / 1e6;
    state.counters["send_to_first_byte_ms"] = sumFirstByte / iterations;
    state.counters["send_to_first_byte_worst_ms"] = worstFirstByte;
    state.counters["upload_ms"] = sumUpload / iterations;
    state.counters["max_ui_stall_ms"] = worstStall;
    state.counters["client_first_body_byte_ms"] = sumClientFirstByte / iterations;
    state.counters["idle_max_gap_ms"] = idleStall;
}
BENCHMARK(BM_ChatSendToFirstByte_8MB)->Unit(benchmark::kMillisecond)->Iterations(10);

} // namespace
