// SPDX-License-Identifier: MIT
#include "eventloop.h"
#include "widgets/phaseindicator.h"

#include <QImage>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using reposcope::llm::ChatError;
using reposcope::llm::ChatPhase;
using reposcope::llm::Turn;
using reposcope::ui::PhaseIndicator;

namespace {

Turn turnIn(ChatPhase phase) {
    Turn turn;
    turn.question = QStringLiteral("Q");
    turn.phase = phase;
    turn.promptTokensEstimate = 1'020'000;
    return turn;
}

QString shownText(PhaseIndicator &indicator) {
    return indicator.findChild<QLabel *>(QStringLiteral("chatPhaseText"))->text();
}

bool fitButtonShown(PhaseIndicator &indicator) {
    return !indicator.findChild<QPushButton *>(QStringLiteral("chatFitToBudgetButton"))->isHidden();
}

} // namespace

TEST(PhaseIndicatorTest, SaysReadyWhenIdle) {
    PhaseIndicator indicator;
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("Ready")));
    EXPECT_FALSE(indicator.progressVisible());
}

TEST(PhaseIndicatorTest, PreparingSaysItIsBuildingTheRequest) {
    PhaseIndicator indicator;
    indicator.turnStarted(turnIn(ChatPhase::Preparing));
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("Building the request…")));
    EXPECT_TRUE(indicator.progressVisible());
    indicator.showPreparing(QStringLiteral("writing the pack of 120 files"));
    EXPECT_TRUE(indicator.text().startsWith(
        QStringLiteral("Building the request: writing the pack of 120 files…")));
}

TEST(PhaseIndicatorTest, UploadingShowsBytesSentOfTotal) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Uploading);
    turn.stats.bodyBytes = 38'000'000;
    turn.stats.bytesSent = 12'400'000;
    indicator.turnStarted(turn);
    EXPECT_TRUE(
        indicator.text().startsWith(QStringLiteral("Uploading the request: 12.4 MB of 38.0 MB")))
        << indicator.text().toStdString();
    EXPECT_TRUE(indicator.progressVisible());
    EXPECT_EQ(indicator.progressMaximum(), 1000);
    EXPECT_EQ(indicator.progressValue(), 326);
}

TEST(PhaseIndicatorTest, WaitingTicksAndShowsTheEstimatorsEta) {
    PhaseIndicator indicator;
    qint64 askedFor = -1;
    int asked = 0;
    indicator.setEtaEstimator([&](qint64 promptTokens) -> std::optional<qint64> {
        askedFor = promptTokens;
        ++asked;
        return 25'000;
    });
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    const QString text = indicator.text();
    EXPECT_TRUE(
        text.startsWith(QStringLiteral("Waiting for the first token (≈1,020,000 prompt tokens)…")))
        << text.toStdString();
    const QRegularExpressionMatch eta =
        QRegularExpression(QStringLiteral("ETA ~(\\d+) s$")).match(text);
    ASSERT_TRUE(eta.hasMatch()) << text.toStdString();
    EXPECT_GE(eta.captured(1).toInt(), 1);
    EXPECT_LE(eta.captured(1).toInt(), 25);
    EXPECT_EQ(askedFor, 1'020'000);
    EXPECT_TRUE(indicator.progressVisible());
    EXPECT_EQ(indicator.progressMaximum(), 0); // busy, not a made-up fraction

    // The elapsed seconds tick on their own (every 100 ms).
    const QString before = shownText(indicator);
    ASSERT_TRUE(
        reposcope::test::processEventsUntil([&] { return shownText(indicator) != before; }));
    EXPECT_EQ(asked, 1); // asked once per request, not on every tick
}

TEST(PhaseIndicatorTest, WaitingPastTheEtaSaysSo) {
    PhaseIndicator indicator;
    indicator.setEtaEstimator([](qint64) -> std::optional<qint64> { return 300; });
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    // The usual time is written as the elapsed time is ("0.3 s", never "~1 s" beside "0.4 s"),
    // and "longer" only once the elapsed time shown really is longer.
    const QRegularExpression longer(
        QStringLiteral("… (\\d+\\.\\d) s · taking longer than the usual (\\d+\\.\\d) s$"));
    QStringList seen;
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] {
        const QString text = shownText(indicator);
        if (seen.isEmpty() || seen.last() != text)
            seen << text;
        return longer.match(text).hasMatch();
    })) << seen.join(QLatin1Char('\n')).toStdString();
    const QRegularExpressionMatch match = longer.match(seen.last());
    EXPECT_EQ(match.captured(2), QStringLiteral("0.3"));
    EXPECT_GT(match.captured(1).toDouble(), 0.3 + 0.25);
    for (const QString &text : std::as_const(seen)) {
        if (text.contains(QStringLiteral("any moment now"))) {
            EXPECT_TRUE(text.endsWith(QStringLiteral("(usually 0.3 s)"))) << text.toStdString();
        }
        EXPECT_FALSE(text.contains(QStringLiteral("~1 s"))) << text.toStdString();
    }
}

TEST(PhaseIndicatorTest, AfterARetryTheEtaCountsFromTheNewAttempt) {
    PhaseIndicator indicator;
    indicator.setEtaEstimator([](qint64) -> std::optional<qint64> { return 60'000; });
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    indicator.setRetry(2, 4, 400, ChatError{});
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] { return indicator.elapsedMs() >= 1000; }));
    indicator.setTurn(turnIn(ChatPhase::Waiting)); // the second attempt is waiting
    const QString text = indicator.text();
    // The wait shown and the ETA are the attempt's: the second of retry wait is not counted.
    EXPECT_TRUE(text.contains(QStringLiteral("prompt tokens)… 0."))) << text.toStdString();
    EXPECT_TRUE(text.endsWith(QStringLiteral("ETA ~60 s"))) << text.toStdString();
}

TEST(PhaseIndicatorTest, WaitingShowsAMovingStripNotAFullBar) {
    PhaseIndicator indicator;
    indicator.resize(400, 40);
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    indicator.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&indicator));
    auto *strip = indicator.findChild<QWidget *>(QStringLiteral("chatPhaseBusy"));
    auto *bar = indicator.findChild<QProgressBar *>(QStringLiteral("chatPhaseProgress"));
    ASSERT_TRUE(strip && bar);
    EXPECT_TRUE(indicator.progressVisible());
    EXPECT_FALSE(strip->isHidden());
    EXPECT_TRUE(bar->isHidden()); // a 0..0 QProgressBar is drawn full by Fusion and offscreen
    // Most of the strip is track, not highlight: it does not read as "100% done".
    const QImage image = strip->grab().toImage();
    const QColor highlight = strip->palette().color(QPalette::Highlight);
    const int row = image.height() / 2;
    int lit = 0;
    for (int x = 0; x < image.width(); ++x) {
        const QColor c = image.pixelColor(x, row);
        if (std::abs(c.red() - highlight.red()) + std::abs(c.green() - highlight.green()) +
                std::abs(c.blue() - highlight.blue()) <
            40)
            ++lit;
    }
    EXPECT_GT(lit, 0);
    EXPECT_LT(lit, image.width() / 2) << lit << " of " << image.width();
    // And it moves on the indicator's own tick.
    const QImage before = image;
    ASSERT_TRUE(
        reposcope::test::processEventsUntil([&] { return strip->grab().toImage() != before; }));
}

TEST(PhaseIndicatorTest, AStreamWithNoDataIsCalledStalledAndOffersStopAndRetry) {
    PhaseIndicator indicator;
    indicator.setStallThresholdMs(150);
    EXPECT_EQ(PhaseIndicator::kStallNoticeMs, 15000); // the application's threshold
    Turn turn = turnIn(ChatPhase::Streaming);
    turn.answer = QStringLiteral("partial");
    turn.stats.ttftMs = 10;
    turn.stats.usage.completionTokens = 42;
    QSignalSpy stall(&indicator, &PhaseIndicator::stallChanged);
    QSignalSpy stop(&indicator, &PhaseIndicator::stopRequested);
    QSignalSpy retry(&indicator, &PhaseIndicator::retryRequested);
    indicator.turnStarted(turn);
    EXPECT_FALSE(indicator.isStalled());
    ASSERT_TRUE(stall.wait(5000));
    EXPECT_TRUE(stall.last().at(0).toBool());
    EXPECT_TRUE(indicator.isStalled());
    EXPECT_TRUE(
        indicator.text().startsWith(QStringLiteral("Stalled: no data for 0 s after 42 tokens")))
        << indicator.text().toStdString();
    auto *stopButton = indicator.findChild<QPushButton *>(QStringLiteral("chatPhaseStopButton"));
    auto *retryButton = indicator.findChild<QPushButton *>(QStringLiteral("chatPhaseRetryButton"));
    ASSERT_TRUE(stopButton && retryButton);
    EXPECT_FALSE(stopButton->isHidden());
    EXPECT_FALSE(retryButton->isHidden());
    // It counts up.
    ASSERT_TRUE(reposcope::test::processEventsUntil(
        [&] { return shownText(indicator).contains(QStringLiteral("no data for 1 s")); }));
    stopButton->click();
    retryButton->click();
    EXPECT_EQ(stop.size(), 1);
    EXPECT_EQ(retry.size(), 1);

    // A byte ends the stall at once.
    indicator.noteData();
    EXPECT_FALSE(indicator.isStalled());
    EXPECT_FALSE(stall.last().at(0).toBool());
    EXPECT_TRUE(shownText(indicator).startsWith(QStringLiteral("Streaming: 42 tokens")));
    EXPECT_TRUE(stopButton->isHidden());
    EXPECT_TRUE(retryButton->isHidden());
}

TEST(PhaseIndicatorTest, AWaitIsStalledOnlyPastWhatTheEtaAllows) {
    PhaseIndicator indicator;
    indicator.setStallThresholdMs(100);
    // ETA 400 ms: allowed max(2 × 400, 400 + 100) = 800 ms of silence.
    indicator.setEtaEstimator([](qint64) -> std::optional<qint64> { return 400; });
    QSignalSpy stall(&indicator, &PhaseIndicator::stallChanged);
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    ASSERT_TRUE(stall.wait(5000));
    EXPECT_GE(indicator.elapsedMs(), 800);
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral(
        "Stalled: no data for 0 s while waiting for the first token (usually 0.4 s)")))
        << indicator.text().toStdString();
}

TEST(PhaseIndicatorTest, AWaitWithoutAnEstimateIsNotCalledStalledUnlessProgressStops) {
    PhaseIndicator indicator;
    indicator.setStallThresholdMs(100);
    QSignalSpy stall(&indicator, &PhaseIndicator::stallChanged);
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    // A long prefill without progress events looks like this: no stall is claimed.
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] { return indicator.elapsedMs() >= 500; }));
    EXPECT_FALSE(indicator.isStalled());
    EXPECT_TRUE(stall.isEmpty());
    // Once the server has reported progress, its silence is a stall.
    Turn turn = turnIn(ChatPhase::Waiting);
    turn.stats.progress = reposcope::llm::PromptProgress{1000, 0, 250, 30};
    indicator.setTurn(turn);
    ASSERT_TRUE(stall.wait(5000));
    EXPECT_TRUE(indicator.text().contains(QStringLiteral("(the prompt was 25% processed)")))
        << indicator.text().toStdString();
}

TEST(PhaseIndicatorTest, SlowPrefillChunksRaiseWhatCountsAsAStall) {
    PhaseIndicator indicator;
    indicator.setStallThresholdMs(100);
    const auto progressAt = [&](qint64 processed) {
        Turn turn = turnIn(ChatPhase::Waiting);
        turn.stats.progress = reposcope::llm::PromptProgress{4000, 0, processed, 0};
        indicator.setTurn(turn);
    };
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    progressAt(0);
    // The server takes 400 ms per chunk of the prompt.
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] { return indicator.elapsedMs() >= 400; }));
    progressAt(1000);
    const qint64 secondAt = indicator.elapsedMs();
    EXPECT_FALSE(indicator.isStalled()); // the chunk came: whatever was said is taken back
    // Silence for longer than the threshold but shorter than twice the slowest chunk: no stall.
    ASSERT_TRUE(reposcope::test::processEventsUntil(
        [&] { return indicator.elapsedMs() >= secondAt + 500; }));
    EXPECT_FALSE(indicator.isStalled()) << indicator.text().toStdString();
    // Past twice the slowest chunk: stalled.
    QSignalSpy stall(&indicator, &PhaseIndicator::stallChanged);
    ASSERT_TRUE(stall.wait(5000));
    EXPECT_TRUE(stall.last().at(0).toBool());
    EXPECT_GE(indicator.elapsedMs() - secondAt, 800);
}

TEST(PhaseIndicatorTest, AFailureThatAnotherTryMayFixOffersRetryWhenPossible) {
    PhaseIndicator indicator;
    auto *retryButton = indicator.findChild<QPushButton *>(QStringLiteral("chatPhaseRetryButton"));
    Turn turn = turnIn(ChatPhase::Failed);
    turn.error = ChatError{};
    turn.error->kind = ChatError::Kind::ConnectionDropped;
    turn.error->message =
        QStringLiteral("The local engine was killed by SIGKILL and is restarting.");
    indicator.turnStarted(turn);
    EXPECT_TRUE(retryButton->isHidden()); // the engine is not ready yet
    indicator.setRetryAvailable(true);
    EXPECT_FALSE(retryButton->isHidden());
    turn.error->kind = ChatError::Kind::Authentication; // a retry would fail the same way
    indicator.setTurn(turn);
    EXPECT_TRUE(retryButton->isHidden());
}

TEST(PhaseIndicatorTest, WaitingWithoutAnEstimatorShowsOnlyElapsedTime) {
    PhaseIndicator indicator;
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    EXPECT_TRUE(
        QRegularExpression(QStringLiteral("… \\d+\\.\\d s$")).match(indicator.text()).hasMatch())
        << indicator.text().toStdString();
    EXPECT_FALSE(indicator.text().contains(QStringLiteral("ETA")));
}

TEST(PhaseIndicatorTest, ReportedPromptProgressIsARealProgressBar) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Waiting);
    turn.stats.progress = reposcope::llm::PromptProgress{1'000'000, 0, 512'000, 9'000};
    indicator.turnStarted(turn);
    EXPECT_TRUE(indicator.text().startsWith(
        QStringLiteral("Processing the prompt: 512,000 of 1,000,000 tokens (51%)")))
        << indicator.text().toStdString();
    EXPECT_EQ(indicator.progressMaximum(), 1000);
    EXPECT_EQ(indicator.progressValue(), 512);
}

TEST(PhaseIndicatorTest, StreamingShowsTokensAndRate) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Streaming);
    indicator.turnStarted(turn);
    turn.stats.ttftMs = 18'200;
    turn.stats.outputTokensEstimate = 1'234;
    turn.answer = QStringLiteral("...");
    indicator.setTurn(turn);
    const QString text = indicator.text();
    EXPECT_TRUE(text.startsWith(QStringLiteral("Streaming: ≈1,234 tokens"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("first token after 18.2 s")));
    EXPECT_FALSE(indicator.progressVisible());
    turn.stats.usage.completionTokens = 1'300;
    indicator.setTurn(turn);
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("Streaming: 1,300 tokens")));
}

TEST(PhaseIndicatorTest, RetryingCountsDown) {
    PhaseIndicator indicator;
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    ChatError why;
    why.kind = ChatError::Kind::RateLimited;
    indicator.setRetry(2, 4, 2'000, why);
    Turn turn = turnIn(ChatPhase::Retrying);
    indicator.setTurn(turn);
    EXPECT_EQ(indicator.text(), QStringLiteral("Rate limited; retrying in 2 s (attempt 2 of 4)"));
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] {
        return shownText(indicator) ==
               QStringLiteral("Rate limited; retrying in 1 s (attempt 2 of 4)");
    }));
    why.kind = ChatError::Kind::ServerError;
    indicator.setRetry(3, 4, 4'000, why);
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("The server is busy; retrying in 4 s")));
}

TEST(PhaseIndicatorTest, DoneShowsTheFigures) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Done);
    turn.answer = QStringLiteral("No findings."); // a Done turn without text says so instead
    turn.stats.ttftMs = 18'200;
    turn.stats.totalMs = 41'000;
    turn.stats.usage.promptTokens = 1'020'000;
    turn.stats.usage.completionTokens = 1'024;
    turn.cost = 0.0132;
    indicator.setTurn(turn);
    EXPECT_EQ(indicator.text(),
              QStringLiteral("Done: first token 18.2 s · total 41.0 s · 1,020,000 prompt · "
                             "1,024 completion · 45 tok/s · $0.0132"));
    EXPECT_FALSE(indicator.progressVisible());
}

TEST(PhaseIndicatorTest, FailedShowsTheMessageAndOffersFitOnOverflow) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Failed);
    turn.error = ChatError{};
    turn.error->kind = ChatError::Kind::Authentication;
    turn.error->message = QStringLiteral("Groq rejected the API key.");
    indicator.setTurn(turn);
    EXPECT_EQ(indicator.text(), QStringLiteral("Failed: Groq rejected the API key."));
    EXPECT_FALSE(fitButtonShown(indicator));

    turn.error->kind = ChatError::Kind::ContextOverflow;
    turn.error->message = QStringLiteral("The prompt is 40,000 tokens over the context.");
    turn.phase = ChatPhase::Cancelled; // force a phase change, then back
    indicator.setTurn(turn);
    turn.phase = ChatPhase::Failed;
    indicator.setTurn(turn);
    EXPECT_TRUE(fitButtonShown(indicator));
    QSignalSpy fit(&indicator, &PhaseIndicator::fitToBudgetRequested);
    indicator.findChild<QPushButton *>(QStringLiteral("chatFitToBudgetButton"))->click();
    EXPECT_EQ(fit.size(), 1);
}

TEST(PhaseIndicatorTest, DetailsArrivingAfterTheOutcomeAreShownAtOnce) {
    // The client reports Failed first, the conversation then adds the error.
    PhaseIndicator indicator;
    indicator.turnStarted(turnIn(ChatPhase::Waiting));
    Turn turn = turnIn(ChatPhase::Failed);
    indicator.setTurn(turn);
    turn.error = ChatError{};
    turn.error->kind = ChatError::Kind::ContextOverflow;
    turn.error->message = QStringLiteral("Too long.");
    indicator.setTurn(turn);
    EXPECT_EQ(shownText(indicator), QStringLiteral("Failed: Too long."));
    EXPECT_TRUE(fitButtonShown(indicator));
}

TEST(PhaseIndicatorTest, CancelledSaysWhatWasKept) {
    PhaseIndicator indicator;
    Turn turn = turnIn(ChatPhase::Cancelled);
    indicator.setTurn(turn);
    EXPECT_EQ(indicator.text(), QStringLiteral("Stopped before any answer arrived."));
    turn.phase = ChatPhase::Streaming;
    indicator.setTurn(turn);
    turn.phase = ChatPhase::Cancelled;
    turn.answer = QStringLiteral("partial");
    turn.stats.outputTokensEstimate = 12;
    indicator.setTurn(turn);
    EXPECT_EQ(indicator.text(),
              QStringLiteral("Stopped: the partial answer is kept (≈12 tokens)."));
}

TEST(PhaseIndicatorTest, NoticesReplaceThePhaseUntilTheNextRequest) {
    PhaseIndicator indicator;
    indicator.showNotice(QStringLiteral("Not sent: nothing is selected."), true);
    EXPECT_EQ(indicator.text(), QStringLiteral("Not sent: nothing is selected."));
    indicator.turnStarted(turnIn(ChatPhase::Preparing));
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("Building the request")));
    indicator.reset();
    EXPECT_TRUE(indicator.text().startsWith(QStringLiteral("Ready")));
}
