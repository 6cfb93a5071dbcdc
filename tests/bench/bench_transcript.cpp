// SPDX-License-Identifier: MIT
// The transcript keeping up with a fast stream: an answer of prose, lists and fenced C++ arrives at
// 500 tokens/s (one token per delta, as SSE delivers them) for a few seconds, into a TranscriptView
// shown offscreen, after `prior` finished turns. Per run:
//  - max_lag_ms: the worst time from a delta's arrival to the render that shows it
//    (the view coalesces to one render per 33 ms, so ~33 ms plus one render is ideal);
//  - lag_first_s_ms / lag_last_s_ms: the worst lag in the first and in the last second,
//    which must not grow as the answer does;
//  - max_render_ms / mean_render_ms: the cost of one render (the UI-thread stall it causes);
//  - max_ui_stall_ms: the worst gap between ticks of a 1 ms timer on the UI thread;
//  - renders, tokens: how many of each.
// Needs a QApplication: run it alone (--benchmark_filter=Transcript) when another benchmark of the
// same binary creates a QCoreApplication first.
#include "llm/conversation.h"
#include "transcript/transcriptview.h"

#include <KSyntaxHighlighting/Repository>

#include <benchmark/benchmark.h>

#include "benchapp.h"
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace reposcope;

namespace {

KSyntaxHighlighting::Repository &repository() {
    // Loading it is expensive: once. Not destroyed either (it is a QObject).
    static auto *instance = new KSyntaxHighlighting::Repository;
    return *instance;
}

// Token-sized pieces of a long Markdown answer: paragraphs, fenced C++, lists, headings.
QStringList answerTokens(int count) {
    QStringList tokens;
    for (int block = 0; tokens.size() < count; ++block) {
        switch (block % 4) {
        case 0:
            for (int w = 0; w < 60; ++w)
                tokens << QStringLiteral("word%1 ").arg(w);
            tokens << QStringLiteral("end.\n\n");
            break;
        case 1:
            tokens << QStringLiteral("```") << QStringLiteral("cpp\n");
            for (int line = 0; line < 15; ++line) {
                tokens << QStringLiteral("    int") << QStringLiteral(" v%1").arg(line)
                       << QStringLiteral(" =") << QStringLiteral(" %1;").arg(line * 7)
                       << QStringLiteral(" //") << QStringLiteral(" note\n");
            }
            tokens << QStringLiteral("```\n\n");
            break;
        case 2:
            for (int item = 0; item < 8; ++item)
                tokens << QStringLiteral("- item") << QStringLiteral(" %1\n").arg(item);
            tokens << QStringLiteral("\n");
            break;
        default:
            tokens << QStringLiteral("## Part") << QStringLiteral(" %1\n\n").arg(block);
            break;
        }
    }
    tokens.erase(tokens.begin() + count, tokens.end());
    return tokens;
}

llm::Turn finishedTurn(int index) {
    llm::Turn turn;
    turn.question = QStringLiteral("Question %1").arg(index);
    turn.answer = answerTokens(1'500).join(QString());
    turn.phase = llm::ChatPhase::Done;
    turn.model = QStringLiteral("llama-4-scout");
    turn.stats.ttftMs = 18'000;
    turn.stats.totalMs = 21'000;
    turn.stats.usage.promptTokens = 1'000'000;
    turn.stats.usage.completionTokens = 1'500;
    return turn;
}

void BM_TranscriptStream500TokPerSec(benchmark::State &state) {
    if (!bench::ensureGuiApplication()) {
        state.SkipWithError("needs a QApplication: run with --benchmark_filter=Transcript");
        return;
    }
    const int seconds = int(state.range(0));
    const int prior = int(state.range(1));
    constexpr int tokensPerSecond = 500;
    const QStringList tokens = answerTokens(seconds * tokensPerSecond);

    for (auto _ : state) {
        QList<llm::Turn> turns;
        for (int i = 0; i < prior; ++i)
            turns << finishedTurn(i);
        ui::TranscriptView view(&repository());
        view.resize(700, 900);
        view.show();
        view.setTurns(&turns);
        llm::Turn live;
        live.question = QStringLiteral("Explain the repository");
        live.phase = llm::ChatPhase::Streaming;
        turns << live;
        const int index = int(turns.size()) - 1;
        view.onTurnStarted(index);
        QCoreApplication::processEvents();

        QElapsedTimer clock;
        clock.start();
        qint64 oldestUnrendered = -1; // arrival of the first delta not yet on screen
        qint64 maxLag = 0;
        qint64 lagFirst = 0;
        qint64 lagLast = 0;
        qint64 maxRenderNs = 0;
        qint64 sumRenderNs = 0;
        int renders = 0;
        QObject::connect(&view, &ui::TranscriptView::rendered, &view, [&] {
            const qint64 now = clock.elapsed();
            ++renders;
            maxRenderNs = std::max(maxRenderNs, view.lastRenderNs());
            sumRenderNs += view.lastRenderNs();
            if (oldestUnrendered < 0)
                return;
            const qint64 lag = now - oldestUnrendered;
            maxLag = std::max(maxLag, lag);
            if (oldestUnrendered < 1000)
                lagFirst = std::max(lagFirst, lag);
            if (oldestUnrendered >= (seconds - 1) * 1000)
                lagLast = std::max(lagLast, lag);
            oldestUnrendered = -1;
        });

        int sent = 0;
        QTimer feeder; // delivers the tokens due by now, like a socket's readyRead
        feeder.setTimerType(Qt::PreciseTimer);
        feeder.setInterval(2);
        QObject::connect(&feeder, &QTimer::timeout, &view, [&] {
            const qint64 now = clock.elapsed();
            const int due = std::min<int>(int(tokens.size()), int(now * tokensPerSecond / 1000));
            for (; sent < due; ++sent) {
                turns[index].answer += tokens[sent];
                turns[index].stats.outputTokensEstimate = sent + 1;
                if (oldestUnrendered < 0)
                    oldestUnrendered = now;
                view.onTurnUpdated(index);
            }
        });
        qint64 lastTick = 0;
        qint64 maxStall = 0;
        QTimer heartbeat;
        heartbeat.setTimerType(Qt::PreciseTimer);
        heartbeat.setInterval(1);
        QObject::connect(&heartbeat, &QTimer::timeout, &view, [&] {
            const qint64 now = clock.elapsed();
            maxStall = std::max(maxStall, now - lastTick);
            lastTick = now;
        });
        feeder.start();
        heartbeat.start();
        while (sent < tokens.size() || oldestUnrendered >= 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        feeder.stop();
        heartbeat.stop();
        turns[index].phase = llm::ChatPhase::Done;
        view.onTurnFinished(index);
        if (turns[index].answer.size() != tokens.join(QString()).size())
            state.SkipWithError("the answer was not delivered whole");

        state.counters["max_lag_ms"] = double(maxLag);
        state.counters["lag_first_s_ms"] = double(lagFirst);
        state.counters["lag_last_s_ms"] = double(lagLast);
        state.counters["max_render_ms"] = double(maxRenderNs) / 1e6;
        state.counters["mean_render_ms"] = renders ? double(sumRenderNs) / 1e6 / renders : 0.0;
        state.counters["max_ui_stall_ms"] = double(maxStall);
        state.counters["renders"] = double(renders);
        state.counters["tokens"] = double(sent);
        state.counters["answer_kB"] = double(turns[index].answer.size()) / 1000.0;
    }
}
BENCHMARK(BM_TranscriptStream500TokPerSec)
    ->ArgNames({"seconds", "prior"})
    ->Args({4, 0})
    ->Args({12, 0})
    ->Args({4, 40})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
