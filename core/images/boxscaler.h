// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QSize>

#include <vector>

namespace reposcope::images {

// Internal to core/images: an area-averaging downscale fed one 8-bit source row at a time
// (grey, grey+alpha, RGB or RGBA samples, as in a PNG row), written into `out`, whose size
// is the target and must not exceed `source` on either edge. Colour is averaged
// premultiplied by alpha, so clear pixels do not bleed. A source pixel is `target` units
// wide and a target pixel `source` units, so every weight is an integer and the sums exact.
// Holds three rows of 64-bit sums; `out` must outlive it. Not thread-safe; cheap per row.
class BoxScaler {
public:
    BoxScaler(QSize source, int channels, QImage &out);

    // Rows must come in order, y = 0 … source height − 1.
    void addRow(int y, const uchar *row);
    // Writes the last target row; call once after the last source row.
    void finish();

private:
    // A source pixel gives `weight` units to target pixel `first`, the rest to `first + 1`.
    struct Span {
        int first = 0;
        quint32 weight = 0;
    };

    static std::vector<Span> spans(int source, int target);
    template <int Channels> void accumulate(const uchar *p);
    void emitRow();

    int m_channels;
    std::vector<Span> m_columns;
    std::vector<Span> m_rows;
    quint64 m_unitX;
    quint64 m_unitY;
    quint64 m_total;
    QImage &m_out;
    int m_row = 0;
    std::vector<quint64> m_line;    // the current source row, box-filtered horizontally
    std::vector<quint64> m_current; // target row m_row, being summed
    std::vector<quint64> m_next;    // target row m_row + 1: the straddling rows' rest
};

} // namespace reposcope::images
