// SPDX-License-Identifier: MIT
#include "chat/copypack.h"

#include "budget/uncountedconfirm.h"
#include "chat/chatcontroller.h"
#include "privacy/redactionsources.h"
#include "workspace/outgoingrequest.h"
#include "workspace/workspace.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QtConcurrent>

namespace reposcope::ui {

CopyPack::CopyPack(workspace::Workspace *workspace, ChatController *chat, QWidget *window)
    : QObject(window)
    , m_workspace(workspace)
    , m_chat(chat)
    , m_window(window) {
    connect(&m_watcher, &QFutureWatcher<Written>::finished, this, &CopyPack::onWritten);
}

CopyPack::~CopyPack() {
    if (m_cancel)
        m_cancel->store(true);
    m_watcher.waitForFinished(); // the task reads the snapshot this window's workspace owns
}

QString CopyPack::formatSize(qint64 bytes) {
    const QLocale loc;
    if (bytes >= 1024 * 1024)
        return tr("%1 MB").arg(loc.toString(double(bytes) / (1024.0 * 1024.0), 'f', 1));
    if (bytes >= 1024)
        return tr("%1 KB").arg(loc.toString(double(bytes) / 1024.0, 'f', 0));
    return tr("%1 bytes").arg(loc.toString(bytes));
}

QString CopyPack::sizeWarning(qint64 bytes) {
    return tr("The pack is %1. Pasting that much may freeze the program you paste into. Copy "
              "anyway?")
        .arg(formatSize(bytes));
}

void CopyPack::fail(const QString &message, bool box) {
    if (box)
        QMessageBox::information(m_window, tr("Copy Pack to Clipboard"), message);
    Q_EMIT statusMessage(message);
    Q_EMIT finished(false);
}

void CopyPack::copy() {
    if (isBusy())
        return;
    const prompt::Selection *selection = m_workspace->selection();
    if (!selection || !m_workspace->snapshot())
        return fail(tr("Nothing to copy: open a repository first (Ctrl+O)."));
    if (selection->selected(0).files == 0)
        return fail(tr("Nothing to copy: no file is selected. Tick the files to copy in the "
                       "repository tree."));
    if (!m_chat)
        return fail(tr("Copy Pack needs the chat's provider settings to know what it would "
                       "send, and this window has no chat backend."));
    if (!confirmUncounted(m_window, *selection, tr("Copy")))
        return fail(tr("Not copied: some selected files have no count."), false);
    // The pack is redacted as the provider's request would be: that needs the scanner.
    RedactionSources *sources = m_chat->redaction();
    if (!sources->isReady()) {
        m_waitingForScanner = true;
        Q_EMIT statusMessage(tr("Copy Pack waits for the secret scanner to load…"));
        connect(
            sources, &RedactionSources::loaded, this,
            [this] {
                m_waitingForScanner = false;
                start();
            },
            Qt::SingleShotConnection);
        return;
    }
    start();
}

void CopyPack::start() {
    const prompt::Selection *selection = m_workspace->selection();
    if (!selection || !m_chat || selection->selected(0).files == 0)
        return fail(tr("Nothing to copy: the selection changed while the scanner loaded."));
    // A first question's inputs, whatever the conversation holds: the pack of the selection.
    workspace::OutgoingInputs in = m_chat->outgoingInputs(QString());
    in.snapshot = m_workspace->snapshot();
    in.files = selection->selectedFiles();
    in.format = m_workspace->packFormat();
    const prompt::Totals &totals = selection->selected(0);
    m_tokens = totals.tokens + totals.overhead + m_workspace->fixedOverhead();
    m_exact = m_workspace->countsAreExact();
    m_redacts = in.policy.redact;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    QThreadPool *pool = m_workspace->pool();
    m_watcher.setFuture(QtConcurrent::run(pool, [in, pool, cancel = m_cancel]() -> Written {
        Written out;
        if (cancel->load())
            return out;
        out.pack = workspace::preparePack(in.snapshot, in.files, *in.format, pool, cancel.get(),
                                          in.policy, *in.tokenizer);
        if (out.pack && !cancel->load())
            out.text = QString::fromUtf8(out.pack->text);
        return out;
    }));
    const QLocale loc;
    auto *progress = new QProgressDialog(
        tr("Writing the pack of %1 files…").arg(loc.toString(qint64(in.files.size()))),
        tr("Cancel"), 0, 0, m_window);
    progress->setWindowTitle(tr("Copy Pack to Clipboard"));
    progress->setObjectName(QStringLiteral("copyPackProgress"));
    progress->setWindowModality(Qt::NonModal); // the window stays usable meanwhile
    progress->setMinimumDuration(500);         // small packs are done before it shows
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    connect(progress, &QProgressDialog::canceled, this,
            [cancel = m_cancel] { cancel->store(true); });
    m_progress = progress;
    Q_EMIT statusMessage(tr("Writing the pack for the clipboard…"));
}

void CopyPack::onWritten() {
    if (m_progress) {
        m_progress->disconnect(this);
        m_progress->close();
    }
    Written written = m_watcher.result();
    const bool cancelled = m_cancel && m_cancel->load();
    m_cancel.reset();
    if (cancelled || (!written.pack && written.pack.error().code == Error::Code::Cancelled))
        return fail(tr("Copy cancelled: the clipboard is unchanged."), false);
    if (!written.pack)
        return fail(tr("Could not write the pack: %1").arg(written.pack.error().message));
    const workspace::PreparedPack &pack = *written.pack;
    const qint64 bytes = pack.text.size();
    if (bytes > m_warnBytes) {
        QMessageBox box(QMessageBox::Warning, tr("Copy Pack to Clipboard"), sizeWarning(bytes),
                        QMessageBox::NoButton, m_window);
        box.setObjectName(QStringLiteral("copyPackSizeWarning"));
        QPushButton *copyAnyway = box.addButton(tr("Copy Anyway"), QMessageBox::AcceptRole);
        QPushButton *cancel = box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(cancel);
        box.setEscapeButton(cancel);
        box.exec();
        if (box.clickedButton() != copyAnyway)
            return fail(
                tr("Not copied: the pack (%1) stays out of the clipboard.").arg(formatSize(bytes)),
                false);
    }
    QGuiApplication::clipboard()->setText(written.text);
    const QLocale loc;
    const qint64 tokens = m_tokens + pack.tokenDelta;
    QString message = tr("Copied %1%2 tokens (%3) to the clipboard")
                          .arg(m_exact ? QString() : QStringLiteral("≈"), loc.toString(tokens),
                               formatSize(bytes));
    const int redacted = int(pack.secrets.redacted.size());
    const int sent = int(pack.secrets.warned.size() + pack.secrets.allowed.size());
    if (redacted > 0)
        message +=
            redacted == 1 ? tr("; 1 secret redacted") : tr("; %1 secrets redacted").arg(redacted);
    if (sent > 0)
        message += sent == 1 ? tr("; 1 secret left in (allowed, or redaction is off for this "
                                  "provider)")
                             : tr("; %1 secrets left in (allowed, or redaction is off for this "
                                  "provider)")
                                   .arg(sent);
    if (!pack.problems.isEmpty())
        message += tr("; %1 files skipped").arg(pack.problems.size());
    Q_EMIT statusMessage(message);
    Q_EMIT finished(true);
}

} // namespace reposcope::ui
