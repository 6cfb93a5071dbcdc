// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "findings/sourceset.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "repo/reposnapshot.h"
#include "workspace/packpreparation.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace reposcope::workspace {

class FindingsTracker;
class Workspace;

// Ties the open repository to a conversation: on the first question it writes the pack of
// the current selection on the workspace's pool (never on the UI thread), freezes it for
// the conversation (so it stays a byte-identical prefix turn after turn), then asks.
// Lives on the UI thread. Owns the ChatClient, the Conversation and the FindingsTracker
// that turns its answers into verified findings.
// Privacy guard: the pack and every question go through a RedactionPolicy before they reach
// the Conversation (secrets replaced by markers, or reported as warned or allowed).
class ChatSession : public QObject {
    Q_OBJECT
public:
    ChatSession(Workspace *workspace, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~ChatSession() override;

    llm::Conversation *conversation() { return m_conversation; }
    llm::ChatClient *client() { return m_client; }
    // The findings of this conversation's answers, verified against sources() (owned).
    FindingsTracker *findings() { return m_findings; }
    // The files of the frozen pack, as the model read them; null before the first pack and
    // after newConversation(). Set before packReady is emitted. Packed files are held in
    // memory; text() of a snapshot file the pack left out reads it on first use (one small
    // blocking read, e.g. when a link to such a file is clicked).
    findings::SourceSetPtr sources() const { return m_sources; }

    void setTarget(const llm::ChatTarget &target);
    const llm::ChatTarget &target() const { return m_conversation->target(); }
    void setSystemPrompt(QByteArray prompt) { m_systemPrompt = std::move(prompt); }
    const QByteArray &systemPrompt() const { return m_systemPrompt; }
    // What happens to secrets in the next pack and the questions from now on (the frozen
    // pack stays as it was sent). Never set: the repository's scanner (loadScanner, on the
    // worker) with its allow list (AllowList::loadFor), redacting.
    void setRedactionPolicy(RedactionPolicy policy);
    // The secrets of the current pack and of the questions asked on it (empty before the
    // first pack and after newConversation()).
    const SecretReport &lastSecrets() const { return m_secrets; }

    // Writes the pack first when this conversation has none yet. Refused (returns false)
    // while busy, without a repository, or with nothing selected.
    bool ask(const QString &question, const QString &title = QString(),
             const QList<llm::ImagePart> &images = {});
    // Stops pack writing or the request, whichever runs.
    void stop();
    // Forgets the turns and the pack: the next question packs the current selection.
    void newConversation();

    // True from ask() until the pack is handed to the conversation (the watcher's future
    // ends a moment before its finished signal arrives).
    bool isPreparing() const { return m_preparing; }
    bool isBusy() const { return isPreparing() || m_conversation->isBusy(); }
    // The selection differs from the one the conversation's pack was written from.
    bool selectionChangedSincePack() const;
    // The snapshot the frozen pack was written from (null before the first pack).
    repo::SnapshotPtr packSnapshot() const {
        return m_conversation->hasPack() ? m_packSnapshot : nullptr;
    }
    // "invoicer @ 3f9a2c1", "invoicer/src @ v1.2 (3f9a2c1)", "notes" (a folder, not git):
    // which repository, subfolder and commit a pack is about.
    static QString repositoryLabel(const repo::RepoInfo &info);
    // Tokens of the frozen pack as counted (0 before the first question).
    qint64 packTokens() const { return m_conversation->packTokens(); }
    int packFiles() const { return m_packFiles; }

Q_SIGNALS:
    void packPreparing(int files);
    void packFailed(const QString &message);
    // The pack is frozen and sources() describes it; problems lists files that could not
    // be included.
    void packReady(int files, qint64 bytes, const QStringList &problems);
    // After packReady (and the first question) and after a follow-up question that held
    // secrets: `report` is lastSecrets().
    void secretsHandled(const reposcope::workspace::SecretReport &report);
    // Another repository, subfolder or ref was opened while a conversation was under way:
    // the conversation was closed (turns, pack and findings forgotten, a running request
    // stopped) so that no follow-up sends the old pack. `previous` is the old pack's
    // repositoryLabel(), `turns` how many turns it had.
    void conversationClosed(const QString &previous, int turns);
    // A turn ended (any outcome). countedPromptTokens: RepoScope's own count of the prompt.
    void turnCompleted(int index, qint64 countedPromptTokens);

private:
    void onPackWritten();
    // `question` with its secrets handled by the policy, recorded in m_secrets.
    QString redactQuestion(const QString &question);
    void onRepositoryOpened();

    Workspace *m_workspace;
    llm::ChatClient *m_client;
    llm::Conversation *m_conversation;
    FindingsTracker *m_findings;
    findings::SourceSetPtr m_sources;
    QByteArray m_systemPrompt;
    QFutureWatcher<reposcope::Result<PreparedPack>> m_packWatcher;
    std::shared_ptr<std::atomic_bool> m_packCancel;
    repo::SnapshotPtr m_packSnapshot;
    std::vector<int> m_packSelection;
    qint64 m_pendingTokens = 0;
    int m_packFiles = 0;
    bool m_preparing = false;
    // Null until set or until the first pack loaded the repository's default.
    std::shared_ptr<const RedactionPolicy> m_policy;
    // Filled by the pack worker with the default policy it loaded (when m_policy was null).
    std::shared_ptr<RedactionPolicy> m_loadedPolicy;
    bool m_policyIsDefault = false; // m_policy is the loaded default, not setRedactionPolicy's
    SecretReport m_secrets;
    struct Pending {
        QString question;
        QString title;
        QList<llm::ImagePart> images;
    };
    std::optional<Pending> m_pending;
};

} // namespace reposcope::workspace
