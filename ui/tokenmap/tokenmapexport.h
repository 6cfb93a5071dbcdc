// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "tokenmap/tokenmaprenderer.h"

#include <QByteArray>
#include <QSize>
#include <QString>

namespace reposcope::ui {

// "Save map as PNG / SVG": the map as the view shows it (the current zoom), under a title
// line (repository, tokens, tokenizer) and over a legend strip. Rendering reads the
// selection, so it runs on the UI thread (O(rects), no I/O); writing the bytes is a plain
// function for the pool.
struct MapExportPage {
    MapScene scene;
    QSize mapSize; // the map's area, in pixels
    QString title;
    QList<LegendEntry> legend;
};

// The whole picture's size: the map plus the title and legend strips.
QSize exportImageSize(const MapExportPage &page);
QByteArray renderMapPng(const MapExportPage &page);
QByteArray renderMapSvg(const MapExportPage &page);
// Writes atomically (QSaveFile); the error says what happened and what to do.
Result<Ok> writeExportFile(const QString &path, const QByteArray &bytes);

} // namespace reposcope::ui
