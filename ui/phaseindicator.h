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

/// One strip that says what the current request is doing at every moment: building the request,
/// uploading (bytes sent of total), waiting for the first token (elapsed time ticking every 100 ms,
/// with an ETA from the injected estimator, or a real progress bar when the server reports prompt
/// progress), streaming (tokens, tokens/s), retrying (a countdown), and the outcome (done with its
/// figures, failed with the message and, for a context overflow, a "Fit to budget" button, or
/// stopped).
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

    explicit PhaseIndicator(QWidget *parent = nullptr);
    ~PhaseIndicator() override;

    void setEtaEstimator(EtaEstimator estimator) { m_estimator = std::move(estimator); }

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

private:
    void refresh();
    void setBusy(bool busy);
    void setTone(bool error);
    QString waitingText(qint64 elapsed);

    QLabel *m_label;
    QProgressBar *m_bar;
    QPushButton *m_fitButton;
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

    struct Retry {
        int nextAttempt = 0;
        int maxAttempts = 0;
        qint64 dueMs = 0; // on m_clock
        llm::ChatError why;
    };
    std::optional<Retry> m_retry;
};

} // namespace reposcope::ui
