// SPDX-License-Identifier: MIT
#pragma once

#include "llm/conversation.h"

#include <QElapsedTimer>
#include <QFrame>
#include <QTimer>

#include <functional>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace reposcope::ui {

class BusyStrip;

/// One strip that says what the current request is doing at every moment: building the request,
/// uploading (bytes sent of total), waiting for the first token (elapsed time ticking every 100 ms,
/// with an ETA from the injected estimator, or a real progress bar when the server reports prompt
/// progress), streaming (tokens, tokens/s), retrying (a countdown), and the outcome (done with its
/// figures, failed with the message and, for a context overflow, a "Fit to budget" button, or
/// stopped).
///
/// A stall is named: while streaming, no byte for stallThresholdMs() (kStallNoticeMs, 15 s); while
/// waiting for the first token, no byte for max(2 × ETA, ETA + threshold), or, where the server
/// reports prompt progress, for max(threshold, 2 × its slowest chunk so far) (with neither, no
/// stall is claimed: a long prefill looks the same). The line then says
/// "no data for N s", counting up, the busy strip stops moving, and Stop and Retry buttons appear;
/// the client's idle timeout still ends the request later. The pane feeds noteData() from
/// ChatClient::dataArrived.
///
/// Fed by the chat pane: turnStarted() restarts the widget's own clock, setTurn() is cheap and may
/// be called on every delta (a running phase is redrawn on the 100 ms tick, a change of phase and
/// an outcome at once). UI thread only.
class PhaseIndicator : public QFrame {
    Q_OBJECT
public:
    /// Expected milliseconds to the first token for a prompt of `promptTokens` (from the latency
    /// model); empty when it has no estimate.
    using EtaEstimator = std::function<std::optional<qint64>(qint64 promptTokens)>;
    /// No byte for this long while streaming is called a stall.
    static constexpr qint64 kStallNoticeMs = 15000;

    explicit PhaseIndicator(QWidget *parent = nullptr);
    ~PhaseIndicator() override;

    void setEtaEstimator(EtaEstimator estimator) { m_estimator = std::move(estimator); }
    /// Tests use a short threshold; the application keeps kStallNoticeMs.
    void setStallThresholdMs(qint64 ms) { m_stallMs = ms; }
    qint64 stallThresholdMs() const { return m_stallMs; }
    /// Bytes of the response arrived (headers, events or keep-alive comments).
    void noteData();
    /// Whether a Retry button may be offered for a failed turn (the pane's Re-ask is possible:
    /// nothing running, the target ready, e.g. the local engine restarted).
    void setRetryAvailable(bool available);
    /// True while the running request is called stalled.
    bool isStalled() const { return m_stalled; }

    /// A request started: the clock restarts and `turn` is shown.
    void turnStarted(const llm::Turn &turn);
    void setTurn(const llm::Turn &turn);
    /// A retry is scheduled in `delayMs`: shown as a countdown until the next phase.
    void setRetry(int nextAttempt, int maxAttempts, int delayMs, const llm::ChatError &why);
    /// Before any turn exists (the pack is being written): "Building the request…".
    void showPreparing(const QString &detail = QString());
    /// A message instead of a phase (a refused send). `error` colours it as a failure.
    void showNotice(const QString &message, bool error);
    /// Back to "Ready".
    void reset();
    // What the idle line says instead of "Ready. Ctrl+Enter sends the question." when a
    // request cannot be sent now ("" = ready): why Send is disabled.
    void setIdleHint(const QString &hint);

    /// The phase shown (Idle for ready or a notice).
    llm::ChatPhase phase() const { return m_phase; }
    /// The line shown now (refreshed first).
    QString text();
    /// Milliseconds since turnStarted() or showPreparing().
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }
    /// The progress bar: visible, value and maximum (both 0 while indeterminate).
    bool progressVisible() const;
    int progressValue() const;
    int progressMaximum() const;

Q_SIGNALS:
    void fitToBudgetRequested();
    /// The Stop and Retry buttons (shown for a stall, Retry also for a failed turn that a new
    /// attempt may fix).
    void stopRequested();
    void retryRequested();
    /// The running request became stalled (or data came again).
    void stallChanged(bool stalled);

private:
    void refresh();
    void setBusy(bool busy);
    void setTone(bool error);
    QString waitingText(qint64 elapsed);
    QString stallText(qint64 elapsed);
    bool stallNow(qint64 elapsed) const;
    bool retryHelps() const;
    void showBusyStrip(qint64 elapsed);

    QLabel *m_label;
    QProgressBar *m_bar;
    BusyStrip *m_busy;
    QPushButton *m_fitButton;
    QPushButton *m_stopButton;
    QPushButton *m_retryButton;
    QTimer m_tick;
    QElapsedTimer m_clock;
    EtaEstimator m_estimator;

    llm::ChatPhase m_phase = llm::ChatPhase::Idle;
    llm::Turn m_turn; // the figures shown; its strings are shared, not copied
    bool m_preparingPack = false;
    QString m_preparingDetail;
    QString m_notice;
    QString m_idleHint;
    bool m_noticeIsError = false;
    int m_tone = -1;         // 0 normal, 1 error: the label's palette is set on change only
    bool m_etaAsked = false; // the estimator is asked once per request
    std::optional<qint64> m_eta;
    qint64 m_attemptStartMs = 0; // on m_clock: when the attempt now running began (after retries)
    qint64 m_lastDataMs = 0;     // on m_clock: the last byte, phase change or turn update
    qint64 m_stallMs = kStallNoticeMs;
    bool m_stalled = false;
    bool m_sawProgress = false;   // the server reported prompt progress during this request
    qint64 m_lastProgressMs = -1; // on m_clock: the last progress event that moved
    qint64 m_lastProgressProcessed = -1;
    qint64 m_longestProgressGapMs = 0; // the slowest chunk of the prompt so far
    bool m_retryAvailable = false;
    bool m_drawingBar = false;  // refresh(): the determinate bar is wanted
    bool m_drawingBusy = false; // refresh(): the busy strip is wanted

    struct Retry {
        int nextAttempt = 0;
        int maxAttempts = 0;
        qint64 dueMs = 0; // on m_clock
        llm::ChatError why;
    };
    std::optional<Retry> m_retry;
};

} // namespace reposcope::ui
