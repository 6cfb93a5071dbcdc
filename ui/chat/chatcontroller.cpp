// SPDX-License-Identifier: MIT
#include "chat/chatcontroller.h"
#include "budget/uncountedconfirm.h"

#include "attachments/attachmentcontroller.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "llm/catalog/latencymodel.h"
#include "llm/catalog/redactiondefault.h"
#include "llm/client/providerendpoint.h"
#include "llm/client/providerprobe.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"
#include "privacy/redactionsources.h"
#include "privacy/secretsguard.h"
#include "prompt/tasktemplates.h"
#include "security/apikeystore.h"
#include "tokenize/correctionstore.h"
#include "workspace/chatsession.h"
#include "workspace/secretindex.h"
#include "workspace/workspace.h"

#include <QFileInfo>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

ChatController::ChatController(const ChatServices &services, BudgetMeter *budget, ChatPane *pane,
                               QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_budget(budget)
    , m_pane(pane)
    , m_session(new workspace::ChatSession(services.workspace, services.network, this))
    , m_probe(new llm::ProviderProbe(services.network, this))
    , m_attachments(new AttachmentController(services.workspace->pool(), this))
    , m_redaction(new RedactionSources(services.workspace, this)) {
    m_pane->setConversation(m_session->conversation(), m_session->client());
    m_pane->setMaxAttempts(m_session->client()->retryPolicy().maxAttempts);
    m_pane->setAttachments(m_attachments);
    connect(m_attachments, &AttachmentController::tokensChanged, m_budget,
            &BudgetMeter::setImageTokens);
    // The images belong to the turn once it starts; a send refused or failed before keeps them.
    connect(m_session->conversation(), &llm::Conversation::turnStarted, this, [this] {
        if (std::exchange(m_imagesInFlight, false))
            m_attachments->clear();
    });
    connect(m_session, &workspace::ChatSession::packFailed, this,
            [this] { m_imagesInFlight = false; });
    reloadTasks();
    m_pane->setEtaEstimator([this](qint64 promptTokens) -> std::optional<qint64> {
        if (!m_services.latency)
            return std::nullopt;
        const llm::ChatTarget &target = m_session->target();
        return m_services.latency->estimateMs(
            llm::LatencyModel::backendKey(target.providerId, target.model), promptTokens);
    });

    if (workspace::SecretIndex *secrets = services.secrets) {
        // The strip's secret count follows the scan and the allow list.
        connect(secrets, &workspace::SecretIndex::hitsFound, this, &ChatController::refreshSummary);
        connect(secrets, &workspace::SecretIndex::scanFinished, this,
                &ChatController::refreshSummary);
        // One allow list: what the review list changes is what the next request applies.
        connect(secrets, &workspace::SecretIndex::allowListChanged, this, [this, secrets] {
            m_redaction->setAllowList(secrets->allowList());
            refreshSummary();
        });
        connect(secrets, &workspace::SecretIndex::cleared, this, &ChatController::refreshSummary);
    }
    connect(m_pane, &ChatPane::sendRequested, this, &ChatController::onSend);
    connect(m_pane, &ChatPane::stopRequested, m_session, &workspace::ChatSession::stop);
    connect(m_pane, &ChatPane::continueRequested, this, [this] {
        syncTarget();
        m_session->conversation()->continueLast();
    });
    connect(m_pane, &ChatPane::reaskRequested, this, [this] {
        syncTarget();
        m_session->conversation()->reaskLast();
    });
    connect(m_pane, &ChatPane::clearFailedRequested, this, [this] {
        if (m_session->conversation()->clearFailed() > 0)
            m_pane->reload();
    });
    connect(m_pane, &ChatPane::newConversationRequested, this, [this] {
        m_session->newConversation();
        m_redaction->reloadAllowList(); // a new conversation sends with the list as it is now
        m_keepOldPack = false;
        m_pane->reload();
        refreshSummary();
    });
    connect(m_pane, &ChatPane::oldPackChosen, this, [this] {
        m_keepOldPack = true;
        refreshSummary();
    });
    connect(m_session, &workspace::ChatSession::conversationClosed, this,
            &ChatController::onConversationClosed);
    connect(m_session, &workspace::ChatSession::packReady, this, [this] {
        m_keepOldPack = false;
        refreshSummary();
    });
    // The header and the reason Send waits follow the selection, the counts and the meter.
    connect(m_budget, &BudgetMeter::figuresChanged, this, &ChatController::refreshSummary);
    connect(services.workspace, &workspace::Workspace::countStateChanged, this,
            &ChatController::refreshSummary);
    connect(services.workspace, &workspace::Workspace::opened, this,
            &ChatController::refreshSummary);
    connect(m_redaction, &RedactionSources::loaded, this, &ChatController::refreshSummary);
    connect(m_pane, &ChatPane::fitToBudgetRequested, m_budget, &BudgetMeter::requestFit);
    connect(m_session, &workspace::ChatSession::packPreparing, this, [this](int files) {
        m_pane->showPreparing(tr("packing %Ln file(s)", nullptr, files));
    });
    connect(m_session, &workspace::ChatSession::packFailed, this,
            [this](const QString &message) { m_pane->rejectSend(message); });
    connect(m_session, &workspace::ChatSession::turnCompleted, this,
            &ChatController::onTurnCompleted);
    connect(m_budget, &BudgetMeter::modelChanged, this, &ChatController::refreshTarget);
    connect(m_probe, &llm::ProviderProbe::contextCapRead, this,
            [this](quint64 request, const llm::ContextCap &cap) {
                if (request != m_capRequest)
                    return;
                if (!cap.ok()) {
                    m_budget->setBackendNote(
                        tr("Could not read the server's context cap (%1); the catalog's figure "
                           "is used.")
                            .arg(cap.error->message));
                    return;
                }
                if (cap.tokens > 0)
                    m_budget->setLiveCap(cap.tokens, cap.source);
                applyLiveVision(cap.vision);
                if (!cap.warning.isEmpty())
                    m_budget->setBackendNote(cap.warning);
                refreshSummary();
            });
    if (m_services.keys)
        connect(m_services.keys, &security::ApiKeyStore::lookedUp, this,
                &ChatController::onKeyLookedUp);
    if (m_services.engine) {
        connect(m_services.engine, &llm::EngineSupervisor::stateChanged, this,
                &ChatController::onEngineChanged);
        connect(m_services.engine, &llm::EngineSupervisor::loadProgressed, this,
                &ChatController::onEngineChanged);
        connect(m_services.engine, &llm::EngineSupervisor::crashed, this,
                &ChatController::onEngineCrashed);
    }
    refreshTarget();
}

ChatController::~ChatController() = default;

void ChatController::reloadTasks() {
    if (!m_services.tasks)
        return;
    QList<ChatTaskTemplate> templates;
    for (const prompt::TaskTemplate &t : m_services.tasks->templates())
        templates.append({t.id, t.title, m_services.tasks->promptFor(t)});
    m_pane->setTaskTemplates(templates);
}

void ChatController::refreshTarget() {
    m_targetReady = false;
    const llm::ProviderEntry *provider =
        m_services.catalog ? m_services.catalog->provider(m_budget->currentProviderId()) : nullptr;
    const llm::ModelEntry *model = m_budget->currentModel();
    m_attachments->setModel(provider, model);
    if (!provider || !model) {
        m_setupHint = tr("Pick a provider and a model in the Budget panel.");
        refreshSummary();
        return;
    }
    if (provider->id == llm::localProviderId()) {
        applyLocalTarget(*provider);
        return;
    }
    if (provider->auth == QLatin1String("none")) {
        applyTarget(*provider, model, QString(), QString());
        return;
    }
    if (m_services.keys) {
        m_pendingProvider = provider->id;
        m_setupHint = tr("Looking up the API key for %1…").arg(provider->name);
        refreshSummary();
        m_services.keys->lookup(provider->id, provider->keyEnv);
        return;
    }
    const security::KeyLookup lookup =
        security::ApiKeyStore::fromEnvironment(provider->id, provider->keyEnv);
    applyTarget(*provider, model, lookup.key, lookup.source);
}

void ChatController::onKeyLookedUp(const security::KeyLookup &lookup) {
    if (lookup.providerId != m_pendingProvider)
        return; // an older lookup, for a provider no longer chosen
    m_pendingProvider.clear();
    const llm::ProviderEntry *provider = m_services.catalog->provider(lookup.providerId);
    const llm::ModelEntry *model = m_budget->currentModel();
    if (!provider || !model || provider->id != m_budget->currentProviderId())
        return;
    applyTarget(*provider, model, lookup.key, lookup.keychainProblem);
}

void ChatController::applyTarget(const llm::ProviderEntry &provider, const llm::ModelEntry *model,
                                 const QString &key, const QString &keyNote) {
    llm::ChatTarget target;
    target.endpoint = llm::endpointFor(provider, key);
    target.providerId = provider.id;
    target.model = model->id;
    target.contextCap = m_budget->contextCap();
    target.maxOutputTokens = m_budget->reservedOutput();
    target.inputPerMillion = model->inputPerMillion;
    target.outputPerMillion = model->outputPerMillion;
    target.includeUsage = provider.usageMode != QLatin1String("none");
    target.returnProgress = provider.returnProgress;
    m_session->setTarget(target);
    m_remote = llm::leavesTheMachine(provider, target.endpoint.baseUrl);

    const bool needsKey =
        provider.kind == QLatin1String("cloud") && provider.auth != QLatin1String("none");
    m_targetReady = !(needsKey && key.isEmpty());
    m_setupHint.clear();
    if (!m_targetReady) {
        m_setupHint =
            provider.keyEnv.isEmpty()
                ? tr("No API key for %1: add one in Settings ▸ Providers.").arg(provider.name)
                : tr("No API key for %1: add one in Settings ▸ Providers or set %2.")
                      .arg(provider.name, provider.keyEnv);
        if (!keyNote.isEmpty())
            m_setupHint += QLatin1Char(' ') + keyNote;
    }
    if (provider.dropsOldMessages)
        m_budget->setBackendNote(provider.note);
    if (!provider.capSource.isEmpty() && m_targetReady)
        readLiveCap(provider, model->id);
    refreshSummary();
}

void ChatController::onEngineChanged() {
    if (m_budget->currentProviderId() != llm::localProviderId())
        return;
    const llm::EngineState state = m_services.engine->state();
    const bool running = state == llm::EngineState::Ready || state == llm::EngineState::Busy;
    if (m_crash.explainedTurn >= 0 &&
        (state == llm::EngineState::Ready || state == llm::EngineState::Failed)) {
        const int turn = std::exchange(m_crash.explainedTurn, -1);
        if (turn == int(m_session->conversation()->turns().size()) - 1)
            explainEngineCrash(turn, state == llm::EngineState::Ready);
    }
    // Ready <-> Busy around every request: the target is already the engine's.
    if (running && m_targetReady && m_session->target().providerId == llm::localProviderId())
        return;
    refreshTarget();
}

void ChatController::applyLocalTarget(const llm::ProviderEntry &provider) {
    llm::EngineSupervisor *engine = m_services.engine;
    const llm::EngineState state = engine ? engine->state() : llm::EngineState::Stopped;
    const QString model = engine ? QFileInfo(engine->config().modelPath).fileName() : QString();
    const QString pick = tr("Pick a local model: Model ▸ Local Models… (Ctrl+L)");
    m_remote = false;
    m_targetReady = false;
    switch (state) {
    case llm::EngineState::Ready:
    case llm::EngineState::Busy: {
        llm::ChatTarget target = llm::localChatTarget(*engine, m_budget->reservedOutput());
        target.endpoint.providerName = provider.name;
        m_session->setTarget(target);
        m_targetReady = true;
        m_setupHint.clear();
        m_budget->setLiveCap(engine->info().contextSize, tr("the local engine"));
        break;
    }
    case llm::EngineState::Starting:
        m_setupHint = tr("Starting the local engine for %1…").arg(model);
        break;
    case llm::EngineState::Loading:
        m_setupHint = tr("Loading %1… %2%").arg(model).arg(int(engine->loadProgress() * 100 + 0.5));
        break;
    case llm::EngineState::Crashed:
        m_setupHint = tr("The local engine stopped; restarting it…");
        break;
    case llm::EngineState::Failed:
        m_setupHint = tr("The local engine failed: %1. %2")
                          .arg(engine->lastError().section(QLatin1Char('\n'), 0, 0), pick);
        break;
    case llm::EngineState::Stopped:
        m_setupHint = pick;
        break;
    }
    refreshSummary();
}

void ChatController::applyLiveVision(std::optional<bool> vision) {
    // The server knows whether it reads images (llama-server started with --mmproj, OpenRouter's
    // input modalities); what it says wins over the catalog's default for the entry.
    const llm::ProviderEntry *provider =
        m_services.catalog ? m_services.catalog->provider(m_budget->currentProviderId()) : nullptr;
    const llm::ModelEntry *model = m_budget->currentModel();
    if (!vision || !provider || !model || model->vision == *vision)
        return;
    m_liveModel = *model;
    m_liveModel.vision = *vision;
    m_attachments->setModel(provider, &m_liveModel);
    refreshSummary();
}

void ChatController::readLiveCap(const llm::ProviderEntry &provider, const QString &model) {
    m_capRequest = m_probe->readContextCap(provider, m_session->target().endpoint, model);
}

void ChatController::refreshSummary() {
    ChatTargetSummary summary;
    const llm::ChatTarget &target = m_session->target();
    summary.providerId = target.providerId;
    summary.providerName = target.endpoint.providerName;
    summary.model = target.model;
    summary.configured = m_targetReady;
    summary.setupHint = m_setupHint;
    summary.remote = m_remote;
    if (const prompt::Selection *selection = m_services.workspace->selection())
        summary.files = int(selection->selected(0).files);
    const prompt::BudgetFigures &figures = m_budget->figures();
    summary.promptTokens = figures.inputTokens;
    summary.estimatedCost = figures.inputCost;
    summary.blockedReason = sendBlockedReason();
    summary.contextLine = contextLine(&summary.contextWarning);
    // The chosen provider's setting: redacted, or (local, loopback, or turned off) sent.
    fillSecrets(summary, m_services.secrets, m_services.workspace->selection(),
                redactionPolicy().redact);
    m_pane->setTargetSummary(summary);
}

void ChatController::onSend(const QString &question, const QString &title) {
    if (!m_targetReady) {
        m_pane->rejectSend(m_setupHint);
        return;
    }
    const prompt::Selection *selection = m_services.workspace->selection();
    if (!selection) {
        m_pane->rejectSend(tr("Open a repository first: drop a folder on the window or press "
                              "Ctrl+O."));
        return;
    }
    if (askAboutOldPack())
        return;
    // The reasons the status line gives while Send waits, checked again at the click.
    if (const QString reason = sendBlockedReason(); !reason.isEmpty()) {
        m_pane->rejectSend(reason);
        return;
    }
    if (!m_session->conversation()->hasPack() &&
        !confirmUncounted(m_pane, *selection, tr("Send"))) {
        m_pane->rejectSend(tr("Not sent: some selected files have no count."));
        return;
    }
    if (m_attachments->isPreparing()) {
        m_pane->rejectSend(tr("An image is still being prepared; send again in a moment."));
        return;
    }
    syncTarget(); // the reserve, cap and vision shown now, not when the model was picked
    // Set first: with a pack already written, the turn starts before ask() returns.
    m_imagesInFlight = !m_attachments->isEmpty();
    if (!m_session->ask(question, title, m_attachments->sendableImages())) {
        m_imagesInFlight = false;
        m_pane->rejectSend(tr("A request is still running: stop it first (Esc)."));
    }
}

void ChatController::onTurnCompleted(int index, qint64 countedPromptTokens) {
    const QList<llm::Turn> &turns = m_session->conversation()->turns();
    if (index < 0 || index >= turns.size())
        return;
    explainFollowUpOverflow(index);
    const llm::Turn &turn = turns.at(index);
    noteLocalFailure(index);
    const llm::TokenUsage &usage = turn.stats.usage;
    // Only the attempt that answered: a wait on a 429 or 503 says nothing about prefill speed.
    const qint64 prefillMs = turn.stats.ttftMs - turn.stats.earlierAttemptsMs;
    if (m_services.latency && turn.stats.ttftMs > 0 && prefillMs > 0) {
        qint64 processed = usage.promptTokens >= 0 ? usage.promptTokens : countedPromptTokens;
        if (usage.cachedPromptTokens > 0)
            processed -= usage.cachedPromptTokens;
        if (m_services.latency->addSample(
                llm::LatencyModel::backendKey(turn.providerId, turn.model), processed, prefillMs)) {
            const llm::LatencyModel copy = *m_services.latency;
            // A small JSON file, written off the UI thread.
            (void)QtConcurrent::run(m_services.workspace->pool(), [copy] { (void)copy.save(); });
        }
    }
    // The reported prompt of the first question is (system + pack + question): what the
    // correction for approximate counts compares against. Later turns carry history.
    bool first = true;
    for (int i = 0; i < index; ++i)
        first = first && turns.at(i).answer.isEmpty();
    if (m_services.corrections && first && usage.promptTokens > 0 &&
        !m_services.workspace->countsAreExact()) {
        m_services.corrections->record(
            tokenize::CorrectionStore::keyFor(turn.providerId, turn.model,
                                              m_services.workspace->tokenizer().id()),
            countedPromptTokens, usage.promptTokens);
        Q_EMIT correctionLearned();
    }
    refreshSummary(); // the header counts the images earlier turns carry
}

} // namespace reposcope::ui
