// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"
#include "tokenize/tokencache.h"
#include "tokenize/tokenizer.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

class QThreadPool;

namespace reposcope::tokenize {

// The outcome for one file node.
struct FileCount {
    int node = -1;
    bool ok = false; // false: could not be read (error says why); such a file is not packed
    bool fromCache = false;
    ContentStats stats;
    QString error;
    // The decoded text, when the job keeps texts (setHeldTextBudget) and read this file.
    std::optional<QByteArray> text;
};

// Counts every countable file of a snapshot in the background and reports results in
// batches on the owner's thread (at most every 50 ms). Cached counts are reported
// first without touching the disk. Workers run on the injected pool, one ContentReader
// each. Cancel at any time; the destructor cancels and waits for the workers.
class CountJob : public QObject {
    Q_OBJECT
public:
    // Files larger than this are counted in chunks (StreamCounter), in bounded memory,
    // instead of being read whole. Every file is counted, whatever its size.
    static constexpr qint64 kStreamFromBytes = 16 * 1024 * 1024;

    CountJob(repo::SnapshotPtr snapshot, std::shared_ptr<const Tokenizer> tokenizer,
             std::shared_ptr<TokenCache> cache, QThreadPool *pool, QObject *parent = nullptr);
    ~CountJob() override;

    // Before start(): keep the decoded text of the files read (not those answered from the
    // cache) in FileCount::text, up to `bytes` in all; 0 keeps none.
    void setHeldTextBudget(qint64 bytes) { m_heldTextBudget = bytes; }
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    int total() const { return m_total; }
    int done() const { return m_done; }

    // Counts one piece of content the way the job does (decode, count, classify).
    static ContentStats analyse(const QByteArray &raw, const Tokenizer &tokenizer);
    // Same; also hands out the decoded text (empty for binary content).
    static ContentStats analyse(const QByteArray &raw, const Tokenizer &tokenizer,
                                QByteArray *decodedText);

Q_SIGNALS:
    void batchReady(const QList<reposcope::tokenize::FileCount> &batch);
    void progressChanged(int done, int total);
    void finished(bool cancelled);

private:
    struct State;
    void drain();

    repo::SnapshotPtr m_snapshot;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::shared_ptr<TokenCache> m_cache;
    QThreadPool *m_pool;
    std::shared_ptr<State> m_state;
    QList<QFuture<void>> m_workers;
    QTimer m_timer;
    qint64 m_heldTextBudget = 0;
    bool m_running = false;
    int m_total = 0;
    int m_done = 0;
};

// True for file entries that hold countable content (not symlinks, submodules or .git).
bool isCountable(const repo::ScannedFile &file);

} // namespace reposcope::tokenize
