// SPDX-License-Identifier: MIT
#pragma once

#include "widgets/confirmstrip.h"
#include "widgets/phaseindicator.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QMimeData;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QUrl;

namespace KSyntaxHighlighting {
class Repository;
}
namespace reposcope::llm {
class ChatClient;
class Conversation;
struct ChatError;
struct Turn;
} // namespace reposcope::llm

namespace reposcope::ui {

class AttachmentController;
class AttachmentStrip;
class ComposerEdit;
class TranscriptView;

/// A task the picker offers: picking it fills the composer with `prompt` (editable).
struct ChatTaskTemplate {
    QString id;
    QString title;
    QString prompt;
};

/// The chat panel: the transcript on top, the phase indicator, the confirmation strip (hidden until
/// needed), the task picker with the conversation's running cost, the composer and its buttons.
///
/// Design: the pane is a view that emits intents; it never drives the conversation itself. It
/// observes a turn list (setConversation(), or setTurns() plus the three onTurn* slots) and reports
/// what the user wants through signals the owner wires to the ChatSession / Conversation:
///   sendRequested(question, title) -> write the pack if needed, then Conversation::ask();
///                                     refused or failed before asking: rejectSend(why)
///   stopRequested()                -> stop the pack writing or the request (Esc, Stop)
///   continueRequested()            -> Conversation::continueLast()
///   reaskRequested()               -> Conversation::reaskLast()
///   newConversationRequested()     -> forget the turns (the pane reloads right after)
///   clearFailedRequested()         -> Conversation::clearFailed(), then reload()
///   fitToBudgetRequested()         -> deselect until the pack fits (context overflow)
/// Sending goes through the owner because only it can write the pack (asynchronously); the pane
/// shows "Building the request…" meanwhile. The composer is cleared only when the turn actually
/// starts (turnStarted), kept when the send is refused or stopped first, and given back when the
/// request fails before any answer arrived.
///
/// Before the first send to a remote provider (per provider, per pane) the confirmation strip shows
/// what leaves the machine; "Don't ask again" is kept in QSettings under
/// "chat/sendWithoutConfirmation" (a list of provider ids). Without a configured target Send is
/// disabled and its tooltip says what to do.
///
/// Images: with setAttachments() the pane hosts the attachment strip above the composer, an
/// "Attach image…" button (Ctrl+Shift+I while the focus is in the pane), and takes image files
/// dropped on the pane or the composer and images or image files pasted into the composer. Without
/// a vision model attaching is disabled and the button's tooltip says why. Send waits (disabled)
/// while an image is being prepared; image links of the transcript ("reposcope:image/TURN/INDEX")
/// open the preview.
///
/// Keys (while focus is in the pane): Ctrl+Enter sends (Enter is a newline), Esc stops (only while
/// something runs: otherwise it reaches the window, where it cancels counting), Ctrl+Shift+Enter
/// continues, Ctrl+R re-asks, Ctrl+Alt+C copies the last answer as Markdown (Ctrl+Shift+C belongs
/// to Select ▸ Changed Since). UI thread only.
class ChatPane : public QWidget {
    Q_OBJECT
public:
    /// Without a syntax repository code blocks are shown unhighlighted.
    explicit ChatPane(QWidget *parent = nullptr);
    /// `syntax` is not owned and must outlive the pane (one Repository per process).
    explicit ChatPane(KSyntaxHighlighting::Repository *syntax, QWidget *parent = nullptr);
    ~ChatPane() override;

    /// Shows `conversation`'s turns and follows its signals; `client` (optional) adds the retry
    /// countdown (ChatClient::retryScheduled and its policy's attempt count). Neither is owned;
    /// both must outlive the pane or be unset (null) first.
    void setConversation(const llm::Conversation *conversation,
                         const llm::ChatClient *client = nullptr);
    /// Shows a turn list that is not a Conversation's (tests); changes are reported through
    /// onTurnStarted / onTurnUpdated / onTurnFinished.
    void setTurns(const QList<llm::Turn> *turns);

    void setTargetSummary(const ChatTargetSummary &target);
    const ChatTargetSummary &targetSummary() const { return m_target; }
    void setTaskTemplates(const QList<ChatTaskTemplate> &templates);
    void setEtaEstimator(PhaseIndicator::EtaEstimator estimator);

    /// The owner could not start the request the pane asked for (no repository, nothing selected,
    /// the pack failed): the question stays in the composer, `reason` is shown.
    void rejectSend(const QString &reason);
    /// The selection changed since the conversation's pack was written: the question stays in the
    /// composer and the pack-choice strip asks (`text`): "New Conversation" starts one (as the
    /// button does) and sends the question with the current selection; "Send with the Old Pack"
    /// emits oldPackChosen() and sends the question as a follow-up.
    void askPackChoice(const QString &text);
    ConfirmStrip *packChoiceStrip() const { return m_packChoice; }
    /// The pack is being written: "Building the request: <detail>…".
    void showPreparing(const QString &detail);
    /// A retry of the running request is scheduled (wired by setConversation's client).
    void showRetry(int nextAttempt, int delayMs, const llm::ChatError &why);
    void setMaxAttempts(int attempts) { m_maxAttempts = attempts; }

    void onTurnStarted(int index);
    void onTurnUpdated(int index);
    void onTurnFinished(int index);
    /// Re-reads the whole turn list (after it was cleared or replaced).
    void reload();

    /// A send is waiting for its turn to start, or the last turn is running.
    bool isBusy() const;
    QString composerText() const;
    void setComposerText(const QString &text);
    /// The newest answer as Markdown (while a question waits, the one before), with the answers it
    /// continues joined in front.
    QString lastAnswerMarkdown() const;

    /// The images of the next question (not owned; must outlive the pane or be unset first).
    void setAttachments(AttachmentController *attachments);
    AttachmentController *attachments() const { return m_attachments; }
    AttachmentStrip *attachmentStrip() const { return m_strip; }
    /// Opens the file dialog and attaches the chosen images (Ctrl+Shift+I).
    void chooseImages();

    TranscriptView *transcript() const { return m_transcript; }
    PhaseIndicator *phaseIndicator() const { return m_indicator; }
    ConfirmStrip *confirmStrip() const { return m_confirm; }

Q_SIGNALS:
    void sendRequested(const QString &question, const QString &title);
    void stopRequested();
    void continueRequested();
    void reaskRequested();
    void newConversationRequested();
    /// Asked by askPackChoice(), the user keeps the old pack for this conversation.
    void oldPackChosen();
    /// "Clear failed turns" was clicked under a turn that ended without an answer.
    void clearFailedRequested();
    void fitToBudgetRequested();
    /// An anchor in an answer was clicked (path:line links arrive here).
    void linkActivated(const QUrl &url);

protected:
    bool event(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildUi();
    void fitMinimumToWrappedLines();
    void bindTurns(const QList<llm::Turn> *turns);
    void send();
    void dispatchSend();
    void stop();
    void copyAnswer();
    void newConversation();
    void pickTask(int index);
    void updateActions();
    void updateCost();
    bool needsConfirmation() const;
    bool lastTurnRunning() const;
    const llm::Turn *lastTurn() const;
    // Attachments (chatpaneattachments.cpp).
    void buildAttachments();
    void attachMimeData(const QMimeData *mime);
    void updateAttachActions();
    bool handleAttachKey(QEvent *event);
    void previewTurnImage(const QUrl &url);
    QString sendToolTip() const;

    TranscriptView *m_transcript;
    PhaseIndicator *m_indicator;
    ConfirmStrip *m_confirm;
    ConfirmStrip *m_packChoice;
    QLabel *m_context; // the conversation's repository, commit and selection
    QComboBox *m_tasks;
    QLabel *m_cost;
    ComposerEdit *m_composer;
    QPushButton *m_send;
    QPushButton *m_stop;
    QPushButton *m_continue;
    QPushButton *m_reask;
    QPushButton *m_copy;
    QPushButton *m_new;
    AttachmentStrip *m_strip = nullptr;
    QToolButton *m_attach = nullptr;
    AttachmentController *m_attachments = nullptr;
    QMetaObject::Connection m_attachmentsConnection;

    const QList<llm::Turn> *m_turns = nullptr;
    QList<QMetaObject::Connection> m_sourceConnections;
    ChatTargetSummary m_target;
    QList<ChatTaskTemplate> m_templates;
    QSet<QString> m_confirmedProviders;  // confirmed in this session
    QSet<QByteArray> m_confirmedSecrets; // fingerprints of secrets a confirmation covered
    std::optional<QString> m_pending;    // the question of a send whose turn has not started
    QString m_pendingTitle;
    int m_sentTurn = -1; // the turn our last send started
    int m_maxAttempts = 0;
};

} // namespace reposcope::ui
