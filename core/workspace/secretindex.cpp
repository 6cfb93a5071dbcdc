// SPDX-License-Identifier: MIT
#include "workspace/secretindex.h"

#include "security/secrets/filescan.h"
#include "security/secrets/scannerload.h"
#include "security/secrets/secretscanner.h"
#include "workspace/workspace.h"

#include <QMutex>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::workspace {

using security::secrets::AllowList;
using security::secrets::SecretHit;

namespace {

// Files per batch: small enough for the marks to appear while the scan runs, large enough
// that handing a batch over costs nothing next to scanning it.
constexpr int kBatchFiles = 128;

bool worthScanning(const repo::ScannedFile &file) {
    if (file.kind != repo::EntryKind::File)
        return false;
    switch (file.exclusion) {
    case repo::Exclusion::GitDir:
    case repo::Exclusion::Binary:
    case repo::Exclusion::TooLarge:
    case repo::Exclusion::Unreadable:
    case repo::Exclusion::Symlink:
    case repo::Exclusion::SubmoduleEntry:
        return false;
    default:
        return true;
    }
}

// The file nodes to scan: the default selection and the secret files first (what is most
// likely sent), then the other excluded files.
std::vector<int> filesToScan(const repo::RepoSnapshot &snap) {
    std::vector<int> first;
    std::vector<int> later;
    for (int node = 1; node < snap.nodeCount(); ++node) {
        if (snap.isDirectory(node) || !worthScanning(snap.file(node)))
            continue;
        const repo::Exclusion why = snap.file(node).exclusion;
        (why == repo::Exclusion::None || why == repo::Exclusion::SecretFile ? first : later)
            .push_back(node);
    }
    first.insert(first.end(), later.begin(), later.end());
    return first;
}

AllowList loadList(const QString &file, QStringList *warnings) {
    Result<AllowList> list = AllowList::load(file);
    if (list)
        return std::move(list).value();
    *warnings << list.error().message;
    return {};
}

void scanSnapshot(QPromise<SecretScanBatch> &promise, const repo::SnapshotPtr &snap,
                  QThreadPool *pool, const std::shared_ptr<std::atomic_bool> &cancel,
                  bool skipGenerated) {
    const QString root = snap->info().rootPath;
    SecretScanBatch first;
    first.scanner = security::secrets::loadScanner(root, &first.warnings);
    first.userAllow = loadList(AllowList::userFileFor(root), &first.warnings);
    first.repoAllow = loadList(AllowList::repositoryFile(root), &first.warnings);
    const std::shared_ptr<const security::secrets::SecretScanner> scanner = first.scanner;
    const std::vector<int> nodes = filesToScan(*snap);
    promise.setProgressRange(0, int(nodes.size()));
    promise.addResult(std::move(first));
    if (!scanner)
        return;
    // Half the pool: the count runs at the same time and the window must stay fluid.
    const int workers = std::max(1, pool->maxThreadCount() / 2);
    security::secrets::FileScanOptions options;
    options.skipGenerated = skipGenerated;
    options.cancel = cancel.get();
    int done = 0;
    for (size_t begin = 0; begin < nodes.size(); begin += kBatchFiles) {
        if (promise.isCanceled() || *cancel)
            return;
        const size_t end = std::min(nodes.size(), begin + kBatchFiles);
        std::vector<repo::ScannedFile> files;
        QHash<QByteArray, int> nodeOf;
        files.reserve(end - begin);
        for (size_t i = begin; i < end; ++i) {
            files.push_back(snap->file(nodes[i]));
            nodeOf.insert(files.back().path, nodes[i]);
        }
        security::secrets::FileScanResult scanned =
            security::secrets::scanFiles(snap->info(), files, *scanner, pool, workers, options);
        if (scanned.cancelled)
            return;
        SecretScanBatch batch;
        batch.files = int(files.size());
        // Hits come sorted by path, then position: one run per file.
        for (const SecretHit &hit : std::as_const(scanned.hits)) {
            const int node = nodeOf.value(hit.path, -1);
            if (node < 0)
                continue;
            if (batch.hits.isEmpty() || batch.hits.last().first != node)
                batch.hits.append(std::pair(node, QList<SecretHit>()));
            batch.hits.last().second.append(hit);
        }
        done += batch.files;
        promise.addResult(std::move(batch));
        promise.setProgressValue(done);
    }
}

} // namespace

SecretIndex::SecretIndex(Workspace *workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_save(std::make_shared<PendingSave>()) {
    connect(&m_watcher, &QFutureWatcher<SecretScanBatch>::resultReadyAt, this,
            &SecretIndex::onBatchReady);
    connect(&m_watcher, &QFutureWatcher<SecretScanBatch>::progressValueChanged, this,
            [this](int done) {
                m_done = done;
                Q_EMIT progressChanged(m_done, m_total);
            });
    connect(&m_watcher, &QFutureWatcher<SecretScanBatch>::finished, this, [this] {
        const bool cancelled = m_watcher.isCanceled() || (m_cancel && *m_cancel);
        m_complete = !cancelled;
        if (!cancelled)
            m_done = m_total;
        Q_EMIT scanFinished(cancelled);
    });
    // Another open stops the scan at once; the hits go with the tree they belong to.
    connect(workspace, &Workspace::scanStarted, this, [this] {
        if (m_cancel)
            *m_cancel = true;
        m_watcher.cancel();
    });
    connect(workspace, &Workspace::aboutToReplace, this, &SecretIndex::clear);
    connect(workspace, &Workspace::opened, this, &SecretIndex::onOpened);
    if (workspace->snapshot())
        onOpened();
}

SecretIndex::~SecretIndex() {
    if (m_cancel)
        *m_cancel = true;
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void SecretIndex::clear() {
    if (m_cancel)
        *m_cancel = true;
    m_watcher.cancel();
    m_hits.clear();
    m_unallowedFiles.clear();
    m_hitCount = 0;
    m_done = 0;
    m_total = 0;
    m_complete = false;
    m_snapshot.reset();
    Q_EMIT cleared();
}

void SecretIndex::onOpened() {
    const repo::SnapshotPtr snapshot = m_workspace->snapshot();
    if (!snapshot || snapshot == m_snapshot)
        return;
    const bool sameRoot = m_snapshot && snapshot->info().rootPath == m_root;
    clear();
    m_snapshot = snapshot;
    m_root = snapshot->info().rootPath;
    if (!sameRoot) {
        m_scanner.reset(); // the overlays are per repository: loaded again with it
        m_userAllow = {};
        m_repoAllow = {};
        m_allow = {};
        m_warnings.clear();
    }
    m_unallowedFiles.assign(size_t(snapshot->nodeCount()), 0);
    m_total = 0;
    for (int node = 1; node < snapshot->nodeCount(); ++node)
        m_total += !snapshot->isDirectory(node) && worthScanning(snapshot->file(node));
    m_cancel = std::make_shared<std::atomic_bool>(false);
    Q_EMIT scanStarted();
    Q_EMIT progressChanged(0, m_total);
    m_watcher.setFuture(QtConcurrent::run(m_workspace->pool(), &scanSnapshot, snapshot,
                                          m_workspace->pool(), m_cancel,
                                          m_workspace->options().excludeGenerated));
}

void SecretIndex::onBatchReady(int index) {
    SecretScanBatch batch = m_watcher.resultAt(index);
    if (batch.scanner) {
        m_scanner = batch.scanner;
        m_userAllow = batch.userAllow;
        m_repoAllow = batch.repoAllow;
        m_allow = m_userAllow;
        m_allow.merge(m_repoAllow);
        m_warnings = batch.warnings;
    }
    if (batch.hits.isEmpty())
        return;
    QList<int> nodes;
    for (auto &[node, hits] : batch.hits) {
        m_hitCount += int(hits.size()) - int(m_hits.value(node).size());
        m_hits.insert(node, hits);
        nodes.append(node);
        if (unallowedIn(node) > 0)
            for (int p = node; p >= 0; p = m_snapshot->parent(p))
                ++m_unallowedFiles[size_t(p)];
    }
    Q_EMIT hitsFound(nodes);
}

QList<int> SecretIndex::nodesWithHits() const {
    QList<int> nodes = m_hits.keys();
    std::sort(nodes.begin(), nodes.end());
    return nodes;
}

int SecretIndex::unallowedFilesUnder(int node) const {
    return node >= 0 && size_t(node) < m_unallowedFiles.size() ? m_unallowedFiles[size_t(node)] : 0;
}

int SecretIndex::unallowedIn(int node) const {
    const auto it = m_hits.constFind(node);
    if (it == m_hits.cend())
        return 0;
    return int(std::count_if(it->cbegin(), it->cend(),
                             [this](const SecretHit &hit) { return !m_allow.allows(hit); }));
}

void SecretIndex::rebuildFolderCounts() {
    std::fill(m_unallowedFiles.begin(), m_unallowedFiles.end(), 0);
    if (!m_snapshot)
        return;
    for (auto it = m_hits.cbegin(); it != m_hits.cend(); ++it)
        if (unallowedIn(it.key()) > 0)
            for (int p = it.key(); p >= 0; p = m_snapshot->parent(p))
                ++m_unallowedFiles[size_t(p)];
}

void SecretIndex::setUserAllowList(const AllowList &list) {
    m_userAllow = list;
    m_allow = m_userAllow;
    m_allow.merge(m_repoAllow);
    rebuildFolderCounts();
    Q_EMIT allowListChanged();
    if (m_root.isEmpty())
        return;
    // Every save writes the newest list under the lock, so whichever task runs last leaves
    // the last edit on disk, in whatever order the pool runs them. QSaveFile makes each atomic.
    {
        const QMutexLocker lock(&m_save->mutex);
        m_save->list = list;
        m_save->file = AllowList::userFileFor(m_root);
    }
    auto *watcher = new QFutureWatcher<Result<Ok>>(this);
    connect(watcher, &QFutureWatcher<Result<Ok>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result<Ok> saved = watcher->result();
        if (!saved)
            Q_EMIT saveFailed(saved.error());
        else
            Q_EMIT allowListSaved();
    });
    watcher->setFuture(QtConcurrent::run(m_workspace->pool(), [save = m_save] {
        const QMutexLocker lock(&save->mutex);
        return save->list.save(save->file);
    }));
}

} // namespace reposcope::workspace
