// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmaplayout.h"

#include <algorithm>
#include <limits>

namespace reposcope::models {

namespace {

constexpr qreal kLabelMinWidth = 40.0;

struct Item {
    double weight;
    int node;
};

// Squarified treemap of one folder's children, recursively, appending to out in pre-order.
// The scratch buffer is shared by all levels with stack discipline: a level owns
// [base, base + count) while its children append and truncate beyond it.
class Layouter {
public:
    Layouter(const repo::RepoSnapshot &snapshot, const MapWeights &weights,
             const MapLayoutOptions &options, std::vector<MapRect> &out)
        : m_snapshot(snapshot)
        , m_weights(weights)
        , m_options(options)
        , m_out(out) {}

    void emit(int node, const QRectF &rect, int parent, int depth) {
        const int index = int(m_out.size());
        MapRect r;
        r.rect = rect;
        r.node = node;
        r.parent = parent;
        r.depth = quint16(std::min(depth, int(std::numeric_limits<quint16>::max())));
        r.folder = m_snapshot.isDirectory(node);
        m_out.push_back(r);
        if (r.folder)
            layoutChildren(index, node, rect, depth);
        m_out[size_t(index)].end = int(m_out.size());
    }

private:
    double weightOf(int node) const {
        return node < int(m_weights.weight.size()) ? double(m_weights.weight[size_t(node)]) : 0.0;
    }

    void layoutChildren(int index, int node, const QRectF &rect, int depth) {
        const qreal f = m_options.framePx;
        QRectF content = rect.adjusted(f, f, -f, -f);
        if (rect.width() > kLabelMinWidth && rect.height() > 2 * m_options.labelPx) {
            m_out[size_t(index)].labelRect =
                QRectF(content.left(), content.top(), content.width(), m_options.labelPx);
            content.setTop(content.top() + m_options.labelPx);
        }
        const qreal minSide = std::max<qreal>(m_options.minSide, 1e-9);
        if (content.width() < minSide || content.height() < minSide)
            return;

        const size_t base = m_items.size();
        double total = 0;
        const int count = m_snapshot.childCount(node);
        for (int row = 0; row < count; ++row) {
            const int c = m_snapshot.child(node, row);
            const double w = weightOf(c);
            if (w > 0) {
                m_items.push_back({w, c});
                total += w;
            }
        }
        const size_t end = m_items.size();
        if (end == base)
            return;
        std::sort(m_items.begin() + std::ptrdiff_t(base), m_items.begin() + std::ptrdiff_t(end),
                  [](const Item &a, const Item &b) {
                      return a.weight > b.weight || (a.weight == b.weight && a.node < b.node);
                  });

        // Areas in px², scaled so the children fill the content area exactly.
        const double scale = content.width() * content.height() / total;
        double x = content.left(), y = content.top();
        double w = content.width(), h = content.height();
        size_t i = base;
        while (i < end) {
            const double side = std::min(w, h);
            const double side2 = side * side;
            // Grow the row while its worst aspect ratio does not get worse. Items are sorted
            // largest first, so the newest item is always the row's smallest.
            const double first = m_items[i].weight * scale;
            double sum = first;
            double worst = std::max(side2 / first, first / side2); // rmax = rmin = first
            size_t j = i + 1;
            for (; j < end; ++j) {
                const double a = m_items[j].weight * scale;
                const double s = sum + a;
                const double s2 = s * s;
                const double next = std::max(side2 * first / s2, s2 / (side2 * a));
                if (next > worst)
                    break;
                worst = next;
                sum = s;
            }
            const bool lastRow = j == end;
            // The row is a strip along the shorter side, `thickness` thick.
            const double thickness = lastRow ? (w >= h ? w : h) : sum / side;
            double along = 0;
            for (size_t k = i; k < j; ++k) {
                const double a = m_items[k].weight * scale;
                double extent = a / thickness;
                if (k + 1 == j)
                    extent = side - along; // absorb rounding so the row fills the side
                QRectF r = w >= h ? QRectF(x, y + along, thickness, extent)
                                  : QRectF(x + along, y, extent, thickness);
                along += extent;
                if (r.width() >= minSide && r.height() >= minSide)
                    emit(m_items[k].node, r, index, depth + 1); // appends beyond `end`
            }
            if (w >= h) {
                x += thickness;
                w -= thickness;
            } else {
                y += thickness;
                h -= thickness;
            }
            i = j;
        }
        m_items.resize(base);
    }

    const repo::RepoSnapshot &m_snapshot;
    const MapWeights &m_weights;
    const MapLayoutOptions &m_options;
    std::vector<MapRect> &m_out;
    std::vector<Item> m_items;
};

} // namespace

MapLayout layoutTokenMap(const repo::RepoSnapshot &snapshot, const MapWeights &weights, int root,
                         QSizeF size, const MapLayoutOptions &options) {
    MapLayout layout;
    layout.root = root;
    layout.size = size;
    layout.generation = weights.generation;
    if (root < 0 || root >= snapshot.nodeCount() || size.width() <= 0 || size.height() <= 0)
        return layout;
    if (root >= int(weights.weight.size()) || weights.weight[size_t(root)] <= 0)
        return layout;
    // Roughly one rect per node of the subtree at most; reserving avoids regrowth.
    layout.rects.reserve(size_t(snapshot.subtreeEnd(root) - root));
    Layouter layouter(snapshot, weights, options, layout.rects);
    layouter.emit(root, QRectF(QPointF(0, 0), size), -1, 0);
    return layout;
}

int MapLayout::hitTest(QPointF p) const {
    int best = -1;
    int i = 0;
    int end = int(rects.size());
    while (i < end) {
        const MapRect &r = rects[size_t(i)];
        if (r.rect.contains(p)) {
            best = i;
            end = r.end; // look only among its descendants
            ++i;
        } else {
            i = r.end; // skip the subtree
        }
    }
    return best;
}

std::vector<int> MapLayout::filesIn(const QRectF &area) const {
    std::vector<int> out;
    int i = 0;
    const int n = int(rects.size());
    while (i < n) {
        const MapRect &r = rects[size_t(i)];
        if (r.rect.intersects(area)) {
            if (!r.folder)
                out.push_back(i);
            ++i;
        } else {
            i = r.end;
        }
    }
    return out;
}

} // namespace reposcope::models
