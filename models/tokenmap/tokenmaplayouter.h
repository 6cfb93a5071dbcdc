// SPDX-License-Identifier: MIT
#pragma once

#include "tokenmap/tokenmaplayout.h"

#include <QObject>

class QThreadPool;

namespace reposcope::models {

// Runs layoutTokenMap on a pool and keeps the results per (folder, size, weights
// generation), so zooming back out or repainting after a selection change (which does not
// change weights) costs no layout. A newer request supersedes an older one that has not
// finished: only the newest result is delivered. Lives on the UI thread.
//
// The cache holds up to 16 layouts (and at most about 400k rects, ~35 MB) of the newest
// request's snapshot and weights generation: a request with other weights or another
// snapshot empties it (weights only move forward). The destructor never waits for a
// running job: the job drops its result.
class TokenMapLayouter : public QObject {
    Q_OBJECT
public:
    explicit TokenMapLayouter(QThreadPool *pool, QObject *parent = nullptr);
    ~TokenMapLayouter() override;

    // Delivers through laidOut, at once (same call) when the cache has it.
    void request(repo::SnapshotPtr snapshot, std::shared_ptr<const MapWeights> weights, int root,
                 QSizeF size, const MapLayoutOptions &options = {});
    // Drops every cached layout (a new snapshot).
    void clear();

Q_SIGNALS:
    void laidOut(std::shared_ptr<const reposcope::models::MapLayout> layout);

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace reposcope::models
