// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"
#include "tokenize/countjob.h"

#include <QList>
#include <QRegularExpression>
#include <QString>

#include <vector>

namespace reposcope::prompt {

// Sums over a set of files.
struct Totals {
    qint64 tokens = 0;
    qint64 bytes = 0;
    qint64 lines = 0;
    qint64 overhead = 0; // pack overhead: file headers and directory-tree lines
    int files = 0;
    Totals &operator+=(const Totals &o);
    Totals &operator-=(const Totals &o);
};

// What is known about one file node beyond the scan.
struct FileState {
    bool counted = false;
    bool checked = false;
    repo::Exclusion exclusion = repo::Exclusion::None; // scan reason, or content reason
    tokenize::ContentStats stats;
    qint32 overhead = 0; // tokens this file adds to the pack besides its content
    QString problem;     // why it could not be counted, if it could not
};

// The tri-state selection over a snapshot, with per-folder sums of selected and total
// tokens, bytes and lines. Not thread-safe: lives on one thread (the UI's or the CLI's).
// Cost: toggling a node is O(size of its subtree + depth × fan-out); applying counts is
// O(depth) per file.
class Selection {
public:
    // nodeOverheads[node]: tokens the pack spends on that node besides file content
    // (tree line, file header), from PackFormat::nodeOverhead; computed off the UI thread.
    Selection(repo::SnapshotPtr snapshot, std::vector<qint32> nodeOverheads);

    const repo::RepoSnapshot &snapshot() const { return *m_snapshot; }
    repo::SnapshotPtr snapshotPtr() const { return m_snapshot; }

    // Applies a batch of counts: files learnt to be binary or generated become excluded
    // (and are deselected unless the user ticked them explicitly).
    void applyCounts(const QList<tokenize::FileCount> &batch, bool excludeGeneratedContent = true);

    Qt::CheckState checkState(int node) const;
    // Folder: checking selects every file below that is not excluded; unchecking clears
    // all. File: sets it, excluded or not (ticking an excluded file overrides the reason).
    void setChecked(int node, bool checked);
    void invert();
    // Selects or deselects files whose path matches a glob (gitignore-like: "*.go",
    // "src/**", "**/test/*"). Returns the number of files changed.
    int setCheckedByGlob(const QString &glob, bool checked);
    // Selects exactly these paths (e.g. files changed since a ref); others are cleared.
    int selectOnly(const QList<QByteArray> &paths);

    const Totals &selected(int node) const { return m_selected[node]; }
    const Totals &total(int node) const { return m_total[node]; }
    const FileState &file(int node) const { return m_files[node]; }
    repo::Exclusion exclusion(int node) const { return m_files[node].exclusion; }
    bool fullyCounted() const { return m_countedFiles == m_countableFiles; }
    int countedFiles() const { return m_countedFiles; }

    // Back to the default ticks: every file the exclusion rules (scan or content) leave in.
    void resetToDefaults();
    // Per node: whether the file is ticked (false for folders). n bits, for undo snapshots.
    std::vector<bool> checkedFiles() const;
    // Sets the ticks of these files (values[i] for nodes[i]) and recomputes the sums once.
    void setCheckedFiles(const std::vector<int> &nodes, const std::vector<bool> &values);

    // Pins: a pinned file, or any file below a pinned folder, is kept by "Fit to budget".
    void setPinned(int node, bool pinned);
    bool isPinned(int node) const { return m_pinned[size_t(node)]; }
    // True when the node or one of its folders is pinned. O(depth).
    bool isKept(int node) const;
    // Pinned nodes' paths (folders without a trailing '/'), in pre-order.
    QList<QByteArray> pinnedPaths() const;
    bool hasPins() const { return m_pinCount > 0; }

    // Selected file nodes in pack order (pre-order).
    std::vector<int> selectedFiles() const;
    // Of those, the ones whose tokens are not in the totals: not counted yet, or ticked
    // explicitly although they could not be counted. Sending or exporting these needs an
    // explicit confirmation that names them (uncountedReason says why, per file).
    std::vector<int> uncountedSelected() const;
    QString uncountedReason(int node) const;

    // Glob matching shared with the scanner's include/exclude semantics.
    static QRegularExpression globToRegex(const QString &glob);

private:
    void setFileChecked(int node, bool checked);
    void recomputeRange(int first, int end);
    void recomputeAncestors(int node);
    void recomputeDir(int node);

    repo::SnapshotPtr m_snapshot;
    std::vector<FileState> m_files; // indexed by node; unused for directories
    std::vector<Totals> m_selected;
    std::vector<Totals> m_total;
    std::vector<int> m_eligible;         // per node: files not excluded
    std::vector<int> m_eligibleSelected; // per node: of those, selected
    std::vector<qint32> m_dirOverhead;   // per directory: its tree line
    std::vector<bool> m_pinned;          // per node
    int m_pinCount = 0;
    int m_countableFiles = 0;
    int m_countedFiles = 0;
};

} // namespace reposcope::prompt
