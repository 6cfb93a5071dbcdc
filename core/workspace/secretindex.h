// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/reposnapshot.h"
#include "security/secrets/allowlist.h"
#include "security/secrets/secrethit.h"

#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

namespace reposcope::security::secrets {
class SecretScanner;
}

namespace reposcope::workspace {

class Workspace;

// One batch of the background scan, as the worker hands it over.
struct SecretScanBatch {
    // First batch only: the repository's scanner and allow lists (loaded on the worker).
    std::shared_ptr<const security::secrets::SecretScanner> scanner;
    security::secrets::AllowList userAllow; // the user's list: what the window edits
    security::secrets::AllowList repoAllow; // the repository's committed list (read only)
    QStringList warnings;
    // The files of this batch that hold secrets: snapshot node, hits in order of position.
    QList<std::pair<int, QList<security::secrets::SecretHit>>> hits;
    int files = 0; // files this batch covered (scanned or skipped by content)
};

// The secrets in the files of the open repository, found in the background so that the tree
// can mark them and the confirmation strip can count them before anyone asks.
//
// Follows `workspace`: every new snapshot (opened()) starts a scan of its files on the
// workspace's pool, in batches, the files of the default selection and the secret files
// first; another repository opening (scanStarted) cancels it and clears the hits. Every
// text file under the size cap is scanned, excluded or not (a vendored or secret file the
// user ticks is sent too). The scanner and the allow lists are loaded on the worker.
//
// Also keeps the repository's allow list: the user's list (AllowList::userFileFor) merged
// with the repository's own; edits change the user's list and are saved on the pool.
// Lives on the UI thread; the destructor cancels and waits.
class SecretIndex : public QObject {
    Q_OBJECT
public:
    explicit SecretIndex(Workspace *workspace, QObject *parent = nullptr);
    ~SecretIndex() override;

    bool isScanning() const { return m_watcher.isRunning(); }
    // The last scan covered every file (not cancelled).
    bool isComplete() const { return m_complete; }
    int filesDone() const { return m_done; }
    int filesTotal() const { return m_total; }
    QString rootPath() const { return m_root; }
    repo::SnapshotPtr snapshot() const { return m_snapshot; }

    // The hits of a file node (empty for folders and clean or unscanned files).
    QList<security::secrets::SecretHit> hitsFor(int node) const { return m_hits.value(node); }
    // Every file node with hits, sorted.
    QList<int> nodesWithHits() const;
    int hitCount() const { return m_hitCount; }
    // Files in the subtree of `node` with at least one secret the allow list does not allow.
    int unallowedFilesUnder(int node) const;
    // Hits of a file that the allow list does not allow.
    int unallowedIn(int node) const;

    // Null until the first batch arrived.
    std::shared_ptr<const security::secrets::SecretScanner> scanner() const { return m_scanner; }
    // The user's list merged with the repository's: what sending honours.
    const security::secrets::AllowList &allowList() const { return m_allow; }
    const security::secrets::AllowList &userAllowList() const { return m_userAllow; }
    const security::secrets::AllowList &repositoryAllowList() const { return m_repoAllow; }
    bool allows(const security::secrets::SecretHit &hit) const { return m_allow.allows(hit); }
    // Replaces the user's list and saves it to AllowList::userFileFor(rootPath()) on the
    // pool (saveFailed() on error). allowListChanged() at once.
    void setUserAllowList(const security::secrets::AllowList &list);
    // Problems loading the scanner or the allow lists.
    QStringList warnings() const { return m_warnings; }

Q_SIGNALS:
    void scanStarted();
    // Hits for these file nodes arrived (their folders' marks may change too).
    void hitsFound(const QList<int> &nodes);
    void progressChanged(int done, int total);
    void scanFinished(bool cancelled);
    // The hits were dropped (another repository is opening).
    void cleared();
    void allowListChanged();
    // The user's list is on disk (what AllowList::loadFor reads from now on); after an
    // allowListChanged(), either this or saveFailed() follows.
    void allowListSaved();
    void saveFailed(const reposcope::Error &error);

private:
    void onOpened();
    void clear();
    void onBatchReady(int index);
    void rebuildFolderCounts();

    struct PendingSave {
        QMutex mutex;
        security::secrets::AllowList list;
        QString file;
    };

    Workspace *m_workspace;
    std::shared_ptr<PendingSave> m_save; // shared with the save tasks
    QFutureWatcher<SecretScanBatch> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    repo::SnapshotPtr m_snapshot;
    QString m_root;
    std::shared_ptr<const security::secrets::SecretScanner> m_scanner;
    security::secrets::AllowList m_userAllow;
    security::secrets::AllowList m_repoAllow;
    security::secrets::AllowList m_allow; // the two merged
    QStringList m_warnings;
    QHash<int, QList<security::secrets::SecretHit>> m_hits;
    std::vector<int> m_unallowedFiles; // per node: files under it with unallowed secrets
    int m_hitCount = 0;
    int m_done = 0;
    int m_total = 0;
    bool m_complete = false;
};

} // namespace reposcope::workspace
