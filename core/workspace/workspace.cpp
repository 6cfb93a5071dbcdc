// SPDX-License-Identifier: MIT
#include "workspace/workspace.h"

#include "repo/reposcanner.h"
#include "tokenize/tokencache.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <optional>
#include <thread>

namespace reposcope::workspace {

namespace {

// Below this many nodes per half, starting a thread costs more than it saves.
constexpr int kNodesWorthASecondThread = 2000;

// format.nodeOverhead(), looked up in the cache first and remembered there when counted.
qint32 nodePrice(const prompt::PackFormat &format, const repo::RepoSnapshot &snap, int node,
                 const tokenize::Tokenizer &tokenizer, tokenize::TokenCache *cache) {
    if (!cache)
        return format.nodeOverhead(snap, node, tokenizer);
    const QByteArray text = format.nodeOverheadText(snap, node);
    const tokenize::ContentKey key = tokenize::textKey(text);
    if (const std::optional<tokenize::ContentStats> known = cache->find(key))
        return qint32(known->tokens);
    tokenize::ContentStats stats;
    stats.tokens =
        quint32(tokenizer.count(std::string_view(text.constData(), size_t(text.size()))));
    cache->insert(key, stats);
    return qint32(stats.tokens);
}

} // namespace

Result<OpenedRepo> openRepository(const repo::ScanOptions &options,
                                  const tokenize::Tokenizer &tokenizer,
                                  const prompt::PackFormat &format, const std::atomic_bool *cancel,
                                  tokenize::TokenCache *cache) {
    QElapsedTimer timer;
    timer.start();
    Result<OpenedRepo> opened =
        openScanned(repo::scanRepository(options, cancel), tokenizer, format, cancel, cache);
    if (opened)
        opened->scanMs = timer.elapsed();
    return opened;
}

Result<OpenedRepo> openScanned(Result<repo::ScanResult> scanned,
                               const tokenize::Tokenizer &tokenizer,
                               const prompt::PackFormat &format, const std::atomic_bool *cancel,
                               tokenize::TokenCache *cache) {
    if (!scanned)
        return scanned.error();
    return priceSnapshot(repo::RepoSnapshot::build(std::move(scanned).value()), tokenizer, format,
                         cancel, cache);
}

Result<OpenedRepo> priceSnapshot(repo::SnapshotPtr snapshot, const tokenize::Tokenizer &tokenizer,
                                 const prompt::PackFormat &format, const std::atomic_bool *cancel,
                                 tokenize::TokenCache *cache) {
    OpenedRepo opened;
    opened.snapshot = std::move(snapshot);
    const repo::RepoSnapshot &snap = *opened.snapshot;
    opened.nodeOverheads.resize(size_t(snap.nodeCount()));
    // Pricing tokenizes a line or two per node (tens of ms for a large tree): the second
    // half on a thread of its own.
    auto price = [&](int first, int end) {
        for (int node = std::max(first, 1); node < end && !(cancel && *cancel); ++node)
            opened.nodeOverheads[size_t(node)] = nodePrice(format, snap, node, tokenizer, cache);
    };
    const int half = snap.nodeCount() / 2;
    if (half >= kNodesWorthASecondThread) {
        std::thread second(price, half, snap.nodeCount());
        price(0, half);
        second.join();
    } else {
        price(0, snap.nodeCount());
    }
    if (cancel && *cancel)
        return Error::make(Error::Code::Cancelled, QStringLiteral("opening was cancelled"));
    opened.fixedOverhead = format.fixedOverhead(snap.name(0), tokenizer);
    return opened;
}

Workspace::Workspace(QThreadPool *pool, std::shared_ptr<const tokenize::Tokenizer> tokenizer,
                     QString cacheFolder, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_tokenizer(std::move(tokenizer))
    , m_cache(std::make_shared<tokenize::TokenCache>(cacheFolder, m_tokenizer->id()))
    , m_cacheFolder(std::move(cacheFolder))
    , m_exact(m_tokenizer->isExact()) {
    connect(&m_scanWatcher, &QFutureWatcher<Result<OpenedRepo>>::finished, this,
            &Workspace::onScanFinished);
}

Workspace::~Workspace() {
    cancel();
    m_scanWatcher.waitForFinished();
}

bool Workspace::isBusy() const {
    return m_scanWatcher.isRunning() || (m_countJob && m_countJob->isRunning());
}

CountState Workspace::countState() const {
    CountState state;
    if (!m_selection)
        return state;
    if (m_countJob) {
        state.done = m_countJob->done();
        state.total = m_countJob->total();
    }
    if (m_scanWatcher.isRunning() || m_countsStale || m_tokenizerPending) {
        state.phase = CountState::Phase::Counting; // the figures on screen are the old ones
        state.done = 0;
        return state;
    }
    if (m_countJob && m_countJob->isRunning())
        state.phase = CountState::Phase::Counting;
    else if (m_countStopped || !m_countJob)
        state.phase = CountState::Phase::Stopped;
    else
        state.phase = CountState::Phase::Complete;
    return state;
}

QString Workspace::cacheProblem() const {
    return m_cache->persistenceProblem();
}

void Workspace::cancel() {
    if (m_scanCancel)
        *m_scanCancel = true;
    if (m_countJob)
        m_countJob->cancel();
}

void Workspace::open(const repo::ScanOptions &options) {
    startOpen(options, nullptr);
}

void Workspace::open(const repo::ScanOptions &options, Result<repo::ScanResult> scanned) {
    startOpen(options, std::make_shared<Result<repo::ScanResult>>(std::move(scanned)));
}

void Workspace::startOpen(const repo::ScanOptions &options,
                          std::shared_ptr<Result<repo::ScanResult>> scanned) {
    cancel();
    if (options.path != m_options.path || options.ref != m_options.ref)
        m_restoreSelection.reset(); // a different repository: nothing to keep
    m_options = options;
    m_scanCancel = std::make_shared<std::atomic_bool>(false);
    Q_EMIT scanStarted(options.path);
    Q_EMIT countStateChanged();
    m_scanWatcher.setFuture(QtConcurrent::run(m_pool, [options, scanned, tokenizer = m_tokenizer,
                                                       format = m_format, cancel = m_scanCancel,
                                                       cache = m_cache] {
        if (scanned)
            return openScanned(std::move(*scanned), *tokenizer, format, cancel.get(), cache.get());
        return openRepository(options, *tokenizer, format, cancel.get(), cache.get());
    }));
}

void Workspace::setTokenizer(std::shared_ptr<const tokenize::Tokenizer> tokenizer,
                             bool exactForModel, bool recount) {
    if (!tokenizer)
        return;
    const bool wasPending = std::exchange(m_tokenizerPending, false);
    const bool exactChanged = exactForModel != m_exact;
    m_exact = exactForModel && tokenizer->isExact();
    if (tokenizer->id() == m_tokenizer->id()) {
        if (exactChanged && m_selection)
            Q_EMIT countsApplied({}); // same figures, different "≈"
        if (wasPending)
            Q_EMIT countStateChanged(); // the figures shown were this tokenizer's after all
        return;
    }
    m_countJob.reset(); // it holds the old cache
    m_tokenizer = std::move(tokenizer);
    m_cache = std::make_shared<tokenize::TokenCache>(m_cacheFolder, m_tokenizer->id());
    m_countsStale = m_selection != nullptr; // the figures shown are the old tokenizer's
    if (recount)
        reopenKeepingSelection();
    Q_EMIT countStateChanged();
}

void Workspace::setTokenizerPending() {
    if (std::exchange(m_tokenizerPending, true))
        return;
    Q_EMIT countStateChanged();
}

void Workspace::reopenKeepingSelection() {
    if (m_scanWatcher.isRunning()) {
        open(m_options); // the running scan prices its overhead with the old settings
        return;          // and the selection on screen (if any) is not this scan's
    }
    if (!m_selection)
        return;
    QList<QByteArray> checked;
    const repo::RepoSnapshot &snap = m_selection->snapshot();
    for (int node : m_selection->selectedFiles())
        checked.append(snap.file(node).path);
    m_restoreSelection = std::move(checked);
    // The files are the same: re-price and re-count over the snapshot in place instead of
    // scanning again, so the tree keeps its rows (and the views their expanded folders,
    // scroll position and current row).
    startReprice();
}

void Workspace::startReprice() {
    cancel();
    m_scanCancel = std::make_shared<std::atomic_bool>(false);
    m_scanWatcher.setFuture(
        QtConcurrent::run(m_pool, [snapshot = m_selection->snapshotPtr(), tokenizer = m_tokenizer,
                                   format = m_format, cancel = m_scanCancel, cache = m_cache] {
            return priceSnapshot(snapshot, *tokenizer, format, cancel.get(), cache.get());
        }));
    Q_EMIT countStateChanged();
}

void Workspace::setPackOptions(const prompt::PackOptions &options) {
    m_format = prompt::PackFormat(options);
    reopenKeepingSelection();
}

void Workspace::onScanFinished() {
    // A newer open() may have replaced this future; only the latest result counts.
    if (m_scanWatcher.isRunning())
        return;
    Result<OpenedRepo> result = m_scanWatcher.result();
    if (!result) {
        if (result.error().code != Error::Code::Cancelled)
            Q_EMIT scanFailed(result.error());
        else if (m_selection && !m_countJob) // stopped before the new count began
            m_countStopped = true;
        m_countsStale = false;
        Q_EMIT countStateChanged();
        return;
    }
    OpenedRepo repo = std::move(result).value();
    const bool sameTree = m_selection && repo.snapshot == m_selection->snapshotPtr();
    if (!sameTree)
        Q_EMIT aboutToReplace();
    m_countJob.reset();
    m_fixedOverhead = repo.fixedOverhead;
    m_selection = std::make_unique<prompt::Selection>(repo.snapshot, std::move(repo.nodeOverheads));
    if (m_restoreSelection)
        m_selection->selectOnly(*std::exchange(m_restoreSelection, std::nullopt));
    if (sameTree)
        Q_EMIT selectionRebuilt();
    else
        Q_EMIT opened(repo.scanMs);
    startCounting();
}

void Workspace::startCounting() {
    m_countsStale = false;
    m_countStopped = false;
    m_countJob = std::make_unique<tokenize::CountJob>(m_selection->snapshotPtr(), m_tokenizer,
                                                      m_cache, m_pool);
    m_countJob->setHeldTextBudget(m_heldTextBudget);
    m_heldTexts.clear();
    const bool excludeGenerated = m_options.excludeGenerated;
    connect(m_countJob.get(), &tokenize::CountJob::batchReady, this,
            [this, excludeGenerated](const QList<tokenize::FileCount> &batch) {
                m_selection->applyCounts(batch, excludeGenerated);
                QList<int> nodes;
                nodes.reserve(batch.size());
                for (const tokenize::FileCount &fc : batch) {
                    nodes.append(fc.node);
                    if (fc.text) {
                        if (m_heldTexts.empty())
                            m_heldTexts.resize(size_t(m_selection->snapshot().nodeCount()));
                        m_heldTexts[size_t(fc.node)] = *fc.text;
                    }
                }
                Q_EMIT countsApplied(nodes);
            });
    connect(m_countJob.get(), &tokenize::CountJob::progressChanged, this,
            [this](int done, int total) {
                Q_EMIT countingProgress(done, total);
                Q_EMIT countStateChanged();
            });
    connect(m_countJob.get(), &tokenize::CountJob::finished, this, [this](bool cancelled) {
        m_countStopped = cancelled;
        Q_EMIT countingFinished(cancelled, m_countTimer.elapsed());
        Q_EMIT countStateChanged();
    });
    m_countTimer.start();
    m_countJob->start();
}

} // namespace reposcope::workspace
