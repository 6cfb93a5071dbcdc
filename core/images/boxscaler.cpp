// SPDX-License-Identifier: MIT
#include "images/boxscaler.h"

#include <algorithm>
#include <utility>

namespace reposcope::images {

BoxScaler::BoxScaler(QSize source, int channels, QImage &out)
    : m_channels(channels)
    , m_columns(spans(source.width(), out.width()))
    , m_rows(spans(source.height(), out.height()))
    , m_unitX(quint64(out.width()))
    , m_unitY(quint64(out.height()))
    , m_total(quint64(source.width()) * quint64(source.height()))
    , m_out(out) {
    // One spare pixel: the last source pixel's (zero) rest lands there.
    const size_t values = (size_t(out.width()) + 1) * size_t(channels);
    m_line.resize(values);
    m_current.resize(values);
    m_next.resize(values);
}

void BoxScaler::addRow(int y, const uchar *row) {
    std::fill(m_line.begin(), m_line.end(), 0);
    switch (m_channels) {
    case 1:
        accumulate<1>(row);
        break;
    case 2:
        accumulate<2>(row);
        break;
    case 3:
        accumulate<3>(row);
        break;
    default:
        accumulate<4>(row);
    }
    const Span span = m_rows[size_t(y)];
    if (span.first != m_row) {
        emitRow();
        std::swap(m_current, m_next);
        std::fill(m_next.begin(), m_next.end(), 0);
        m_row = span.first;
    }
    const quint64 rest = m_unitY - span.weight;
    for (size_t i = 0; i < m_line.size(); ++i)
        m_current[i] += m_line[i] * span.weight;
    if (rest != 0) {
        for (size_t i = 0; i < m_line.size(); ++i)
            m_next[i] += m_line[i] * rest;
    }
}

void BoxScaler::finish() {
    emitRow();
}

std::vector<BoxScaler::Span> BoxScaler::spans(int source, int target) {
    std::vector<Span> out(size_t(source), Span{});
    for (qint64 s = 0; s < source; ++s) {
        const qint64 begin = s * target;
        const qint64 first = begin / source;
        out[size_t(s)] = {int(first), quint32(qMin(begin + target, (first + 1) * source) - begin)};
    }
    return out;
}

template <int Channels> void BoxScaler::accumulate(const uchar *p) {
    constexpr bool alpha = Channels == 2 || Channels == 4;
    constexpr int colours = alpha ? Channels - 1 : Channels;
    for (const Span &span : m_columns) {
        quint64 *to = m_line.data() + size_t(span.first) * Channels;
        const quint64 rest = m_unitX - span.weight;
        // Most source pixels lie inside one target pixel: one multiply-add per sample.
        for (int c = 0; c < Channels; ++c) {
            const quint64 v = alpha && c < colours ? quint64(p[c]) * p[colours] : p[c];
            to[c] += v * span.weight;
            if (rest != 0)
                to[Channels + c] += v * rest;
        }
        p += Channels;
    }
}

void BoxScaler::emitRow() {
    auto *line = reinterpret_cast<QRgb *>(m_out.scanLine(m_row));
    const bool alpha = m_channels == 2 || m_channels == 4;
    const quint64 half = m_total / 2;
    for (int x = 0; x < m_out.width(); ++x) {
        const quint64 *v = m_current.data() + size_t(x) * size_t(m_channels);
        const quint64 a = alpha ? v[m_channels - 1] : 0;
        const auto colour = [&](int c) {
            if (!alpha)
                return int((v[c] + half) / m_total);
            return a == 0 ? 0 : int((v[c] + a / 2) / a);
        };
        const int r = colour(0);
        const int g = m_channels >= 3 ? colour(1) : r;
        const int b = m_channels >= 3 ? colour(2) : r;
        line[x] = alpha ? qRgba(r, g, b, int((a + half) / m_total)) : qRgb(r, g, b);
    }
}

} // namespace reposcope::images
