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
//
// The rule per file (fromSelection):
//  - empty files: 0, so they get no rectangle;
//  - no text whose tokens would mean anything (binary, over the size cap, unreadable,
//    symlink, submodule, .git, or counted to 0 tokens): a stand-in, so the file stays
//    visible with its exclusion reason without swallowing the map: bytes × ratio, at least
//    1, at most the largest text file's weight and never over kOpaqueCapTokens;
//    estimated = false (it never becomes a count). A 50 MB binary or a 40 MB log thus
//    weighs at most as much as the largest source file;
//  - counted text: its tokens, exact, whatever its other exclusion (a vendored, generated
//    or lock file shows what ticking it would cost; all are under the size cap);
//  - not counted yet: bytes × the tokens/byte ratio of the files counted so far (0.25
//    before any), estimated = true.
// A folder is estimated when any file below it is.
struct MapWeights {
    std::vector<qint64> weight;  // per snapshot node
    std::vector<bool> estimated; // per node: the weight is not (fully) a count yet
    quint64 generation = 0;      // bumps whenever any weight changes
    static constexpr qint64 kOpaqueCapTokens = 4096;
    static std::shared_ptr<const MapWeights> fromSelection(const prompt::Selection &selection,
                                                           quint64 generation);
};

// One rectangle of a laid-out map: a file or a folder of the snapshot.
struct MapRect {
    QRectF rect;       // in layout coordinates, inside (0, 0, size)
    QRectF labelRect;  // folders: the strip where the name fits; empty where it does not
    int node = -1;     // snapshot node
    int parent = -1;   // index into MapLayout::rects of the enclosing folder, -1 at the top
    int end = 0;       // one past the last rect of this one's subtree: rects are in pre-order,
                       // so this rect's descendants are exactly rects (index, end)
    quint16 depth = 0; // below MapLayout::root (the root's rect is 0)
    bool folder = false;
};

// A squarified treemap (Bruls, Huizing, van Wijk) of one folder's subtree. Folders are
// framed (a border and, where there is room, a label strip); rectangles smaller than
// minSide are not subdivided further (their folder is drawn as one block).
//
// Precisely: a folder's content area is its rect inset by framePx on every side, less a
// label strip of labelPx at the top where the rect is wider than 40 px and taller than
// 2 × labelPx. Its children of positive weight share the content area in proportion to
// their weights. A child whose rect would be narrower or lower than minSide is left out
// (with its subtree): its share of the area stays part of the folder, which is painted
// there. A folder whose content area is below minSide gets no children.
struct MapLayoutOptions {
    qreal framePx = 1.0;
    qreal labelPx = 14.0; // height of a folder's label strip
    qreal minSide = 3.0;  // no rectangles narrower than this
};

// rects[0], when there is one, is the root folder itself (framed and labelled like any
// folder); a root of zero weight gives no rects at all. Every rect has a positive weight.
struct MapLayout {
    int root = 0; // the folder laid out (the zoom level)
    QSizeF size;
    quint64 generation = 0;     // MapWeights::generation it was made from
    std::vector<MapRect> rects; // parents before their children (paint order)

    // The deepest rectangle containing p, or -1. O(depth × fan-out): descends the tree
    // and skips whole subtrees (MapRect::end), so no scan over every rect.
    int hitTest(QPointF p) const;
    // Rectangles intersecting r whose node is a file (for rubber-band selection), in
    // pre-order. Subtrees whose folder misses r are skipped.
    std::vector<int> filesIn(const QRectF &r) const;
};

// Pure and thread-safe: lays out root's subtree of snapshot into size.
MapLayout layoutTokenMap(const repo::RepoSnapshot &snapshot, const MapWeights &weights, int root,
                         QSizeF size, const MapLayoutOptions &options = {});

} // namespace reposcope::models
