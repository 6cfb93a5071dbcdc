// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "llm/conversation.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <optional>

class QNetworkAccessManager;

namespace reposcope::llm {
class EngineSupervisor;
class LatencyModel;
class ProviderProbe;
} // namespace reposcope::llm
namespace reposcope::prompt {
class TaskTemplates;
}
namespace reposcope::security {
class ApiKeyStore;
struct KeyLookup;
} // namespace reposcope::security
namespace reposcope::tokenize {
class CorrectionStore;
}
namespace reposcope::workspace {
class ChatSession;
class SecretIndex;
struct OutgoingInputs;
struct RedactionPolicy;
class Workspace;
} // namespace reposcope::workspace

namespace reposcope::ui {

class AttachmentController;
class BudgetMeter;
class ChatPane;
class RedactionSources;

// What the chat needs from the application, built once in app/ and injected.
struct ChatServices {
    workspace::Workspace *workspace = nullptr;
    QNetworkAccessManager *network = nullptr;
    llm::ModelCatalog *catalog = nullptr;
    security::ApiKeyStore *keys = nullptr;            // optional: environment variables only
    llm::LatencyModel *latency = nullptr;             // optional: no ETA learning
    tokenize::CorrectionStore *corrections = nullptr; // optional
    const prompt::TaskTemplates *tasks = nullptr;     // optional
    llm::EngineSupervisor *engine = nullptr;          // optional: the "local" provider's engine
    workspace::SecretIndex *secrets = nullptr;        // optional: the strip counts no secrets
};

// Wires the chat pane to a ChatSession for the provider and model chosen in the budget
// meter: resolves the endpoint and key (keychain, then the environment), reads the live
// context cap where the server states it, keeps the pane's "what leaves the machine"
// summary current, and learns from every finished request (time to first token for the
// ETA, reported prompt tokens for the count correction). Not a widget; UI thread only.
class ChatController : public QObject {
    Q_OBJECT
public:
    ChatController(const ChatServices &services, BudgetMeter *budget, ChatPane *pane,
                   QObject *parent = nullptr);
    ~ChatController() override;

    workspace::ChatSession *session() const { return m_session; }
    // The images of the next question (owned), prepared for the chosen model; they go with the
    // next send and are cleared once its turn starts.
    AttachmentController *attachments() const { return m_attachments; }
    // Re-reads the provider/model/key (after the Providers dialog changed them).
    void refreshTarget();
    // Re-computes the pane's summary (selection totals changed).
    void refreshSummary();
    // Re-reads the audit templates (after they were edited).
    void reloadTasks();
    // The privacy guard (chatcontrolleroutgoing.cpp): the scanner and allow list of the open
    // repository (owned), the policy the next request gets (the chosen provider's redaction
    // setting), and what "What leaves the machine" builds the next request from.
    RedactionSources *redaction() const { return m_redaction; }
    workspace::RedactionPolicy redactionPolicy() const;
    workspace::OutgoingInputs outgoingInputs(const QString &question) const;

Q_SIGNALS:
    // A correction for approximate counts was learned (the budget meter shows it).
    void correctionLearned();

private:
    void onKeyLookedUp(const security::KeyLookup &lookup);
    void applyLiveVision(std::optional<bool> vision);
    void applyTarget(const llm::ProviderEntry &provider, const llm::ModelEntry *model,
                     const QString &key, const QString &keySource);
    void readLiveCap(const llm::ProviderEntry &provider, const QString &model);
    // The "local" provider: the engine's endpoint once it is ready, else what to do.
    void applyLocalTarget(const llm::ProviderEntry &provider);
    void onEngineChanged();
    void onSend(const QString &question, const QString &title);
    void onTurnCompleted(int index, qint64 countedPromptTokens);
    // What the window shows when Send is pressed (chatcontrollerpack.cpp): the reserve, the
    // cap and whether the model reads images go into the target before every request.
    void syncTarget();
    // Why no request can be sent now (no repository, nothing selected, counting, over the
    // cap); "" when one can.
    QString sendBlockedReason() const;
    // "prompt 7,900 + reserve 1,024 = 8,924 tokens > context 8,192: <what to do>".
    QString overCapText() const;
    // The chat's header line; `warning` is set when it carries a note to act on.
    QString contextLine(bool *warning) const;
    // The follow-up would send a pack written from another selection: ask first. True when
    // the send waits for the answer.
    bool askAboutOldPack();
    void onConversationClosed(const QString &previous, int turns);
    // A follow-up the server refused as over the context: the turn's error says how the
    // history, the reserve and the context add up, and that a new conversation helps.
    void explainFollowUpOverflow(int index);
    // A local request that failed and an engine crash, in either order within a few seconds,
    // are one event: the turn's error names the crash (chatcontroller_engine.cpp).
    void onEngineCrashed();
    void noteLocalFailure(int index);
    void explainEngineCrash(int index, bool restarted);

    struct EngineCrashWatch {
        QElapsedTimer crashAt;  // valid: a crash not yet tied to a turn
        QElapsedTimer failedAt; // valid: a failed local turn not yet explained
        int failedTurn = -1;
        int explainedTurn = -1; // told "is restarting": told again once the engine is ready
    };
    EngineCrashWatch m_crash;

    ChatServices m_services;
    BudgetMeter *m_budget;
    ChatPane *m_pane;
    workspace::ChatSession *m_session;
    llm::ProviderProbe *m_probe;
    AttachmentController *m_attachments;
    RedactionSources *m_redaction;
    bool m_imagesInFlight = false; // images went with a send whose turn has not started
    bool m_keepOldPack = false;    // the user chose to send follow-ups with the old pack
    quint64 m_capRequest = 0;
    llm::ModelEntry m_liveModel; // the chosen model as the live server describes it (vision)
    QString m_pendingProvider;   // the provider whose key lookup is in flight
    bool m_targetReady = false;
    bool m_remote = false;
    QString m_setupHint;
};

} // namespace reposcope::ui
