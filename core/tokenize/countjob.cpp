// SPDX-License-Identifier: MIT
#include "tokenize/countjob.h"

#include "repo/contentreader.h"
#include "text/byteslab.h"
#include "tokenize/streamcount.h"

#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

namespace reposcope::tokenize {

struct CountJob::State {
    std::vector<int> queue;
    std::atomic<size_t> cursor{0};
    std::atomic_bool cancel{false};
    std::atomic<int> workersLeft{0};
    std::atomic<int> flushers{0};      // workers yet to finish; the last one saves the cache
    bool keepTexts = false;            // set before the workers start
    std::atomic<qint64> heldBudget{0}; // bytes of decoded text still allowed to be kept
    QMutex mutex;
    QList<FileCount> pending;
};

bool isCountable(const repo::ScannedFile &file) {
    return file.kind == repo::EntryKind::File && file.exclusion != repo::Exclusion::GitDir &&
           file.exclusion != repo::Exclusion::Unreadable;
}

namespace {

// Reads a file; into the slab when one is given (the texts kept for the pack).
Result<QByteArray> readContent(repo::ContentReader &reader, const repo::ScannedFile &file,
                               text::ByteSlab *slab) {
    if (slab) {
        const qsizetype room = file.size + file.size / 16 + 4096; // it may have grown
        if (char *buffer = slab->reserve(room)) {
            const Result<qsizetype> n = reader.readInto(file, buffer, room);
            if (!n)
                return n.error();
            if (*n >= 0)
                return slab->commit(*n);
        }
    }
    return reader.read(file);
}

} // namespace

ContentStats CountJob::analyse(const QByteArray &raw, const Tokenizer &tokenizer) {
    return analyse(raw, tokenizer, nullptr);
}

ContentStats CountJob::analyse(const QByteArray &raw, const Tokenizer &tokenizer,
                               QByteArray *decodedText) {
    text::DecodedText decoded = text::decodeText(raw);
    if (decodedText)
        *decodedText = decoded.binary ? QByteArray() : std::move(decoded.utf8);
    ContentStats s;
    s.encoding = decoded.encoding;
    s.binary = decoded.binary;
    s.replacedBytes = quint32(decoded.replacedBytes);
    if (decoded.binary)
        return s;
    const QByteArray &t = decodedText ? *decodedText : decoded.utf8;
    const qint64 lines = text::countLines(t);
    s.lines = quint32(lines);
    s.tokens = quint32(tokenizer.count(std::string_view(t.constData(), size_t(t.size()))));
    s.generated = looksGenerated(t, t.size(), lines);
    return s;
}

CountJob::CountJob(repo::SnapshotPtr snapshot, std::shared_ptr<const Tokenizer> tokenizer,
                   std::shared_ptr<TokenCache> cache, QThreadPool *pool, QObject *parent)
    : QObject(parent)
    , m_snapshot(std::move(snapshot))
    , m_tokenizer(std::move(tokenizer))
    , m_cache(std::move(cache))
    , m_pool(pool) {
    m_timer.setInterval(50);
    connect(&m_timer, &QTimer::timeout, this, &CountJob::drain);
}

CountJob::~CountJob() {
    cancel();
    for (QFuture<void> &f : m_workers)
        f.waitForFinished();
    if (m_cache)
        m_cache->flush();
}

void CountJob::start() {
    m_state = std::make_shared<State>();
    const repo::RepoSnapshot &snap = *m_snapshot;
    for (int node = 0; node < snap.nodeCount(); ++node) {
        if (snap.isDirectory(node) || !isCountable(snap.file(node)))
            continue;
        ++m_total;
        // Cache lookups happen on the workers: the first one loads the cache file, which
        // is disk I/O the UI thread must not do.
        m_state->queue.push_back(node);
    }
    // The queue stays in pre-order: files of one folder are read together, which is what
    // a cold disk and the kernel's read-ahead reward, and the tree fills in folder by folder.
    m_state->keepTexts = m_heldTextBudget > 0;
    m_state->heldBudget = m_heldTextBudget;
    m_running = true;

    const int workers =
        std::max(1, std::min<int>(m_pool->maxThreadCount(), int(m_state->queue.size())));
    m_state->workersLeft = m_state->queue.empty() ? 0 : workers;
    m_state->flushers = m_state->workersLeft.load();
    for (int w = 0; w < workers && !m_state->queue.empty(); ++w) {
        m_workers.append(QtConcurrent::run(m_pool, [this, state = m_state, snapshot = m_snapshot,
                                                    tokenizer = m_tokenizer, cache = m_cache] {
            auto reader = repo::makeContentReader(snapshot->info());
            text::ByteSlab slab; // the texts this worker keeps
            QList<FileCount> local;
            for (;;) {
                const size_t i = state->cursor.fetch_add(1);
                if (i >= state->queue.size() || state->cancel)
                    break;
                const int node = state->queue[i];
                const repo::ScannedFile &file = snapshot->file(node);
                FileCount fc;
                fc.node = node;
                std::optional<ContentStats> known;
                if (!repo::isNull(file.blobId))
                    known = cache->find(file.blobId);
                if (!known && file.size > kStreamFromBytes) {
                    // Too large to hold: counted in chunks, never kept (the pack reads it).
                    Result<ContentStats> streamed = countStreaming(*reader, file, *tokenizer);
                    if (streamed) {
                        fc.ok = true;
                        fc.stats = *streamed;
                        if (!repo::isNull(file.blobId))
                            cache->insert(file.blobId, fc.stats);
                    } else {
                        fc.error = streamed.error().message;
                    }
                    local.append(std::move(fc));
                    continue;
                }
                const bool mayKeep = state->keepTexts &&
                                     state->heldBudget.load(std::memory_order_relaxed) >= file.size;
                Result<QByteArray> raw =
                    known ? Result<QByteArray>(QByteArray())
                          : readContent(*reader, file, mayKeep ? &slab : nullptr);
                if (known) {
                    fc.ok = fc.fromCache = true;
                    fc.stats = *known;
                } else if (!raw) {
                    fc.error = raw.error().message;
                } else {
                    const ContentKey key =
                        repo::isNull(file.blobId) ? contentKey(*raw) : file.blobId;
                    // Keep the text only while the budget lasts (a rough, racy-safe check).
                    const bool keep =
                        state->keepTexts &&
                        state->heldBudget.load(std::memory_order_relaxed) >= raw->size();
                    QByteArray text;
                    if (auto hit = cache->find(key)) {
                        fc.stats = *hit;
                        fc.fromCache = true;
                        if (keep && !hit->binary)
                            text = text::decodeText(*raw).utf8;
                    } else {
                        fc.stats = analyse(*raw, *tokenizer, keep ? &text : nullptr);
                        cache->insert(key, fc.stats);
                    }
                    if (keep && !fc.stats.binary) {
                        state->heldBudget.fetch_sub(text.size(), std::memory_order_relaxed);
                        fc.text = std::move(text);
                    }
                    fc.ok = true;
                }
                local.append(std::move(fc));
                if (local.size() >= 64) {
                    QMutexLocker lock(&state->mutex);
                    state->pending.append(std::move(local));
                    local.clear();
                }
            }
            // The last worker out saves the new entries, off the UI thread.
            if (state->flushers.fetch_sub(1) == 1)
                cache->flush();
            QMutexLocker lock(&state->mutex);
            state->pending.append(std::move(local));
            if (--state->workersLeft == 0) // report at once instead of on the next tick
                QMetaObject::invokeMethod(this, &CountJob::drain, Qt::QueuedConnection);
        }));
    }
    m_timer.start();
    Q_EMIT progressChanged(0, m_total);
    drain();
}

void CountJob::cancel() {
    if (m_state)
        m_state->cancel = true;
}

void CountJob::drain() {
    if (!m_running)
        return;
    QList<FileCount> batch;
    bool allDone;
    {
        QMutexLocker lock(&m_state->mutex);
        batch.swap(m_state->pending);
        allDone = m_state->workersLeft == 0;
    }
    if (!batch.isEmpty()) {
        m_done += int(batch.size());
        Q_EMIT batchReady(batch);
        Q_EMIT progressChanged(m_done, m_total);
    }
    if (allDone) {
        m_timer.stop();
        m_running = false;
        Q_EMIT finished(m_state->cancel.load());
    }
}

} // namespace reposcope::tokenize
