// SPDX-License-Identifier: MIT
#include "chat/chatpane.h"

#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "chat/chatformat.h"
#include "chat/composeredit.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "transcript/transcriptview.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace reposcope::ui {

namespace {

const QString &skipConfirmationKey() {
    static const QString key = QStringLiteral("chat/sendWithoutConfirmation");
    return key;
}

bool isRunning(llm::ChatPhase phase) {
    using llm::ChatPhase;
    return phase == ChatPhase::Preparing || phase == ChatPhase::Uploading ||
           phase == ChatPhase::Waiting || phase == ChatPhase::Streaming ||
           phase == ChatPhase::Retrying;
}

constexpr int kReadableLines = 6; // the least of the transcript that stays visible

QString defaultSetupHint() {
    return ChatPane::tr("Choose a provider and a model first, and enter its API key if it "
                        "needs one (Settings ▸ Providers…).");
}

} // namespace

ChatPane::ChatPane(QWidget *parent)
    : ChatPane(nullptr, parent) {}

ChatPane::ChatPane(KSyntaxHighlighting::Repository *syntax, QWidget *parent)
    : QWidget(parent)
    , m_transcript(new TranscriptView(syntax, this))
    , m_indicator(new PhaseIndicator(this))
    , m_confirm(new ConfirmStrip(this))
    , m_packChoice(new ConfirmStrip(this, QStringLiteral("chatPackChoice")))
    , m_context(new QLabel(this))
    , m_tasks(new QComboBox(this))
    , m_cost(new QLabel(this))
    , m_composer(new ComposerEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_continue(new QPushButton(tr("Continue"), this))
    , m_reask(new QPushButton(tr("Re-ask"), this))
    , m_copy(new QPushButton(tr("Copy Answer"), this))
    , m_new(new QPushButton(tr("New Conversation"), this)) {
    buildUi();
    updateActions();
}

ChatPane::~ChatPane() = default;

void ChatPane::buildUi() {
    m_tasks->setObjectName(QStringLiteral("chatTaskPicker"));
    m_tasks->addItem(tr("Free question"));
    m_tasks->setToolTip(tr("Start from a task: its prompt fills the composer, where you can "
                           "edit it"));
    m_cost->setObjectName(QStringLiteral("chatCostLabel"));
    m_composer->setObjectName(QStringLiteral("chatComposer"));
    m_composer->setPlaceholderText(tr("Ask about the selected files… (Ctrl+Enter sends)"));
    m_composer->setTabChangesFocus(true);
    m_composer->setMaximumHeight(m_composer->fontMetrics().lineSpacing() * 7);

    m_send->setObjectName(QStringLiteral("chatSendButton"));
    m_stop->setObjectName(QStringLiteral("chatStopButton"));
    m_stop->setToolTip(tr("Stop the request; the partial answer is kept (Esc)"));
    m_continue->setObjectName(QStringLiteral("chatContinueButton"));
    m_continue->setToolTip(tr("Ask the model to continue the incomplete answer "
                              "(Ctrl+Shift+Enter)"));
    m_reask->setObjectName(QStringLiteral("chatReaskButton"));
    m_reask->setToolTip(tr("Send the last question again, replacing its answer (Ctrl+R)"));
    m_copy->setObjectName(QStringLiteral("chatCopyButton"));
    m_copy->setToolTip(tr("Copy the last answer as Markdown (Ctrl+Alt+C)"));
    m_new->setObjectName(QStringLiteral("chatNewButton"));
    m_new->setToolTip(tr("Forget this conversation; the next question packs the current "
                         "selection again"));

    auto *taskRow = new QHBoxLayout;
    taskRow->addWidget(m_tasks, 1);
    taskRow->addWidget(m_cost);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_copy);
    buildAttachments(); // the strip and the attach button, before the key filter below
    buttons->addWidget(m_attach);
    buttons->addStretch(1);
    // Two rows, so that the chat dock fits beside the repository panel and the viewer on a
    // 1280-pixel screen: the conversation's actions, then the request's.
    auto *requestButtons = new QHBoxLayout;
    requestButtons->addStretch(1);
    requestButtons->addWidget(m_reask);
    requestButtons->addWidget(m_continue);
    requestButtons->addWidget(m_stop);
    requestButtons->addWidget(m_send);
    m_context->setObjectName(QStringLiteral("chatContextLine"));
    m_context->setTextFormat(Qt::PlainText);
    m_context->setWordWrap(true);
    m_context->setToolTip(tr("What this conversation is about: the repository and commit its pack "
                             "was written from, its files and tokens"));
    m_context->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_context->hide();
    // However many images the strip holds, the transcript keeps a readable height (the pane's
    // minimum grows instead), and a long error or notice never widens the dock: the phase
    // line wraps within the width it is given (an unbroken token is clipped there; the
    // transcript shows it whole, wrapped anywhere).
    m_transcript->setMinimumHeight(m_transcript->fontMetrics().lineSpacing() * kReadableLines +
                                   2 * m_transcript->frameWidth());
    m_indicator->setSizePolicy(QSizePolicy::Ignored, m_indicator->sizePolicy().verticalPolicy());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_context);
    layout->addWidget(m_transcript, 1);
    layout->addWidget(m_indicator);
    layout->addWidget(m_confirm);
    layout->addWidget(m_packChoice);
    layout->addLayout(taskRow);
    layout->addWidget(m_strip);
    layout->addWidget(m_composer);
    layout->addLayout(buttons);
    layout->addLayout(requestButtons);

    connect(m_send, &QPushButton::clicked, this, &ChatPane::send);
    connect(m_stop, &QPushButton::clicked, this, &ChatPane::stop);
    connect(m_continue, &QPushButton::clicked, this, [this] {
        if (m_continue->isEnabled())
            Q_EMIT continueRequested();
    });
    connect(m_reask, &QPushButton::clicked, this, [this] {
        if (m_reask->isEnabled())
            Q_EMIT reaskRequested();
    });
    connect(m_copy, &QPushButton::clicked, this, &ChatPane::copyAnswer);
    connect(m_new, &QPushButton::clicked, this, &ChatPane::newConversation);
    connect(m_tasks, &QComboBox::activated, this, &ChatPane::pickTask);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ChatPane::updateActions);
    connect(m_confirm, &ConfirmStrip::accepted, this, [this](bool dontAskAgain) {
        m_confirmedProviders.insert(m_target.providerId);
        for (const QByteArray &secret : std::as_const(m_target.secretFingerprints))
            m_confirmedSecrets.insert(secret);
        if (dontAskAgain) {
            QSettings settings;
            QStringList skip = settings.value(skipConfirmationKey()).toStringList();
            if (!skip.contains(m_target.providerId))
                skip << m_target.providerId;
            settings.setValue(skipConfirmationKey(), skip);
        }
        updateActions();
        if (m_send->isEnabled())
            dispatchSend();
    });
    connect(m_confirm, &ConfirmStrip::rejected, this, [this] {
        updateActions();
        m_composer->setFocus();
    });
    connect(m_packChoice, &ConfirmStrip::accepted, this, [this] {
        newConversation(); // the next send packs the current selection
        updateActions();
        if (m_send->isEnabled())
            dispatchSend();
    });
    connect(m_packChoice, &ConfirmStrip::rejected, this, [this] {
        Q_EMIT oldPackChosen();
        updateActions();
        if (m_send->isEnabled())
            dispatchSend();
    });
    connect(m_indicator, &PhaseIndicator::fitToBudgetRequested, this,
            &ChatPane::fitToBudgetRequested);
    // A stalled request offers Stop and Retry; a failed one that another try may fix, Retry.
    connect(m_indicator, &PhaseIndicator::stopRequested, this, &ChatPane::stop);
    connect(m_indicator, &PhaseIndicator::retryRequested, this, [this] {
        if (lastTurnRunning())
            Q_EMIT stopRequested(); // synchronous: the turn ends, kept as stopped
        if (!lastTurnRunning())
            Q_EMIT reaskRequested();
    });
    connect(m_transcript, &TranscriptView::linkActivated, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("reposcope") &&
            url.path() == QLatin1String("fit-to-budget"))
            Q_EMIT fitToBudgetRequested();
        else if (url.scheme() == QLatin1String("reposcope") &&
                 url.path() == QLatin1String("clear-failed"))
            Q_EMIT clearFailedRequested();
        else if (url.scheme() == QLatin1String("reposcope") &&
                 url.path().startsWith(QLatin1String("image/")))
            previewTurnImage(url);
        else
            Q_EMIT linkActivated(url);
    });

    auto shortcut = [this](const QKeySequence &keys, QPushButton *button) {
        auto *action = new QShortcut(keys, this);
        action->setContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QShortcut::activated, button, [button] {
            if (button->isEnabled() && !button->isHidden())
                button->click();
        });
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return), m_continue);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_R), m_reask);
    shortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_C), m_copy);

    // Ctrl+Enter and Esc are handled where the keys arrive (see eventFilter()).
    const QList<QWidget *> children = findChildren<QWidget *>();
    for (QWidget *child : children)
        child->installEventFilter(this);
}

bool ChatPane::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() != QEvent::KeyPress && event->type() != QEvent::ShortcutOverride)
        return QWidget::eventFilter(watched, event);
    if (handleAttachKey(event))
        return true;
    auto *key = static_cast<QKeyEvent *>(event);
    const Qt::KeyboardModifiers modifiers = key->modifiers() & ~Qt::KeypadModifier;
    if (key->key() == Qt::Key_Escape && modifiers == Qt::NoModifier) {
        // Esc is the window's "Cancel Counting" too: take it only when there is something here to
        // stop, so that both keep working.
        const bool confirming = !m_confirm->isHidden();
        if (!confirming && !isBusy())
            return false;
        event->accept();
        if (event->type() == QEvent::KeyPress) {
            if (confirming)
                m_confirm->cancelButton()->click();
            else
                stop();
        }
        return true;
    }
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    if (watched == m_composer && enter && modifiers == Qt::ControlModifier) {
        event->accept();
        if (event->type() == QEvent::KeyPress)
            send();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void ChatPane::setConversation(const llm::Conversation *conversation,
                               const llm::ChatClient *client) {
    for (const QMetaObject::Connection &connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    if (!conversation) {
        setTurns(nullptr);
        return;
    }
    m_sourceConnections
        << connect(conversation, &llm::Conversation::turnStarted, this, &ChatPane::onTurnStarted)
        << connect(conversation, &llm::Conversation::turnUpdated, this, &ChatPane::onTurnUpdated)
        << connect(conversation, &llm::Conversation::turnFinished, this, &ChatPane::onTurnFinished)
        << connect(conversation, &QObject::destroyed, this, [this] { setConversation(nullptr); });
    if (client) {
        m_maxAttempts = client->retryPolicy().maxAttempts;
        m_sourceConnections << connect(client, &llm::ChatClient::retryScheduled, this,
                                       [this](int next, int delayMs, const llm::ChatError &why) {
                                           showRetry(next, delayMs, why);
                                       });
        m_sourceConnections << connect(client, &llm::ChatClient::dataArrived, m_indicator,
                                       &PhaseIndicator::noteData);
    }
    bindTurns(&conversation->turns());
}

void ChatPane::setTurns(const QList<llm::Turn> *turns) {
    for (const QMetaObject::Connection &connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    bindTurns(turns);
}

void ChatPane::bindTurns(const QList<llm::Turn> *turns) {
    m_turns = turns;
    m_pending.reset();
    m_composer->setReadOnly(false);
    m_sentTurn = -1;
    m_transcript->setTurns(turns);
    if (const llm::Turn *last = lastTurn())
        m_indicator->setTurn(*last);
    else
        m_indicator->reset();
    updateActions();
    updateCost();
}

void ChatPane::reload() {
    m_packChoice->hide(); // the turn list changed: the question it asked is moot
    m_transcript->renderAll();
    if (const llm::Turn *last = lastTurn(); last && !last->cleared)
        m_indicator->setTurn(*last);
    else if (!m_pending)
        m_indicator->reset();
    updateActions();
    updateCost();
}

void ChatPane::setTargetSummary(const ChatTargetSummary &target) {
    m_target = target;
    m_context->setText(target.contextLine);
    m_context->setVisible(!target.contextLine.isEmpty());
    m_context->setStyleSheet(target.contextWarning ? QStringLiteral("QLabel { color: #b9770e; }")
                                                   : QString());
    if (!m_confirm->isHidden())
        m_confirm->refresh(target); // e.g. secrets allowed in the review list meanwhile
    updateActions();
}

void ChatPane::setTaskTemplates(const QList<ChatTaskTemplate> &templates) {
    m_templates = templates;
    m_tasks->clear();
    m_tasks->addItem(tr("Free question"));
    for (const ChatTaskTemplate &task : templates)
        m_tasks->addItem(task.title, task.id);
}

void ChatPane::setEtaEstimator(PhaseIndicator::EtaEstimator estimator) {
    m_indicator->setEtaEstimator(std::move(estimator));
}

void ChatPane::rejectSend(const QString &reason) {
    if (m_pending) {
        m_pending.reset();
        m_composer->setReadOnly(false);
    }
    m_indicator->showNotice(tr("Not sent: %1").arg(reason), true);
    updateActions();
}

void ChatPane::askPackChoice(const QString &text) {
    if (m_pending) {
        m_pending.reset();
        m_composer->setReadOnly(false);
    }
    m_indicator->showNotice(tr("Not sent yet: choose below which pack the question goes with."),
                            false);
    m_packChoice->askChoice(text, tr("New Conversation"), tr("Send with the Old Pack"));
    updateActions();
}

void ChatPane::showPreparing(const QString &detail) {
    m_indicator->showPreparing(detail);
}

void ChatPane::showRetry(int nextAttempt, int delayMs, const llm::ChatError &why) {
    m_indicator->setRetry(nextAttempt, std::max(m_maxAttempts, nextAttempt), delayMs, why);
}

void ChatPane::onTurnStarted(int index) {
    if (!m_turns || index < 0 || index >= m_turns->size())
        return;
    m_transcript->onTurnStarted(index);
    const llm::Turn &turn = (*m_turns)[index];
    m_indicator->turnStarted(turn);
    if (m_pending && !turn.continuation) {
        // The request is under way: only now may the composer forget the question.
        if (m_composer->toPlainText() == *m_pending)
            m_composer->clear();
        m_pending.reset();
        m_composer->setReadOnly(false);
        m_sentTurn = index;
        m_tasks->setCurrentIndex(0);
    }
    updateActions();
    updateCost();
}

void ChatPane::onTurnUpdated(int index) {
    if (!m_turns || index < 0 || index >= m_turns->size())
        return;
    m_transcript->onTurnUpdated(index);
    if (index != m_turns->size() - 1)
        return;
    const llm::Turn &turn = (*m_turns)[index];
    const bool phaseChanged = turn.phase != m_indicator->phase();
    m_indicator->setTurn(turn);
    if (phaseChanged)
        updateActions();
}

void ChatPane::onTurnFinished(int index) {
    if (!m_turns || index < 0 || index >= m_turns->size())
        return;
    m_transcript->onTurnFinished(index);
    const llm::Turn &turn = (*m_turns)[index];
    if (index == m_turns->size() - 1)
        m_indicator->setTurn(turn);
    // Failed or stopped before a single token: give the question back if the composer is still
    // empty, so it can be edited and sent again.
    const bool nothingCame =
        (turn.phase == llm::ChatPhase::Failed || turn.phase == llm::ChatPhase::Cancelled) &&
        turn.answer.isEmpty();
    if (index == m_sentTurn && nothingCame && m_composer->toPlainText().isEmpty())
        m_composer->setPlainText(turn.question);
    updateActions();
    updateCost();
}

bool ChatPane::isBusy() const {
    return m_pending.has_value() || lastTurnRunning();
}

QString ChatPane::composerText() const {
    return m_composer->toPlainText();
}

void ChatPane::setComposerText(const QString &text) {
    m_composer->setPlainText(text);
}

QString ChatPane::lastAnswerMarkdown() const {
    if (!m_turns)
        return {};
    // The newest turn with an answer (a question still waiting has none yet), joined with the turns
    // it continues.
    qsizetype last = m_turns->size() - 1;
    while (last >= 0 && (*m_turns)[last].answer.isEmpty())
        --last;
    if (last < 0)
        return {};
    qsizetype first = last;
    while (first > 0 && (*m_turns)[first].continuation)
        --first;
    QString answer;
    for (qsizetype i = first; i <= last; ++i)
        answer += (*m_turns)[i].answer;
    return answer;
}

const llm::Turn *ChatPane::lastTurn() const {
    return m_turns && !m_turns->isEmpty() ? &m_turns->last() : nullptr;
}

bool ChatPane::lastTurnRunning() const {
    const llm::Turn *last = lastTurn();
    return last && isRunning(last->phase);
}

bool ChatPane::needsConfirmation() const {
    // Secrets no earlier confirmation covered are a reason to ask, "don't ask again" or not,
    // local or remote (a local send warns: they go as they are).
    for (const QByteArray &secret : m_target.secretFingerprints)
        if (!m_confirmedSecrets.contains(secret))
            return true;
    if (!m_target.remote || m_confirmedProviders.contains(m_target.providerId))
        return false;
    return !QSettings().value(skipConfirmationKey()).toStringList().contains(m_target.providerId);
}

void ChatPane::send() {
    updateActions();
    if (!m_send->isEnabled() || m_send->isHidden())
        return;
    if (needsConfirmation()) {
        m_confirm->ask(m_target);
        updateActions();
        return;
    }
    dispatchSend();
}

void ChatPane::dispatchSend() {
    const QString question = m_composer->toPlainText();
    const int task = m_tasks->currentIndex();
    const QString title =
        task > 0 && task <= m_templates.size() ? m_templates[task - 1].title : QString();
    m_pending = question;
    m_composer->setReadOnly(true); // what is sent is what the composer shows
    m_indicator->showPreparing();
    updateActions();
    // The owner may start the turn (or refuse) before this returns.
    Q_EMIT sendRequested(question, title);
}

void ChatPane::stop() {
    if (m_pending) {
        m_pending.reset();
        m_composer->setReadOnly(false);
        m_indicator->showNotice(tr("Stopped before sending; the question is still in the "
                                   "composer."),
                                false);
        updateActions();
        Q_EMIT stopRequested();
        return;
    }
    if (lastTurnRunning())
        Q_EMIT stopRequested();
}

void ChatPane::copyAnswer() {
    const QString answer = lastAnswerMarkdown();
    if (!answer.isEmpty())
        QApplication::clipboard()->setText(answer);
}

void ChatPane::newConversation() {
    m_packChoice->hide();
    m_pending.reset();
    m_composer->setReadOnly(false);
    m_sentTurn = -1;
    Q_EMIT newConversationRequested();
    m_indicator->reset();
    reload();
}

void ChatPane::pickTask(int index) {
    if (index <= 0 || index > m_templates.size())
        return;
    const QString current = m_composer->toPlainText();
    bool typed = !current.trimmed().isEmpty();
    for (const ChatTaskTemplate &task : std::as_const(m_templates))
        typed = typed && current != task.prompt;
    // An undoable edit, so text the user typed is one Ctrl+Z away.
    QTextCursor cursor(m_composer->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(m_templates[index - 1].prompt);
    cursor.endEditBlock();
    m_composer->setFocus();
    if (typed && !isBusy())
        m_indicator->showNotice(tr("The task's prompt replaced your text; Ctrl+Z in the "
                                   "composer brings it back."),
                                false);
}

void ChatPane::updateActions() {
    const bool busy = isBusy();
    const bool confirming = !m_confirm->isHidden() || !m_packChoice->isHidden();
    const llm::Turn *last = lastTurn();
    const bool hasText = !m_composer->toPlainText().trimmed().isEmpty();
    const bool preparing = m_attachments && m_attachments->isPreparing();
    // Hide before showing: Send and Stop take turns in one place, and a moment with both
    // visible would widen the row, and with it the dock, for good.
    (busy ? m_send : m_stop)->hide();
    (busy ? m_stop : m_send)->show();
    const bool blocked = !m_target.blockedReason.isEmpty();
    m_send->setEnabled(m_target.configured && !blocked && hasText && !confirming && !busy &&
                       !preparing);
    // Why Send cannot be used is said on the status line too, not only in a tooltip.
    const QString setupHint =
        m_target.setupHint.isEmpty() ? defaultSetupHint() : m_target.setupHint;
    m_indicator->setIdleHint(!m_target.configured ? setupHint : m_target.blockedReason);
    if (!m_target.configured)
        m_send->setToolTip(setupHint);
    else if (blocked)
        m_send->setToolTip(m_target.blockedReason);
    else if (!hasText)
        m_send->setToolTip(tr("Type a question, or pick a task above"));
    else
        m_send->setToolTip(sendToolTip());
    m_continue->setEnabled(!busy && m_target.configured && last && !last->complete() &&
                           !last->answer.isEmpty());
    m_reask->setEnabled(!busy && m_target.configured && last && !last->cleared);
    m_indicator->setRetryAvailable(m_reask->isEnabled());
    m_copy->setEnabled(m_turns &&
                       std::any_of(m_turns->cbegin(), m_turns->cend(),
                                   [](const llm::Turn &turn) { return !turn.answer.isEmpty(); }));
    m_new->setEnabled(last || busy);
    m_tasks->setEnabled(!m_composer->isReadOnly());
    updateAttachActions();
}

void ChatPane::updateCost() {
    if (!m_turns) {
        m_cost->clear();
        return;
    }
    double sum = 0;
    bool known = false;
    for (const llm::Turn &turn : *m_turns) {
        if (turn.cost) {
            sum += *turn.cost;
            known = true;
        }
    }
    m_cost->setText(known ? tr("Conversation: %1").arg(chatformat::cost(sum)) : QString());
}

} // namespace reposcope::ui
