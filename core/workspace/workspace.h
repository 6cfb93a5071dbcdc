// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "prompt/packformat.h"
#include "prompt/packwriter.h"
#include "prompt/selection.h"
#include "repo/reposcanner.h"
#include "repo/reposnapshot.h"
#include "tokenize/countjob.h"
#include "tokenize/tokenizer.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

class QThreadPool;

namespace reposcope::workspace {

// Everything the open step computes off the UI thread.
struct OpenedRepo {
    repo::SnapshotPtr snapshot;
    std::vector<qint32> nodeOverheads;
    qint64 fixedOverhead = 0;
    qint64 scanMs = 0; // scan to priced; set by openRepository (0 from openScanned)
};

// Open a repository or folder: scan, build the snapshot, price each node's pack overhead.
// Blocking; used by Workspace on the pool and directly by the CLI. With a cache (of the
// tokenizer's counts), prices known from an earlier open are looked up, not counted.
Result<OpenedRepo> openRepository(const repo::ScanOptions &options,
                                  const tokenize::Tokenizer &tokenizer,
                                  const prompt::PackFormat &format, const std::atomic_bool *cancel,
                                  tokenize::TokenCache *cache = nullptr);
// The same from a scan already made (it needs no tokenizer, so it can run while one loads).
Result<OpenedRepo> openScanned(Result<repo::ScanResult> scanned,
                               const tokenize::Tokenizer &tokenizer,
                               const prompt::PackFormat &format, const std::atomic_bool *cancel,
                               tokenize::TokenCache *cache = nullptr);
// The pricing step alone, over a snapshot already built (re-pricing for another tokenizer
// or pack format keeps the snapshot, and with it every node id).
Result<OpenedRepo> priceSnapshot(repo::SnapshotPtr snapshot, const tokenize::Tokenizer &tokenizer,
                                 const prompt::PackFormat &format, const std::atomic_bool *cancel,
                                 tokenize::TokenCache *cache = nullptr);

// How far the counts of the open selection are. Counting while a scan, a re-pricing or
// the count job runs, and after a tokenizer switch until its count starts; Stopped when
// the count was cancelled; Complete once every countable file is counted.
struct CountState {
    enum class Phase { NoRepository, Counting, Stopped, Complete };
    Phase phase = Phase::NoRepository;
    int done = 0;  // files counted so far
    int total = 0; // files to count (0 while the count has not started)
    // done / total, 0 before the count starts.
    double share() const { return total > 0 ? double(done) / double(total) : 0.0; }
    bool complete() const { return phase == Phase::Complete; }
};

// The open repository: drives the scan and the background count, owns the selection.
// Lives on the UI thread; all heavy work runs on the injected pool. Cancelling or
// opening another repository stops the previous work; nothing blocks the caller.
class Workspace : public QObject {
    Q_OBJECT
public:
    Workspace(QThreadPool *pool, std::shared_ptr<const tokenize::Tokenizer> tokenizer,
              QString cacheFolder, QObject *parent = nullptr);
    ~Workspace() override;

    void open(const repo::ScanOptions &options);
    // Opens with the result of repo::scanRepository(options) made beforehand (the CLI scans
    // while the vocabulary loads); otherwise exactly as open().
    void open(const repo::ScanOptions &options, Result<repo::ScanResult> scanned);
    void cancel();
    // Re-opens to re-price the overhead; keeps the user's selection.
    void setPackOptions(const prompt::PackOptions &options);
    // Counts with another tokenizer from now on: re-prices and re-counts (from its own
    // cache) and keeps the user's selection. No-op for the same tokenizer id.
    // exactForModel: the tokenizer is the chosen model's own (counts shown without "≈").
    // recount false: the caller opens another repository right away, so the current one
    // is not re-counted (its figures stay those of the old tokenizer until then).
    void setTokenizer(std::shared_ptr<const tokenize::Tokenizer> tokenizer, bool exactForModel,
                      bool recount = true);
    bool countsAreExact() const { return m_exact; }
    // Another tokenizer is being loaded for the chosen model: until setTokenizer() hands it
    // over, the figures on screen may be the old tokenizer's, so the count state is Counting.
    void setTokenizerPending();
    // bytes > 0: the next counts keep the decoded text of the files they read, up to that
    // many bytes in all, for takeHeldTexts() (the CLI writes its pack from them). 0 (the
    // default) keeps nothing. Applies from the next open().
    void setHeldTextBudget(qint64 bytes) { m_heldTextBudget = bytes; }
    // The texts kept so far, indexed by node of the current snapshot; empties the store.
    prompt::HeldTexts takeHeldTexts() { return std::exchange(m_heldTexts, {}); }

    bool isBusy() const;
    CountState countState() const;
    const repo::ScanOptions &options() const { return m_options; }
    prompt::Selection *selection() const { return m_selection.get(); }
    repo::SnapshotPtr snapshot() const {
        return m_selection ? m_selection->snapshotPtr() : nullptr;
    }
    const tokenize::Tokenizer &tokenizer() const { return *m_tokenizer; }
    // The same, shared: for workers that count after the UI thread may have switched it.
    std::shared_ptr<const tokenize::Tokenizer> tokenizerPtr() const { return m_tokenizer; }
    const prompt::PackFormat &packFormat() const { return m_format; }
    qint64 fixedOverhead() const { return m_fixedOverhead; }
    QThreadPool *pool() const { return m_pool; }
    QString cacheProblem() const;

Q_SIGNALS:
    void scanStarted(const QString &path);
    void scanFailed(const reposcope::Error &error);
    // The snapshot and selection are about to be replaced (views must drop their indexes).
    void aboutToReplace();
    // A new snapshot and selection are in place (the old ones are gone).
    void opened(qint64 scanMs);
    // Counts for these nodes arrived (their folders' sums changed too).
    void countsApplied(const QList<int> &nodes);
    void countingProgress(int done, int total);
    void countingFinished(bool cancelled, qint64 elapsedMs);
    // The selection was rebuilt over the same snapshot (another tokenizer or pack format):
    // node ids and the tree are unchanged, the checked files are kept, every count is new
    // (counting starts right after). Views keep their rows; only figures change.
    void selectionRebuilt();
    // countState() changed (started, progressed, finished, stopped, a switch pending).
    void countStateChanged();

private:
    void startOpen(const repo::ScanOptions &options,
                   std::shared_ptr<Result<repo::ScanResult>> scanned);
    void onScanFinished();
    void startCounting();
    void startReprice();
    void reopenKeepingSelection();

    QThreadPool *m_pool;
    std::shared_ptr<const tokenize::Tokenizer> m_tokenizer;
    std::shared_ptr<tokenize::TokenCache> m_cache;
    prompt::PackFormat m_format{prompt::PackOptions{}};
    repo::ScanOptions m_options;
    std::shared_ptr<std::atomic_bool> m_scanCancel;
    QFutureWatcher<Result<OpenedRepo>> m_scanWatcher;
    std::unique_ptr<prompt::Selection> m_selection;
    std::unique_ptr<tokenize::CountJob> m_countJob;
    qint64 m_fixedOverhead = 0;
    qint64 m_heldTextBudget = 0;
    prompt::HeldTexts m_heldTexts;
    QString m_cacheFolder;
    bool m_exact = false;
    bool m_tokenizerPending = false; // setTokenizerPending() until setTokenizer()
    bool m_countsStale = false;      // the tokenizer changed and its count has not started
    bool m_countStopped = false;     // the last count was cancelled
    std::optional<QList<QByteArray>> m_restoreSelection; // checked paths to keep across a re-open
    QElapsedTimer m_countTimer;
};

} // namespace reposcope::workspace
