// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "workspace/packpreparation.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QProgressDialog>

#include <atomic>
#include <memory>

class QWidget;

namespace reposcope::workspace {
class Workspace;
}

namespace reposcope::ui {

class ChatController;

// Chat ▸ Copy Pack to Clipboard: the pack of the current selection exactly as the next first
// question would send it to the Budget panel's provider (ChatController::outgoingInputs, so
// the same pack format and the provider's redaction setting), written off the UI thread
// (preparePack on the workspace's pool) with a cancellable progress window. Above
// warnBytes() it asks before copying (a pasted 14 MB can freeze the program it goes into).
// Reports what happened through statusMessage: tokens, size, secrets redacted.
class CopyPack : public QObject {
    Q_OBJECT
public:
    // `window`: the parent of its dialogs. `chat` may be null (no chat backend): copy() then
    // says so and copies nothing.
    CopyPack(workspace::Workspace *workspace, ChatController *chat, QWidget *window);
    ~CopyPack() override;

    // Starts copying (one at a time: a second call while busy is ignored).
    void copy();
    bool isBusy() const { return m_watcher.isRunning() || m_waitingForScanner; }
    // Packs larger than this many bytes ask first (default 4 MiB).
    qint64 warnBytes() const { return m_warnBytes; }
    void setWarnBytes(qint64 bytes) { m_warnBytes = bytes; }
    // The progress window (null when none is up).
    QProgressDialog *progressDialog() const { return m_progress; }
    // "The pack is 14.2 MB. Pasting that much may freeze the program you paste into. Copy
    // anyway?"
    static QString sizeWarning(qint64 bytes);
    // "14.2 MB", "812 KB"
    static QString formatSize(qint64 bytes);

Q_SIGNALS:
    // What to show in the status bar (and what the last copy did).
    void statusMessage(const QString &text);
    // A copy ended: `copied` says whether the clipboard now holds the pack.
    void finished(bool copied);

private:
    struct Written {
        Result<workspace::PreparedPack> pack = Error::make(Error::Code::Cancelled, QString());
        QString text; // the pack as UTF-16, converted on the worker
    };
    void start();
    void onWritten();
    void fail(const QString &message, bool box = true);

    workspace::Workspace *m_workspace;
    ChatController *m_chat; // the window's; outlives this
    QWidget *m_window;
    QFutureWatcher<Written> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QPointer<QProgressDialog> m_progress;
    qint64 m_warnBytes = 4 * 1024 * 1024;
    qint64 m_tokens = 0; // the selection's pack tokens when the copy began
    bool m_exact = true;
    bool m_redacts = true;
    bool m_waitingForScanner = false;
};

} // namespace reposcope::ui
