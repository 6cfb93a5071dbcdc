// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmaplayouter.h"

#include <QThreadPool>

#include <atomic>
#include <list>
#include <mutex>

namespace reposcope::models {

namespace {

constexpr size_t kCacheEntries = 16;
// About 35 MB of MapRects: a handful of whole-kernel layouts (78k rects each), many more of
// zoomed folders. Window resizes make a new size each, so entries alone are no bound.
constexpr size_t kCacheRects = 400'000;

struct Key {
    const repo::RepoSnapshot *snapshot = nullptr;
    int root = 0;
    QSizeF size;
    quint64 generation = 0;
    MapLayoutOptions options;

    bool operator==(const Key &o) const {
        return snapshot == o.snapshot && root == o.root && size == o.size &&
               generation == o.generation && options.framePx == o.options.framePx &&
               options.labelPx == o.options.labelPx && options.minSide == o.options.minSide;
    }
};

struct Entry {
    Key key;
    repo::SnapshotPtr snapshot; // keeps the pointer in the key from being reused
    std::shared_ptr<const MapLayout> layout;
};

} // namespace

// Shared with the jobs, which outlive the layouter when it is destroyed mid-job. The
// cache and the ticket are touched on the owner's thread only; the jobs read `latest` (to
// skip work already superseded) and post their result through `owner` under `mutex`,
// which the destructor clears first, so no job ever posts to a dead object.
struct TokenMapLayouter::State {
    QThreadPool *pool = nullptr;
    std::list<Entry> cache; // most recently used first
    size_t cachedRects = 0;
    // The cache holds layouts of the newest request's snapshot and weights only: weights
    // only move forward (a count arrived), so older ones are never asked for again.
    const repo::RepoSnapshot *currentSnapshot = nullptr;
    quint64 currentGeneration = 0;
    std::atomic<quint64> latest{0};

    std::mutex mutex;
    TokenMapLayouter *owner = nullptr; // guarded by mutex; null once destroyed

    std::shared_ptr<const MapLayout> find(const Key &key) {
        for (auto it = cache.begin(); it != cache.end(); ++it) {
            if (it->key == key) {
                cache.splice(cache.begin(), cache, it);
                return cache.front().layout;
            }
        }
        return nullptr;
    }
    void insert(const Key &key, repo::SnapshotPtr snapshot,
                std::shared_ptr<const MapLayout> layout) {
        if (key.snapshot != currentSnapshot || key.generation != currentGeneration || find(key))
            return;
        cachedRects += layout->rects.size();
        cache.push_front(Entry{key, std::move(snapshot), std::move(layout)});
        while (cache.size() > kCacheEntries || (cachedRects > kCacheRects && cache.size() > 1))
            popBack();
    }
    void popBack() {
        cachedRects -= cache.back().layout->rects.size();
        cache.pop_back();
    }
    // A request for other weights or another snapshot: everything cached is stale.
    void makeCurrent(const Key &key) {
        if (key.snapshot == currentSnapshot && key.generation == currentGeneration)
            return;
        currentSnapshot = key.snapshot;
        currentGeneration = key.generation;
        cache.clear();
        cachedRects = 0;
    }
};

TokenMapLayouter::TokenMapLayouter(QThreadPool *pool, QObject *parent)
    : QObject(parent)
    , m_state(std::make_shared<State>()) {
    m_state->pool = pool;
    m_state->owner = this;
}

TokenMapLayouter::~TokenMapLayouter() {
    // Never waits for a running job: it finishes on the pool, finds no owner and drops its
    // result. Events it already posted are discarded with this object.
    std::lock_guard lock(m_state->mutex);
    m_state->owner = nullptr;
    m_state->latest = ~quint64(0);
}

void TokenMapLayouter::request(repo::SnapshotPtr snapshot,
                               std::shared_ptr<const MapWeights> weights, int root, QSizeF size,
                               const MapLayoutOptions &options) {
    if (!snapshot || !weights)
        return;
    const quint64 ticket = ++m_state->latest; // supersedes whatever is pending
    const Key key{snapshot.get(), root, size, weights->generation, options};
    m_state->makeCurrent(key);
    if (std::shared_ptr<const MapLayout> cached = m_state->find(key)) {
        Q_EMIT laidOut(cached);
        return;
    }
    std::shared_ptr<State> state = m_state;
    m_state->pool->start([state, ticket, key, snapshot = std::move(snapshot),
                          weights = std::move(weights)]() mutable {
        if (state->latest.load() != ticket)
            return; // superseded while queued
        auto layout = std::make_shared<const MapLayout>(
            layoutTokenMap(*snapshot, *weights, key.root, key.size, key.options));
        std::lock_guard lock(state->mutex);
        if (!state->owner)
            return;
        QMetaObject::invokeMethod(
            state->owner,
            [state, ticket, key, snapshot = std::move(snapshot), layout = std::move(layout)] {
                TokenMapLayouter *owner = state->owner; // on the owner's thread: alive
                state->insert(key, snapshot, layout);
                if (owner && state->latest.load() == ticket)
                    Q_EMIT owner->laidOut(layout);
            },
            Qt::QueuedConnection);
    });
}

void TokenMapLayouter::clear() {
    m_state->cache.clear();
    m_state->cachedRects = 0;
    m_state->currentSnapshot = nullptr;
}

} // namespace reposcope::models
