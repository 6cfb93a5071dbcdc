// SPDX-License-Identifier: MIT
#include "workspace/chatsession.h"

#include "prompt/systemprompt.h"
#include "security/secrets/scannerload.h"
#include "workspace/findingstracker.h"
#include "workspace/workspace.h"

#include <QFileInfo>
#include <QtConcurrent>

namespace reposcope::workspace {

ChatSession::ChatSession(Workspace *workspace, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_client(new llm::ChatClient(network, workspace->pool(), this))
    , m_conversation(new llm::Conversation(m_client, this))
    , m_findings(new FindingsTracker(m_conversation, this))
    , m_systemPrompt(prompt::defaultSystemPrompt()) {
    connect(&m_packWatcher, &QFutureWatcher<Result<PreparedPack>>::finished, this,
            &ChatSession::onPackWritten);
    connect(m_conversation, &llm::Conversation::turnFinished, this, [this](int index) {
        const llm::Turn &turn = m_conversation->turns().at(index);
        Q_EMIT turnCompleted(index, turn.promptTokensEstimate);
    });
    // A new repository invalidates the frozen pack: its files are no longer on screen.
    connect(m_workspace, &Workspace::aboutToReplace, this, [this] {
        if (m_preparing)
            stop();
    });
    connect(m_workspace, &Workspace::opened, this, &ChatSession::onRepositoryOpened);
}

QString ChatSession::repositoryLabel(const repo::RepoInfo &info) {
    QString label = QFileInfo(info.rootPath).fileName();
    if (!info.scopePrefix.isEmpty())
        label += QLatin1Char('/') + info.scopePrefix;
    if (!info.isGit || info.shortSha.isEmpty())
        return label;
    if (!info.ref.isEmpty() && !info.sha.startsWith(info.ref))
        return QStringLiteral("%1 @ %2 (%3)").arg(label, info.ref, info.shortSha);
    return QStringLiteral("%1 @ %2").arg(label, info.shortSha);
}

void ChatSession::onRepositoryOpened() {
    // The rule: another repository, subfolder or ref means another conversation. The same
    // tree scanned again (same folder, scope, ref and commit) keeps the conversation; its
    // pack then differs from the selection, which the window asks about on the next send.
    if (!m_conversation->hasPack() || !m_packSnapshot || !m_workspace->snapshot())
        return;
    const repo::RepoInfo &was = m_packSnapshot->info();
    const repo::RepoInfo &now = m_workspace->snapshot()->info();
    if (was.rootPath == now.rootPath && was.scopePrefix == now.scopePrefix && was.ref == now.ref &&
        was.sha == now.sha)
        return;
    const QString previous = repositoryLabel(was);
    const int turns = int(m_conversation->turns().size());
    newConversation();
    Q_EMIT conversationClosed(previous, turns);
}

ChatSession::~ChatSession() {
    if (m_packCancel)
        m_packCancel->store(true);
    m_packWatcher.waitForFinished(); // the pack writer reads the snapshot we share
}

void ChatSession::setTarget(const llm::ChatTarget &target) {
    m_conversation->setTarget(target);
}

void ChatSession::setRedactionPolicy(RedactionPolicy policy) {
    m_policy = std::make_shared<const RedactionPolicy>(std::move(policy));
    m_policyIsDefault = false;
}

QString ChatSession::redactQuestion(const QString &question) {
    if (!m_policy)
        return question;
    SecretReport found;
    const QString sent = redactText(question, QStringLiteral("question"), *m_policy, &found);
    m_secrets.append(found);
    return sent;
}

bool ChatSession::selectionChangedSincePack() const {
    if (!m_conversation->hasPack())
        return false;
    const prompt::Selection *selection = m_workspace->selection();
    if (!selection || selection->snapshotPtr() != m_packSnapshot)
        return true;
    return selection->selectedFiles() != m_packSelection;
}

bool ChatSession::ask(const QString &question, const QString &title,
                      const QList<llm::ImagePart> &images) {
    if (isBusy() || question.trimmed().isEmpty())
        return false;
    if (m_conversation->hasPack()) {
        const int before = m_secrets.total();
        const QString sent = redactQuestion(question);
        if (m_secrets.total() != before)
            Q_EMIT secretsHandled(m_secrets);
        m_conversation->ask(sent, title, images);
        return true;
    }
    const prompt::Selection *selection = m_workspace->selection();
    if (!selection)
        return false;
    std::vector<int> files = selection->selectedFiles();
    if (files.empty())
        return false;
    m_pending = Pending{question, title, images};
    m_packSnapshot = selection->snapshotPtr();
    m_packSelection = files;
    m_pendingTokens = selection->selected(0).tokens + selection->selected(0).overhead +
                      m_workspace->fixedOverhead();
    m_packCancel = std::make_shared<std::atomic_bool>(false);
    const repo::SnapshotPtr snapshot = m_packSnapshot;
    const prompt::PackFormat format = m_workspace->packFormat();
    QThreadPool *pool = m_workspace->pool();
    std::shared_ptr<std::atomic_bool> cancel = m_packCancel;
    std::shared_ptr<const tokenize::Tokenizer> tokenizer = m_workspace->tokenizerPtr();
    std::shared_ptr<const RedactionPolicy> policy = m_policy;
    m_loadedPolicy = policy ? nullptr : std::make_shared<RedactionPolicy>();
    std::shared_ptr<RedactionPolicy> loaded = m_loadedPolicy;
    m_preparing = true;
    Q_EMIT packPreparing(int(files.size()));
    m_packWatcher.setFuture(QtConcurrent::run(
        pool,
        [snapshot, files = std::move(files), format, pool, cancel, tokenizer, policy,
         loaded]() -> Result<PreparedPack> {
            if (!policy) {
                // The safe default, loaded here: reading the rule overlays and the allow
                // lists is file I/O, and compiling the rules takes milliseconds.
                const QString root = snapshot->info().rootPath;
                loaded->scanner = security::secrets::loadScanner(root, nullptr);
                loaded->allow = security::secrets::AllowList::loadFor(root, nullptr);
                loaded->redact = true;
            }
            return preparePack(snapshot, files, format, pool, cancel.get(),
                               policy ? *policy : *loaded, *tokenizer);
        }));
    return true;
}

void ChatSession::onPackWritten() {
    m_preparing = false;
    Result<PreparedPack> result = m_packWatcher.result();
    std::optional<Pending> pending = std::move(m_pending);
    m_pending.reset();
    if (m_packCancel && m_packCancel->load()) {
        m_packSnapshot.reset();
        return;
    }
    if (!result) {
        m_packSnapshot.reset();
        Q_EMIT packFailed(result.error().message);
        return;
    }
    if (!m_policy && m_loadedPolicy) {
        m_policy = std::move(m_loadedPolicy);
        m_policyIsDefault = true;
    }
    m_loadedPolicy.reset();
    m_packFiles = result->files;
    // What the window shows is what is sent: markers cost other tokens than the secrets.
    m_conversation->setPack(m_systemPrompt, result->text, m_pendingTokens + result->tokenDelta);
    m_sources = result->sources;
    m_findings->setSources(m_sources); // before the question: findings verify as they stream
    m_secrets = result->secrets;
    const QString question = pending ? redactQuestion(pending->question) : QString();
    Q_EMIT packReady(result->files, result->text.size(), result->problems);
    Q_EMIT secretsHandled(m_secrets);
    if (pending)
        m_conversation->ask(question, pending->title, pending->images);
}

void ChatSession::stop() {
    if (m_preparing) {
        if (m_packCancel)
            m_packCancel->store(true);
        m_pending.reset();
        return;
    }
    m_conversation->stop();
}

void ChatSession::newConversation() {
    stop();
    m_conversation->setPack({}, {}, 0);
    m_conversation->clear();
    m_findings->clear();
    m_sources.reset();
    m_findings->setSources(nullptr);
    m_packSnapshot.reset();
    m_packSelection.clear();
    m_packFiles = 0;
    m_secrets = SecretReport();
    // The default is the repository's: the next pack (maybe of another repository) loads it
    // again, with the allow list as it is then.
    if (m_policyIsDefault)
        m_policy.reset();
}

} // namespace reposcope::workspace
