// SPDX-License-Identifier: MIT
#pragma once

#include "repo/blame.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QThreadPool;
class QTreeWidget;

namespace reposcope::ui {

/// "Who changed these lines?": a strip under the code viewer that runs
/// repo::blameLines() on the pool and lists one row per hunk — lines, short
/// SHA, author, date, summary (full SHA, e-mail and message line in the
/// tooltip). While it runs it shows a busy bar and a Cancel button; errors
/// (plain folder, untracked file, shallow clone) are shown in place of the
/// list.
///
/// The pool is NOT owned and must outlive the strip. Starting again, or
/// cancel(), drops the running blame's result (libgit2 cannot stop mid-way, so
/// it finishes in the background); the destructor cancels and waits for every
/// blame still running. UI thread only.
class CodeViewerBlame : public QWidget {
    Q_OBJECT
public:
    explicit CodeViewerBlame(QThreadPool *pool, QWidget *parent = nullptr);
    ~CodeViewerBlame() override;

    /// Shows the strip and blames 1-based lines first..last of the
    /// repository-relative path.
    void start(const repo::RepoInfo &info, const QString &path, int first, int last);
    /// Shows the strip with a message instead of a blame (e.g. nothing to blame).
    void showMessage(const QString &message);
    void cancel();

    bool isBusy() const { return m_busy; }
    const QList<repo::BlameHunk> &hunks() const { return m_hunks; }
    /// The headline: what is shown, the error, or "Cancelled."
    QString headline() const;
    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    /// A blame ended: hunks() or the error headline are shown.
    void finished();

private:
    struct Run {
        QFutureWatcher<Result<QList<repo::BlameHunk>>> *watcher = nullptr;
        std::shared_ptr<std::atomic_bool> cancel;
    };

    void onFinished(QFutureWatcher<Result<QList<repo::BlameHunk>>> *watcher);
    void setBusy(bool busy);
    void fill();

    QThreadPool *m_pool;
    QLabel *m_headline;
    QProgressBar *m_progress;
    QPushButton *m_cancelButton;
    QTreeWidget *m_list;
    QList<Run> m_runs; // the last one is current; earlier ones finish and are dropped
    QList<repo::BlameHunk> m_hunks;
    QString m_subject; // "lines 40–52 of api/user.go"
    bool m_busy = false;
};

} // namespace reposcope::ui
