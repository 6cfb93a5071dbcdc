// SPDX-License-Identifier: MIT
#pragma once

#include "workspace/outgoingrequest.h"

#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QThreadPool;

namespace KSyntaxHighlighting {
class Repository;
}

namespace reposcope::ui {

class CodeViewer;
class FindBar;

/// "What leaves the machine": the exact text parts of the next request after redaction
/// (system prompt, the pack, earlier turns, the question in the composer), each under a
/// header line, read-only and monospace, with every «redacted:RULE» marker tinted green
/// and every secret that is sent as it is (the policy does not redact, or the allow list
/// names it) tinted red. Ctrl+F finds (F3 / Shift+F3 next and previous), a summary line
/// gives bytes, tokens and what was redacted.
///
/// Building the request (writing the pack for a first question, tokenizing, scanning the
/// layout) runs on the injected pool, never the UI thread; meanwhile the view says
/// "Preparing…" and can be cancelled. The text is shown by a CodeViewer, which loads big
/// texts progressively and tints only what is near the visible lines, so a pack of many
/// MB stays responsive. Modeless: the confirmation strip stays usable behind it.
///
/// The Repository and the pool are NOT owned and must outlive the view. UI thread only.
class OutgoingView : public QDialog {
    Q_OBJECT
public:
    OutgoingView(KSyntaxHighlighting::Repository &syntax, QThreadPool *pool,
                 QWidget *parent = nullptr);
    ~OutgoingView() override;

    /// Builds and shows the request described by `inputs`; a build still running is
    /// cancelled first.
    void prepare(workspace::OutgoingInputs inputs);
    /// Stops a build that runs; the view says it was cancelled.
    void cancel();
    /// Problems with the rules or allow lists the request is built with (a broken file was
    /// skipped): shown in the status line under the summary.
    void setWarnings(const QStringList &warnings) { m_warnings = warnings; }
    /// Shows "Preparing…" with `text` and no request, until the caller can prepare().
    void showWaiting(const QString &text);
    /// "Preparing…" is shown: a build runs, or the caller waits to start one.
    bool isPreparing() const { return m_running || m_waiting; }

    QString summaryText() const;
    QString statusText() const;
    const workspace::OutgoingRequest &request() const { return m_request; }
    const workspace::OutgoingLayout &layout() const { return m_layout; }
    CodeViewer *viewer() const { return m_viewer; }
    FindBar *findBar() const { return m_find; }

Q_SIGNALS:
    /// A build ended and its text is shown.
    void prepared();
    /// A build failed or was cancelled; statusText() says why.
    void failed(const QString &message);
    /// Refresh was clicked: the caller prepares the request again (the composer changed).
    void refreshRequested();

private:
    struct Built {
        Result<workspace::OutgoingRequest> request = workspace::OutgoingRequest{};
        workspace::OutgoingLayout layout;
    };
    void onBuilt();
    void showStatus(const QString &text, bool busy);
    void updateSummary();

    QThreadPool *m_pool;
    QFutureWatcher<Built> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    bool m_running = false;
    bool m_waiting = false; // showWaiting() until prepare()
    workspace::OutgoingRequest m_request;
    workspace::OutgoingLayout m_layout;
    QStringList m_warnings;

    QLabel *m_summary;
    QLabel *m_status;
    QProgressBar *m_busy;
    QPushButton *m_cancelButton;
    QComboBox *m_parts;
    CodeViewer *m_viewer;
    FindBar *m_find;
};

} // namespace reposcope::ui
