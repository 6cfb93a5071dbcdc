// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <memory>
#include <vector>

namespace reposcope::prompt {
class Selection;
}

namespace reposcope::models {

// What a file is, for the token map's second palette. Worked out from the path and the
// scan's exclusion reason only (no file access).
enum class FileKind : quint8 { Code, Tests, Docs, Config, Generated, Vendored, Other };
FileKind classifyFileKind(const QByteArray &path, repo::Exclusion exclusion);

// The area of each node of a snapshot: a file's tokens with the current tokenizer, or an
// estimate from its bytes while it is not counted (see MapWeights::estimated). Folders
// hold the sum of their subtree. Built on the UI thread from the Selection (O(nodes)),
// then read by the layout on the pool; immutable once built.
struct MapWeights {
    std::vector<qint64> weight;    // per snapshot node
    std::vector<bool> estimated;   // per node: the weight is not (fully) a count yet
    quint64 generation = 0;        // bumps whenever any weight changes
    static std::shared_ptr<const MapWeights> fromSelection(const prompt::Selection &selection,
                                                           quint64 generation);
};

// One rectangle of a laid-out map: a file or a folder of the snapshot.
struct MapRect {
    QRectF rect;      // in layout coordinates, inside (0, 0, size)
    QRectF labelRect; // folders: the strip where the name fits; empty where it does not
    int node = -1;    // snapshot node
    int parent = -1;  // index into MapLayout::rects of the enclosing folder, -1 at the top
    quint16 depth = 0;
    bool folder = false;
};

// A squarified treemap (Bruls, Huizing, van Wijk) of one folder's subtree. Folders are
// framed (a border and, where there is room, a label strip); rectangles smaller than
// minSide are not subdivided further (their folder is drawn as one block).
struct MapLayoutOptions {
    qreal framePx = 1.0;
    qreal labelPx = 14.0;  // height of a folder's label strip
    qreal minSide = 3.0;   // no rectangles narrower than this
};

struct MapLayout {
    int root = 0;          // the folder laid out (the zoom level)
    QSizeF size;
    quint64 generation = 0; // MapWeights::generation it was made from
    std::vector<MapRect> rects; // parents before their children (paint order)

    // The deepest rectangle containing p, or -1.
    int hitTest(QPointF p) const;
    // Rectangles intersecting r whose node is a file (for rubber-band selection).
    std::vector<int> filesIn(const QRectF &r) const;
};

// Pure and thread-safe: lays out root's subtree of snapshot into size.
MapLayout layoutTokenMap(const repo::RepoSnapshot &snapshot, const MapWeights &weights, int root,
                         QSizeF size, const MapLayoutOptions &options = {});

} // namespace reposcope::models
