// SPDX-License-Identifier: MIT
#include "llm/conversation.h"

#include "prompt/prompttokens.h"

namespace reposcope::llm {

namespace {

// Asked when the previous answer stopped early (dropped connection, Stop, length limit).
constexpr char kContinuePrompt[] =
    "Your previous answer was cut off. Continue exactly where it stopped, without repeating "
    "anything you already wrote.";

} // namespace

Conversation::Conversation(ChatClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client) {
    connect(m_client, &ChatClient::phaseChanged, this, [this](ChatPhase phase) {
        if (m_active < 0)
            return;
        m_turns[m_active].phase = phase;
        m_turns[m_active].stats = m_client->stats();
        Q_EMIT turnUpdated(m_active);
    });
    auto refresh = [this] {
        if (m_active < 0)
            return;
        Turn &turn = m_turns[m_active];
        turn.answer = m_client->text();
        turn.reasoning = m_client->reasoning();
        turn.stats = m_client->stats();
        Q_EMIT turnUpdated(m_active);
    };
    connect(m_client, &ChatClient::deltaReceived, this, refresh);
    connect(m_client, &ChatClient::reasoningReceived, this, refresh);
    connect(m_client, &ChatClient::usageReceived, this, refresh);
    connect(m_client, &ChatClient::promptProgressed, this, refresh);
    connect(m_client, &ChatClient::uploadProgressed, this, refresh);
    connect(m_client, &ChatClient::retryScheduled, this, refresh);
    connect(m_client, &ChatClient::finished, this, &Conversation::onFinished);
}

void Conversation::setPack(QByteArray systemPrompt, QByteArray pack, qint64 packTokens) {
    if (isBusy())
        stop();
    if (pack != m_pack || systemPrompt != m_system)
        m_turns.clear();
    m_system = std::move(systemPrompt);
    m_pack = std::move(pack);
    m_packTokens = packTokens;
}

bool Conversation::isBusy() const {
    return m_active >= 0;
}

void Conversation::ask(const QString &question, const QString &title,
                       const QList<ImagePart> &images) {
    if (isBusy() || question.trimmed().isEmpty())
        return;
    Turn turn;
    turn.question = question;
    turn.title = title;
    turn.images = images;
    m_turns.append(turn);
    start(int(m_turns.size()) - 1);
}

void Conversation::continueLast() {
    if (isBusy() || m_turns.isEmpty() || m_turns.last().complete() ||
        m_turns.last().answer.isEmpty())
        return;
    Turn turn;
    turn.question = QString::fromLatin1(kContinuePrompt);
    turn.title = tr("Continue");
    turn.continuation = true;
    m_turns.append(turn);
    start(int(m_turns.size()) - 1);
}

void Conversation::reaskLast() {
    if (isBusy() || m_turns.isEmpty() || m_turns.last().cleared)
        return;
    Turn &turn = m_turns.last();
    const Turn fresh{turn.question, turn.title};
    QList<ImagePart> images = turn.images;
    const bool continuation = turn.continuation;
    turn = fresh;
    turn.images = std::move(images);
    turn.continuation = continuation;
    start(int(m_turns.size()) - 1);
}

void Conversation::stop() {
    if (isBusy())
        m_client->cancel();
}

void Conversation::explainFailure(int index, const ChatError &error) {
    if (index < 0 || index >= m_turns.size() || m_turns[index].phase != ChatPhase::Failed)
        return;
    m_turns[index].error = error;
    Q_EMIT turnUpdated(index);
}

void Conversation::clear() {
    stop();
    m_turns.clear();
}

int Conversation::questionOf(int turn) const {
    if (turn < 0 || turn >= m_turns.size())
        return -1;
    while (turn > 0 && m_turns[turn].continuation)
        --turn;
    return turn;
}

bool Conversation::answerComplete(int turn) const {
    if (turn < 0 || turn >= m_turns.size())
        return false;
    while (turn + 1 < m_turns.size() && m_turns[turn + 1].continuation)
        ++turn;
    return m_turns[turn].complete();
}

int Conversation::clearFailed() {
    if (isBusy())
        return 0;
    int cleared = 0;
    for (Turn &turn : m_turns) {
        if (!turn.cleared && turn.endedWithoutAnswer()) {
            turn.cleared = true;
            ++cleared;
        }
    }
    return cleared;
}

double Conversation::runningCost() const {
    double sum = 0;
    for (const Turn &turn : m_turns)
        sum += turn.cost.value_or(0.0);
    return sum;
}

int Conversation::historyImageCount() const {
    int count = 0;
    for (const Turn &turn : m_turns)
        if (!turn.answer.isEmpty())
            count += int(turn.images.size());
    return count;
}

std::vector<ChatMessage> Conversation::buildMessages(const QString &question,
                                                     const QList<ImagePart> &images,
                                                     int historyTurns) const {
    std::vector<ChatMessage> messages;
    if (!m_system.isEmpty())
        messages.push_back({ChatMessage::Role::System, m_system, {}});
    // The repository opens the first user message; every later byte follows it, so the
    // prefix (system + pack) is identical in every request of the conversation.
    // The first user message carries the pack as its prefix (never copied to join it).
    bool packSent = false;
    auto userMessage = [this, &packSent](const QString &text, const QList<ImagePart> &images) {
        ChatMessage message{ChatMessage::Role::User,
                            text.toUtf8(),
                            m_target.acceptsImages ? images : QList<ImagePart>{},
                            {}};
        if (!packSent && !m_pack.isEmpty()) {
            packSent = true;
            message.prefix = m_pack;
            message.text.prepend(prompt::kQuestionSeparator);
        }
        return message;
    };
    const int count = std::min<int>(historyTurns, int(m_turns.size()));
    for (int i = 0; i < count; ++i) {
        const Turn &turn = m_turns[i];
        // A question without any answer would break the user/assistant alternation that
        // many chat templates require; it contributed nothing, so it is left out.
        if (turn.answer.isEmpty() || turn.cleared)
            continue;
        messages.push_back(userMessage(turn.question, turn.images));
        messages.push_back({ChatMessage::Role::Assistant, turn.answer.toUtf8(), {}, {}});
    }
    messages.push_back(userMessage(question, images));
    return messages;
}

void Conversation::start(int index) {
    m_active = index;
    Turn &turn = m_turns[index];
    turn.providerId = m_target.providerId;
    turn.model = m_target.model;
    turn.phase = ChatPhase::Preparing;
    turn.maxOutputTokens = m_target.maxOutputTokens;
    turn.startedAt = QDateTime::currentDateTimeUtc();
    turn.promptTokensEstimate =
        m_packTokens + (m_system.size() + turn.question.toUtf8().size()) / 4;
    for (int i = 0; i < index; ++i)
        if (!m_turns[i].answer.isEmpty() && !m_turns[i].cleared) // only what buildMessages sends
            turn.promptTokensEstimate +=
                (m_turns[i].question.size() + m_turns[i].answer.size()) / 4;

    ChatRequestSpec spec;
    spec.endpoint = m_target.endpoint;
    spec.model = m_target.model;
    spec.messages = buildMessages(turn.question, turn.images, index);
    spec.maxTokens = m_target.maxOutputTokens;
    spec.includeUsage = m_target.includeUsage;
    spec.returnProgress = m_target.returnProgress;
    Q_EMIT turnStarted(index);
    m_client->send(std::move(spec));
}

void Conversation::onFinished(ChatPhase outcome) {
    if (m_active < 0)
        return;
    const int index = m_active;
    m_active = -1;
    Turn &turn = m_turns[index];
    turn.phase = outcome;
    turn.answer = m_client->text();
    turn.reasoning = m_client->reasoning();
    turn.stats = m_client->stats();
    turn.error = outcome == ChatPhase::Done ? std::nullopt : m_client->error();
    const TokenUsage &usage = turn.stats.usage;
    const qint64 prompt = usage.promptTokens >= 0 ? usage.promptTokens : turn.promptTokensEstimate;
    const qint64 completion =
        usage.completionTokens >= 0 ? usage.completionTokens : turn.stats.outputTokensEstimate;
    turn.cost =
        requestCost(prompt, completion, m_target.inputPerMillion, m_target.outputPerMillion);
    Q_EMIT turnUpdated(index);
    Q_EMIT turnFinished(index);
}

std::optional<double> requestCost(qint64 promptTokens, qint64 completionTokens,
                                  std::optional<double> inputPerMillion,
                                  std::optional<double> outputPerMillion) {
    if (!inputPerMillion || !outputPerMillion)
        return std::nullopt;
    return (double(std::max<qint64>(promptTokens, 0)) * *inputPerMillion +
            double(std::max<qint64>(completionTokens, 0)) * *outputPerMillion) /
           1e6;
}

} // namespace reposcope::llm
