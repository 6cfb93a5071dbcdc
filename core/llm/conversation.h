// SPDX-License-Identifier: MIT
#pragma once

#include "llm/client/chatclient.h"
#include "llm/stream/answerend.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace reposcope::llm {

// What a conversation is sent to: resolved from the catalog, the live server and the
// key store by the caller.
struct ChatTarget {
    Endpoint endpoint;
    QString providerId;
    QString model;
    qint64 contextCap = 0;
    int maxOutputTokens = 0;
    std::optional<double> inputPerMillion; // unknown price: no cost shown
    std::optional<double> outputPerMillion;
    bool includeUsage = true;
    bool returnProgress = false;
    // False for a model without vision: no request carries image parts, neither the new
    // question's nor those of earlier turns (the turns keep them for the transcript).
    bool acceptsImages = true;
};

// One question and its answer, with the figures of the request that produced it. Kept in
// the transcript whatever the outcome: a failed or stopped turn keeps its partial answer.
struct Turn {
    QString question; // as sent
    QString title;    // task template title, or "" for a free question
    QString answer;
    QString reasoning;
    ChatPhase phase = ChatPhase::Idle; // live phase; Done/Failed/Cancelled at the end
    std::optional<ChatError> error;
    ChatStats stats;
    std::optional<double> cost; // dollars, from usage (or estimates) and the prices
    QString providerId;
    QString model;
    qint64 promptTokensEstimate = 0; // what RepoScope counted before sending
    QList<ImagePart> images;
    bool continuation = false; // this turn continues the previous partial answer
    QDateTime startedAt;       // UTC, when the request was started
    bool cleared = false;      // removed from view by clearFailed(): not shown, never sent
    int maxOutputTokens = 0;   // what the request kept for the answer (0: server's default)
    // How a Done turn ended (Complete for the other phases, whose error says the rest).
    AnswerEnd end() const {
        return phase == ChatPhase::Done ? answerEnd(answer, reasoning, stats.finishReason)
                                        : AnswerEnd::Complete;
    }
    // Done, and not stopped by the output token limit: a cut-off answer can be continued.
    bool complete() const { return phase == ChatPhase::Done && !isIncomplete(end()); }
    // Ended (failed or stopped) before any answer arrived: nothing of it is sent again.
    bool endedWithoutAnswer() const {
        return (phase == ChatPhase::Failed || phase == ChatPhase::Cancelled) && answer.isEmpty();
    }
};

// A multi-turn conversation about one pack. The first user message is the pack (system
// prompt + repository), byte-identical across turns so prefix caches stay warm; each turn
// adds the previous questions and answers, then the new question. Owns no network: it
// drives an injected ChatClient (one request at a time) and records each turn's figures.
class Conversation : public QObject {
    Q_OBJECT
public:
    explicit Conversation(ChatClient *client, QObject *parent = nullptr);

    // Freezes the pack for this conversation. Changing it starts a new conversation.
    void setPack(QByteArray systemPrompt, QByteArray pack, qint64 packTokens);
    bool hasPack() const { return !m_pack.isEmpty(); }
    qint64 packTokens() const { return m_packTokens; }
    void setTarget(const ChatTarget &target) { m_target = target; }
    const ChatTarget &target() const { return m_target; }

    // Sends a new question (no-op while busy). `title` names the task template.
    void ask(const QString &question, const QString &title = QString(),
             const QList<ImagePart> &images = {});
    // Asks the model to continue the last, incomplete answer.
    void continueLast();
    // Sends the last question again, replacing its answer.
    void reaskLast();
    void stop();
    void clear(); // forget the turns, keep the pack
    // Marks every turn that ended without any answer as cleared (no answer text is lost;
    // indices stay as they are); returns how many. No-op while busy.
    int clearFailed();
    // Replaces the error of failed turn `index` with what its caller learned later (the local
    // engine died, so the "closed connection" was a crash); emits turnUpdated. No-op for a turn
    // that did not fail.
    void explainFailure(int index, const ChatError &error);

    bool isBusy() const;
    const QList<Turn> &turns() const { return m_turns; }
    // The turn that asked the question `turn` answers: `turn` itself, or for a continuation
    // the turn it continues (through any chain of continuations). -1 when out of range.
    int questionOf(int turn) const;
    // Whether the answer `turn` belongs to ended complete: the last turn of its chain of
    // continuations is Done.
    bool answerComplete(int turn) const;
    double runningCost() const;

    // Images of earlier answered turns, which a follow-up resends when the target accepts
    // images and leaves out when it does not.
    int historyImageCount() const;

    // The messages a request for `question` would carry (exposed for tests and the CLI).
    std::vector<ChatMessage> buildMessages(const QString &question, const QList<ImagePart> &images,
                                           int historyTurns) const;

Q_SIGNALS:
    void turnStarted(int index);
    void turnUpdated(int index); // delta, phase or figures changed
    void turnFinished(int index);

private:
    void start(int index);
    void onFinished(ChatPhase outcome);

    ChatClient *m_client;
    ChatTarget m_target;
    QByteArray m_system;
    QByteArray m_pack;
    qint64 m_packTokens = 0;
    QList<Turn> m_turns;
    int m_active = -1;
};

// Dollars for a request: prompt and completion tokens against the prices. Empty when a
// price is unknown.
std::optional<double> requestCost(qint64 promptTokens, qint64 completionTokens,
                                  std::optional<double> inputPerMillion,
                                  std::optional<double> outputPerMillion);

} // namespace reposcope::llm
