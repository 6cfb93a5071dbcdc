// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"

#include <memory>
#include <vector>

namespace reposcope::repo {

// The immutable result of a scan as a tree in flat arrays. Node 0 is the root folder;
// nodes are in depth-first pre-order with each folder's children sorted (folders first,
// then by name), so a node's subtree is the contiguous range [node, subtreeEnd(node)).
// Shared between threads through shared_ptr<const RepoSnapshot>; never mutated.
class RepoSnapshot {
public:
    static std::shared_ptr<const RepoSnapshot> build(ScanResult scan);

    const RepoInfo &info() const { return m_info; }

    int nodeCount() const { return int(m_nodes.size()); }
    int fileCount() const { return m_fileCount; }

    int parent(int node) const { return m_nodes[node].parent; }
    int childCount(int node) const { return m_nodes[node].childCount; }
    int child(int node, int row) const { return m_children[m_nodes[node].firstChild + row]; }
    int row(int node) const { return m_nodes[node].row; }
    int subtreeEnd(int node) const { return m_nodes[node].subtreeEnd; }
    int depth(int node) const { return m_nodes[node].depth; }
    bool isDirectory(int node) const { return m_nodes[node].file < 0; }

    // Display name (last path component): file names are untrusted, so control characters,
    // invalid UTF-8 and the like are written as visible escapes (text::visibleName).
    QString name(int node) const;
    // The last path component as raw bytes (the root: its folder name, encoded).
    QByteArray nameBytes(int node) const;
    // Repository-relative path as raw bytes ("" for the root): what reads the file.
    QByteArray path(int node) const;
    // The same path for display, escaped like name(); text::rawName() inverts it.
    QString visiblePath(int node) const;
    // The scanned file behind a file node; undefined for directories.
    const ScannedFile &file(int node) const { return m_files[m_nodes[node].file]; }

    // Node of a relative path (raw bytes), or -1.
    int find(const QByteArray &path) const;
    // Node of a path as visiblePath() shows it (a model cites this form), or -1.
    int findVisible(const QString &visiblePath) const;

private:
    struct Node {
        int parent = -1;
        int firstChild = 0;
        int childCount = 0;
        int row = 0;
        int subtreeEnd = 0;
        int depth = 0;
        int file = -1; // index into m_files; -1 for directories
        QByteArray name;
    };

    RepoInfo m_info;
    std::vector<Node> m_nodes;
    std::vector<int> m_children;
    std::vector<ScannedFile> m_files;
    int m_fileCount = 0;
};

using SnapshotPtr = std::shared_ptr<const RepoSnapshot>;

} // namespace reposcope::repo
