// SPDX-License-Identifier: MIT
#include "tokenmaptestsupport.h"

#include <gtest/gtest.h>

#include <map>

namespace reposcope::test {

using models::MapLayout;
using models::MapLayoutOptions;
using models::MapRect;
using models::MapWeights;

std::shared_ptr<const MapWeights> sizeWeights(const repo::RepoSnapshot &snap, quint64 generation) {
    auto w = std::make_shared<MapWeights>();
    w->generation = generation;
    w->weight.assign(size_t(snap.nodeCount()), 0);
    w->estimated.assign(size_t(snap.nodeCount()), false);
    for (int node = snap.nodeCount() - 1; node >= 0; --node) {
        if (!snap.isDirectory(node))
            w->weight[size_t(node)] = snap.file(node).size;
        if (snap.parent(node) >= 0)
            w->weight[size_t(snap.parent(node))] += w->weight[size_t(node)];
    }
    return w;
}

QRectF contentArea(const MapRect &r, const MapLayoutOptions &o) {
    QRectF c = r.rect.adjusted(o.framePx, o.framePx, -o.framePx, -o.framePx);
    if (!r.labelRect.isEmpty())
        c.setTop(c.top() + o.labelPx);
    return c;
}

namespace {

bool inside(const QRectF &inner, const QRectF &outer, double eps = 1e-6) {
    return inner.left() >= outer.left() - eps && inner.top() >= outer.top() - eps &&
           inner.right() <= outer.right() + eps && inner.bottom() <= outer.bottom() + eps;
}

double overlapArea(const QRectF &a, const QRectF &b) {
    const QRectF i = a.intersected(b);
    return i.isValid() ? i.width() * i.height() : 0.0;
}

} // namespace

void checkLayoutInvariants(const repo::RepoSnapshot &snap, const MapWeights &weights,
                           const MapLayout &layout, const MapLayoutOptions &o) {
    const auto &rects = layout.rects;
    const int n = int(rects.size());
    if (weights.weight[size_t(layout.root)] == 0) {
        EXPECT_EQ(n, 0);
        return;
    }
    ASSERT_GT(n, 0);
    EXPECT_EQ(rects[0].node, layout.root);
    EXPECT_EQ(rects[0].parent, -1);
    EXPECT_EQ(rects[0].end, n);
    EXPECT_EQ(rects[0].rect, QRectF(QPointF(0, 0), layout.size));
    const QRectF whole(QPointF(0, 0), layout.size);
    std::map<int, std::vector<int>> children; // rect index -> child rect indexes
    for (int i = 0; i < n; ++i) {
        const MapRect &r = rects[size_t(i)];
        SCOPED_TRACE(testing::Message() << "rect " << i << " node " << r.node << " "
                                        << snap.path(r.node).toStdString());
        EXPECT_GT(weights.weight[size_t(r.node)], 0) << "zero-weight node has a rect";
        EXPECT_EQ(r.folder, snap.isDirectory(r.node));
        EXPECT_TRUE(inside(r.rect, whole));
        EXPECT_GT(r.end, i);
        EXPECT_LE(r.end, n);
        // Label strip exactly where there is room.
        const bool room = r.folder && r.rect.width() > 40 && r.rect.height() > 2 * o.labelPx;
        EXPECT_EQ(!r.labelRect.isEmpty(), room);
        if (!r.labelRect.isEmpty()) {
            EXPECT_TRUE(inside(r.labelRect, r.rect));
            EXPECT_DOUBLE_EQ(r.labelRect.height(), o.labelPx);
        }
        if (i == 0)
            continue;
        EXPECT_GE(r.rect.width(), o.minSide);
        EXPECT_GE(r.rect.height(), o.minSide);
        ASSERT_GE(r.parent, 0);
        ASSERT_LT(r.parent, i) << "parent after child";
        const MapRect &p = rects[size_t(r.parent)];
        EXPECT_TRUE(p.folder);
        EXPECT_EQ(snap.parent(r.node), p.node) << "not a direct child";
        EXPECT_EQ(r.depth, p.depth + 1);
        EXPECT_LE(r.end, p.end) << "subtree not nested in its parent's";
        EXPECT_TRUE(inside(r.rect, contentArea(p, o))) << "outside the parent's content area";
        children[r.parent].push_back(i);
    }
    // Descendant ranges: rect j is in (i, end_i) exactly when i is among j's ancestors.
    for (int j = 1; j < n; ++j) {
        for (int a = rects[size_t(j)].parent; a >= 0; a = rects[size_t(a)].parent)
            EXPECT_TRUE(a < j && j < rects[size_t(a)].end);
    }
    for (const auto &[parent, kids] : children) {
        const MapRect &p = rects[size_t(parent)];
        const QRectF content = contentArea(p, o);
        const double contentPx = content.width() * content.height();
        qint64 positive = 0;
        int positiveKids = 0;
        for (int row = 0; row < snap.childCount(p.node); ++row) {
            const qint64 w = weights.weight[size_t(snap.child(p.node, row))];
            positive += w;
            positiveKids += w > 0;
        }
        double sum = 0;
        for (size_t a = 0; a < kids.size(); ++a) {
            const MapRect &r = rects[size_t(kids[a])];
            const double area = r.rect.width() * r.rect.height();
            sum += area;
            const double expected =
                contentPx * double(weights.weight[size_t(r.node)]) / double(positive);
            EXPECT_NEAR(area, expected, expected * 0.01)
                << snap.path(r.node).toStdString() << ": area not the weight's share";
            if (kids.size() <= 3000) {
                for (size_t b = a + 1; b < kids.size(); ++b)
                    EXPECT_LT(overlapArea(r.rect, rects[size_t(kids[b])].rect), 1e-6)
                        << "siblings overlap: " << kids[a] << " and " << kids[b];
            }
        }
        EXPECT_LE(sum, contentPx * 1.0001);
        if (int(kids.size()) == positiveKids) {
            EXPECT_NEAR(sum, contentPx, contentPx * 0.001) << "children do not fill the folder";
        }
    }
}

} // namespace reposcope::test
