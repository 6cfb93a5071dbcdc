// SPDX-License-Identifier: MIT
#include "phaseindicator.h"

#include "chatformat.h"
#include "common/figures.h"

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
    , m_fitButton(new QPushButton(tr("Fit to Budget"), this)) {
    setObjectName(QStringLiteral("chatPhaseIndicator"));
    m_label->setObjectName(QStringLiteral("chatPhaseText"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setObjectName(QStringLiteral("chatPhaseProgress"));
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(6);
    m_bar->hide();
    m_fitButton->setObjectName(QStringLiteral("chatFitToBudgetButton"));
    m_fitButton->setToolTip(tr("Deselect the largest files until the pack fits the model's "
                               "context, then ask again"));
    m_fitButton->hide();
    connect(m_fitButton, &QPushButton::clicked, this, &PhaseIndicator::fitToBudgetRequested);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_label, 1);
    row->addWidget(m_fitButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_bar);

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
    m_preparingPack = false;
    m_notice.clear();
    m_phase = ChatPhase::Idle; // so that setTurn() sees a phase change
    setTurn(turn);
}

void PhaseIndicator::setTurn(const llm::Turn &turn) {
    const bool changed = turn.phase != m_phase;
    m_turn = turn;
    m_phase = turn.phase;
    if (!m_clock.isValid())
        m_clock.start();
    if (changed) {
        if (m_phase != ChatPhase::Retrying)
            m_retry.reset();
        m_preparingPack = false;
        m_notice.clear();
    }
    // A running phase is redrawn by the tick; an outcome is rare and its details (the error, the
    // final usage) may arrive after the phase itself: draw it now.
    if (changed || !isBusyPhase(m_phase))
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
    return !m_bar->isHidden();
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
        m_bar->show();
        return tr("Processing the prompt: %1 of %2 tokens (%3%) · %4")
            .arg(chatformat::tokens(progress.processed), chatformat::tokens(progress.total))
            .arg(permille / 10)
            .arg(seconds(elapsed));
    }
    m_bar->setRange(0, 0); // busy: the server says nothing about its progress
    m_bar->show();
    QString text = m_turn.promptTokensEstimate > 0
                       ? tr("Waiting for the first token (≈%1 prompt tokens)… %2")
                             .arg(chatformat::tokens(m_turn.promptTokensEstimate), seconds(elapsed))
                       : tr("Waiting for the first token… %1").arg(seconds(elapsed));
    if (!m_etaAsked) {
        m_etaAsked = true;
        if (m_estimator)
            m_eta = m_estimator(m_turn.promptTokensEstimate);
    }
    if (m_eta && *m_eta > 0) {
        const qint64 left = *m_eta - elapsed;
        if (left > 0)
            text += tr(" · ETA ~%1 s").arg(qint64(std::ceil(double(left) / 1000.0)));
        else
            text += tr(" · taking longer than the usual ~%1 s")
                        .arg(qint64(std::ceil(double(*m_eta) / 1000.0)));
    }
    return text;
}

void PhaseIndicator::refresh() {
    const qint64 elapsed = elapsedMs();
    const llm::ChatStats &stats = m_turn.stats;
    bool error = false;
    bool fit = false;
    bool bar = false;
    QString text;
    if (!m_notice.isEmpty()) {
        text = m_notice;
        error = m_noticeIsError;
    } else if (m_preparingPack) {
        text = m_preparingDetail.isEmpty()
                   ? tr("Building the request… %1").arg(seconds(elapsed))
                   : tr("Building the request: %1… %2").arg(m_preparingDetail, seconds(elapsed));
        m_bar->setRange(0, 0);
        bar = true;
    } else {
        switch (m_phase) {
        case ChatPhase::Idle:
            text = m_idleHint.isEmpty() ? tr("Ready. Ctrl+Enter sends the question.") : m_idleHint;
            break;
        case ChatPhase::Preparing:
            text = tr("Building the request… %1").arg(seconds(elapsed));
            m_bar->setRange(0, 0);
            bar = true;
            break;
        case ChatPhase::Uploading: {
            const qint64 total = std::max<qint64>(stats.bodyBytes, 1);
            m_bar->setRange(0, 1000);
            m_bar->setValue(
                int(std::clamp(stats.bytesSent * 1000 / total, qint64(0), qint64(1000))));
            bar = true;
            text = tr("Uploading the request: %1 of %2 · %3")
                       .arg(formatBytes(stats.bytesSent), formatBytes(stats.bodyBytes),
                            seconds(elapsed));
            break;
        }
        case ChatPhase::Waiting:
            text = waitingText(elapsed);
            bar = true;
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
            const QString figures = chatformat::turnFigures(m_turn);
            text = figures.isEmpty() ? tr("Done.") : tr("Done: %1").arg(figures);
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
    setBusy(m_preparingPack || isBusyPhase(m_phase));
    if (m_label->text() != text)
        m_label->setText(text);
    setTone(error);
    m_bar->setVisible(bar);
    m_fitButton->setVisible(fit);
}

} // namespace reposcope::ui
