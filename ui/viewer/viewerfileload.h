// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"

#include <QString>

namespace reposcope::ui {

// A file read and decoded for the viewer: its text, or why there is none to show.
struct ViewerFile {
    QString text;
    QString problem;
};

// Reads and decodes `file` of `snapshot` for the viewer. Blocking disk or git I/O: call it on
// a worker thread. A large file of plain UTF-8 is decoded piece by piece into the text, so its
// bytes are never held beside it: a 50 MB file costs its UTF-16 text plus one 4 MiB piece,
// not plus the whole file. Other encodings are decoded whole (text::decodeText).
ViewerFile loadForViewer(const repo::RepoSnapshot &snapshot, const repo::ScannedFile &file);

} // namespace reposcope::ui
