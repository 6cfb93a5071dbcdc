// SPDX-License-Identifier: MIT
#include "widgets/phaseindicator.h"

#include "chat/chatformat.h"
#include "common/figures.h"
#include "widgets/busystrip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace reposcope::ui {

namespace {

using llm::ChatPhase;

bool isBusyPhase(ChatPhase phase) {
    return phase == ChatPhase::Preparing || phase == ChatPhase::Uploading ||
           phase == ChatPhase::Waiting || phase == ChatPhase::Streaming ||
           phase == ChatPhase::Retrying;
}

QString seconds(qint64 ms) {
    return PhaseIndicator::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

// A duration the user compares with the elapsed time shown beside it ("0.4 s"): one decimal
// under 10 s, like the elapsed time, so "longer than the usual 0.3 s" never reads "~1 s".
QString approxSeconds(qint64 ms) {
    if (ms < 10000)
        return PhaseIndicator::tr("%1 s").arg(double(std::max<qint64>(ms, 100)) / 1000.0, 0, 'f',
                                              1);
    return PhaseIndicator::tr("%1 s").arg(qint64(std::ceil(double(ms) / 1000.0)));
}

QString retryReason(const llm::ChatError &why) {
    switch (why.kind) {
    case llm::ChatError::Kind::RateLimited:
        return PhaseIndicator::tr("Rate limited");
    case llm::ChatError::Kind::ServerError:
        return PhaseIndicator::tr("The server is busy");
    case llm::ChatError::Kind::Timeout:
        return PhaseIndicator::tr("No answer in time");
    case llm::ChatError::Kind::ConnectionDropped:
        return PhaseIndicator::tr("The connection dropped");
    default:
        return PhaseIndicator::tr("The request failed");
    }
}

} // namespace

PhaseIndicator::PhaseIndicator(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_busy(new BusyStrip(this))
    , m_fitButton(new QPushButton(tr("Fit to Budget"), this))
    , m_stopButton(new QPushButton(tr("Stop"), this))
    , m_retryButton(new QPushButton(tr("Retry"), this)) {
    setObjectName(QStringLiteral("chatPhaseIndicator"));
    m_label->setObjectName(QStringLiteral("chatPhaseText"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setObjectName(QStringLiteral("chatPhaseProgress"));
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(6);
    m_bar->hide();
    m_busy->hide();
    m_fitButton->setObjectName(QStringLiteral("chatFitToBudgetButton"));
    m_fitButton->setToolTip(tr("Deselect the largest files until the pack fits the model's "
                               "context, then ask again"));
    m_fitButton->hide();
    connect(m_fitButton, &QPushButton::clicked, this, &PhaseIndicator::fitToBudgetRequested);
    m_stopButton->setObjectName(QStringLiteral("chatPhaseStopButton"));
    m_stopButton->setToolTip(tr("Stop the request; the text received so far is kept (Esc)"));
    m_stopButton->hide();
    connect(m_stopButton, &QPushButton::clicked, this, &PhaseIndicator::stopRequested);
    m_retryButton->setObjectName(QStringLiteral("chatPhaseRetryButton"));
    m_retryButton->setToolTip(tr("Stop this request and send the question again"));
    m_retryButton->hide();
    connect(m_retryButton, &QPushButton::clicked, this, &PhaseIndicator::retryRequested);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_label, 1);
    row->addWidget(m_fitButton);
    row->addWidget(m_stopButton);
    row->addWidget(m_retryButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_bar);
    layout->addWidget(m_busy);

    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &PhaseIndicator::refresh);
    refresh();
}

PhaseIndicator::~PhaseIndicator() = default;

void PhaseIndicator::turnStarted(const llm::Turn &turn) {
    m_clock.start();
    m_retry.reset();
    m_etaAsked = false;
    m_eta.reset();
    m_attemptStartMs = 0;
    m_lastDataMs = 0;
    m_sawProgress = false;
    m_lastProgressMs = -1;
    m_lastProgressProcessed = -1;
    m_longestProgressGapMs = 0;
    m_preparingPack = false;
    m_notice.clear();
    m_phase = ChatPhase::Idle; // so that setTurn() sees a phase change
    setTurn(turn);
}

void PhaseIndicator::setTurn(const llm::Turn &turn) {
    const bool changed = turn.phase != m_phase;
    const bool attemptStarted = m_phase == ChatPhase::Retrying && changed;
    m_turn = turn;
    m_phase = turn.phase;
    if (!m_clock.isValid())
        m_clock.start();
    // Every update of a running turn comes from bytes of the response (a delta, usage,
    // progress) or a change of phase.
    m_lastDataMs = m_clock.elapsed();
    if (attemptStarted)
        m_attemptStartMs = m_lastDataMs; // the ETA is for the attempt, not the 429's wait
    if (turn.stats.progress && turn.stats.progress->processed != m_lastProgressProcessed) {
        m_sawProgress = true;
        if (m_lastProgressMs >= 0)
            m_longestProgressGapMs =
                std::max(m_longestProgressGapMs, m_lastDataMs - m_lastProgressMs);
        m_lastProgressMs = m_lastDataMs;
        m_lastProgressProcessed = turn.stats.progress->processed;
    }
    if (changed) {
        if (m_phase != ChatPhase::Retrying)
            m_retry.reset();
        m_preparingPack = false;
        m_notice.clear();
    }
    // A running phase is redrawn by the tick; an outcome is rare and its details (the error, the
    // final usage) may arrive after the phase itself: draw it now.
    if (changed || !isBusyPhase(m_phase) || m_stalled) // a stall ends as soon as data comes
        refresh();
}

void PhaseIndicator::setRetry(int nextAttempt, int maxAttempts, int delayMs,
                              const llm::ChatError &why) {
    if (!m_clock.isValid())
        m_clock.start();
    m_retry = Retry{nextAttempt, maxAttempts, m_clock.elapsed() + delayMs, why};
    m_phase = ChatPhase::Retrying;
    m_turn.phase = ChatPhase::Retrying;
    refresh();
}

void PhaseIndicator::noteData() {
    if (!m_clock.isValid())
        return;
    m_lastDataMs = m_clock.elapsed();
    if (m_stalled)
        refresh(); // say so at once, not on the next tick
}

void PhaseIndicator::setRetryAvailable(bool available) {
    if (m_retryAvailable == available)
        return;
    m_retryAvailable = available;
    refresh();
}

void PhaseIndicator::showPreparing(const QString &detail) {
    m_clock.start();
    m_turn = llm::Turn();
    m_retry.reset();
    m_phase = ChatPhase::Idle;
    m_preparingPack = true;
    m_preparingDetail = detail;
    m_notice.clear();
    refresh();
}

void PhaseIndicator::showNotice(const QString &message, bool error) {
    m_turn = llm::Turn();
    m_retry.reset();
    m_phase = ChatPhase::Idle;
    m_preparingPack = false;
    m_notice = message;
    m_noticeIsError = error;
    refresh();
}

void PhaseIndicator::reset() {
    m_turn = llm::Turn();
    m_retry.reset();
    m_phase = ChatPhase::Idle;
    m_preparingPack = false;
    m_notice.clear();
    m_clock.invalidate();
    refresh();
}

void PhaseIndicator::setIdleHint(const QString &hint) {
    if (hint == m_idleHint)
        return;
    m_idleHint = hint;
    refresh();
}

QString PhaseIndicator::text() {
    refresh();
    return m_label->text();
}

bool PhaseIndicator::progressVisible() const {
    return !m_bar->isHidden() || !m_busy->isHidden();
}

int PhaseIndicator::progressValue() const {
    return m_bar->value();
}

int PhaseIndicator::progressMaximum() const {
    return m_bar->maximum();
}

void PhaseIndicator::setBusy(bool busy) {
    if (busy && !m_tick.isActive())
        m_tick.start();
    else if (!busy)
        m_tick.stop();
}

void PhaseIndicator::setTone(bool error) {
    if (m_tone == int(error))
        return;
    m_tone = int(error);
    QPalette colors = palette();
    const bool dark = colors.color(QPalette::Window).lightness() < 128;
    colors.setColor(QPalette::WindowText,
                    error ? (dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e))
                          : QPalette().color(QPalette::WindowText));
    m_label->setPalette(colors);
}

QString PhaseIndicator::waitingText(qint64 elapsed) {
    const llm::ChatStats &stats = m_turn.stats;
    if (stats.progress && stats.progress->total > 0) {
        const llm::PromptProgress &progress = *stats.progress;
        const int permille = int(std::clamp(progress.fraction(), 0.0, 1.0) * 1000);
        m_bar->setRange(0, 1000);
        m_bar->setValue(permille);
        m_drawingBar = true;
        return tr("Processing the prompt: %1 of %2 tokens (%3%) · %4")
            .arg(chatformat::tokens(progress.processed), chatformat::tokens(progress.total))
            .arg(permille / 10)
            .arg(seconds(elapsed));
    }
    showBusyStrip(elapsed); // the server says nothing about its progress
    // After a retry, the wait (and the ETA) is the running attempt's.
    const qint64 waited = std::max<qint64>(elapsed - m_attemptStartMs, 0);
    QString text = m_turn.promptTokensEstimate > 0
                       ? tr("Waiting for the first token (≈%1 prompt tokens)… %2")
                             .arg(chatformat::tokens(m_turn.promptTokensEstimate), seconds(waited))
                       : tr("Waiting for the first token… %1").arg(seconds(waited));
    if (!m_etaAsked) {
        m_etaAsked = true;
        if (m_estimator)
            m_eta = m_estimator(m_turn.promptTokensEstimate);
    }
    if (m_eta && *m_eta > 0) {
        const qint64 eta = *m_eta;
        const qint64 left = eta - waited;
        // Past the ETA by less than the estimate's own slack, "longer than usual" would argue
        // with the rounding ("0.4 s · taking longer than the usual ~1 s").
        const qint64 slack = std::max<qint64>(500, eta / 4);
        if (left > 0)
            text += tr(" · ETA ~%1").arg(approxSeconds(left));
        else if (-left < slack)
            text += tr(" · any moment now (usually %1)").arg(approxSeconds(eta));
        else
            text += tr(" · taking longer than the usual %1").arg(approxSeconds(eta));
    }
    return text;
}

void PhaseIndicator::showBusyStrip(qint64 elapsed) {
    m_bar->setRange(0, 0); // progressMaximum() 0: no fraction is claimed
    m_busy->advance(elapsed);
    m_drawingBusy = true;
}

bool PhaseIndicator::stallNow(qint64 elapsed) const {
    if (!m_clock.isValid() || m_stallMs <= 0 || !m_notice.isEmpty() || m_preparingPack)
        return false;
    const qint64 silent = elapsed - m_lastDataMs;
    if (m_phase == ChatPhase::Streaming)
        return silent >= m_stallMs;
    if (m_phase != ChatPhase::Waiting)
        return false;
    // Progress events come once per chunk of the prompt: silence is a stall past the threshold
    // and twice the slowest chunk so far (a big model on a CPU may take longer than 15 s each).
    if (m_sawProgress)
        return silent >= std::max(m_stallMs, 2 * m_longestProgressGapMs);
    if (m_eta && *m_eta > 0) // a prefill is allowed what the ETA says, with its own slack
        return silent >= std::max(2 * *m_eta, *m_eta + m_stallMs);
    return false; // no estimate, no progress: a long prefill cannot be told from a stall
}

QString PhaseIndicator::stallText(qint64 elapsed) {
    const qint64 silentS = std::max<qint64>(elapsed - m_lastDataMs, 0) / 1000;
    if (m_phase == ChatPhase::Streaming) {
        bool estimated = false;
        const qint64 count = chatformat::completionTokens(m_turn, &estimated);
        return tr("Stalled: no data for %1 s after %2%3 tokens. Stop keeps the partial answer; "
                  "Retry asks again.")
            .arg(silentS)
            .arg(estimated ? QStringLiteral("≈") : QString(), chatformat::tokens(count));
    }
    QString text = tr("Stalled: no data for %1 s while waiting for the first token").arg(silentS);
    if (m_eta && *m_eta > 0)
        text += tr(" (usually %1)").arg(approxSeconds(*m_eta));
    else if (m_turn.stats.progress && m_turn.stats.progress->total > 0)
        text +=
            tr(" (the prompt was %1% processed)").arg(int(m_turn.stats.progress->fraction() * 100));
    return text + tr(". Stop, or Retry to ask again.");
}

bool PhaseIndicator::retryHelps() const {
    if (m_phase != ChatPhase::Failed || !m_turn.error)
        return false;
    switch (m_turn.error->kind) {
    case llm::ChatError::Kind::Timeout:
    case llm::ChatError::Kind::ConnectionDropped:
    case llm::ChatError::Kind::ConnectionRefused:
    case llm::ChatError::Kind::ServerError:
    case llm::ChatError::Kind::RateLimited:
        return true;
    default:
        return false;
    }
}

void PhaseIndicator::refresh() {
    const qint64 elapsed = elapsedMs();
    const llm::ChatStats &stats = m_turn.stats;
    bool error = false;
    bool fit = false;
    m_drawingBar = false;
    m_drawingBusy = false;
    QString text;
    if (!m_notice.isEmpty()) {
        text = m_notice;
        error = m_noticeIsError;
    } else if (m_preparingPack) {
        text = m_preparingDetail.isEmpty()
                   ? tr("Building the request… %1").arg(seconds(elapsed))
                   : tr("Building the request: %1… %2").arg(m_preparingDetail, seconds(elapsed));
        showBusyStrip(elapsed);
    } else {
        switch (m_phase) {
        case ChatPhase::Idle:
            text = m_idleHint.isEmpty() ? tr("Ready. Ctrl+Enter sends the question.") : m_idleHint;
            break;
        case ChatPhase::Preparing:
            text = tr("Building the request… %1").arg(seconds(elapsed));
            showBusyStrip(elapsed);
            break;
        case ChatPhase::Uploading: {
            const qint64 total = std::max<qint64>(stats.bodyBytes, 1);
            m_bar->setRange(0, 1000);
            m_bar->setValue(
                int(std::clamp(stats.bytesSent * 1000 / total, qint64(0), qint64(1000))));
            m_drawingBar = true;
            text = tr("Uploading the request: %1 of %2 · %3")
                       .arg(formatBytes(stats.bytesSent), formatBytes(stats.bodyBytes),
                            seconds(elapsed));
            break;
        }
        case ChatPhase::Waiting:
            text = waitingText(elapsed);
            break;
        case ChatPhase::Streaming: {
            bool estimated = false;
            const qint64 count = chatformat::completionTokens(m_turn, &estimated);
            text = tr("Streaming: %1%2 tokens")
                       .arg(estimated ? QStringLiteral("≈") : QString(), chatformat::tokens(count));
            if (const std::optional<double> rate = chatformat::tokensPerSecond(m_turn, elapsed))
                text += tr(" · %1 tok/s").arg(*rate, 0, 'f', 0);
            if (stats.ttftMs >= 0)
                text += tr(" · first token after %1").arg(chatformat::duration(stats.ttftMs));
            break;
        }
        case ChatPhase::Retrying:
            if (m_retry) {
                const qint64 left = std::max<qint64>(m_retry->dueMs - elapsed, 0);
                text = tr("%1; retrying in %2 s (attempt %3 of %4)")
                           .arg(retryReason(m_retry->why))
                           .arg(qint64(std::ceil(double(left) / 1000.0)))
                           .arg(m_retry->nextAttempt)
                           .arg(m_retry->maxAttempts);
            } else {
                text = tr("Retrying (attempt %1)…").arg(stats.attempt);
            }
            break;
        case ChatPhase::Done: {
            // The stream ended; whether it holds a whole answer is the turn's end.
            const QString figures = chatformat::turnFigures(m_turn);
            switch (m_turn.end()) {
            case llm::AnswerEnd::Complete:
                text = figures.isEmpty() ? tr("Done.") : tr("Done: %1").arg(figures);
                break;
            case llm::AnswerEnd::CutOff:
                text = tr("Cut off at the output token limit: Continue, or raise the reserve "
                          "for the answer · %1")
                           .arg(figures);
                break;
            case llm::AnswerEnd::ThinkingOnly:
                error = true;
                text = tr("No answer: the model spent its whole output budget thinking; raise "
                          "the reserve for the answer · %1")
                           .arg(figures);
                break;
            case llm::AnswerEnd::NoText:
                error = true;
                text = tr("Done, but the model wrote no answer text · %1").arg(figures);
                break;
            }
            break;
        }
        case ChatPhase::Failed:
            error = true;
            text = tr("Failed: %1")
                       .arg(m_turn.error && !m_turn.error->message.isEmpty()
                                ? m_turn.error->message
                                : tr("the request failed."));
            fit = m_turn.error && m_turn.error->kind == llm::ChatError::Kind::ContextOverflow;
            break;
        case ChatPhase::Cancelled: {
            bool estimated = false;
            const qint64 count = chatformat::completionTokens(m_turn, &estimated);
            text = m_turn.answer.isEmpty()
                       ? tr("Stopped before any answer arrived.")
                       : tr("Stopped: the partial answer is kept (%1%2 tokens).")
                             .arg(estimated ? QStringLiteral("≈") : QString(),
                                  chatformat::tokens(count));
            break;
        }
        }
    }
    const bool stalled = isBusyPhase(m_phase) && stallNow(elapsed);
    if (stalled) {
        text = stallText(elapsed);
        error = true;
    }
    setBusy(m_preparingPack || isBusyPhase(m_phase));
    if (m_label->text() != text)
        m_label->setText(text);
    setTone(error);
    m_busy->setFrozen(stalled); // a stalled request must not look busy
    m_bar->setVisible(m_drawingBar);
    m_busy->setVisible(m_drawingBusy);
    m_fitButton->setVisible(fit);
    m_stopButton->setVisible(stalled);
    m_retryButton->setVisible(stalled || (m_retryAvailable && retryHelps()));
    if (stalled != m_stalled) {
        m_stalled = stalled;
        Q_EMIT stallChanged(stalled);
    }
}

} // namespace reposcope::ui
