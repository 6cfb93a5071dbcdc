// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/selection.h"
#include "workspace/selectionpresets.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace reposcope::workspace {

// The current selection as a preset: a folder whose files are ticked exactly as ticking the
// folder would tick them (every file the exclusion rules leave in, no other) is written as
// "dir/"; other ticked files one by one. Pins come along. O(nodes).
SelectionPreset presetFromSelection(const prompt::Selection &selection, const QString &name);

// What applying a preset to a snapshot gives: the tick of every file node, the nodes to pin,
// and the preset's paths that name nothing in this snapshot (deleted or moved since).
struct PresetApplication {
    std::vector<int> nodes; // every file node
    std::vector<bool> values;
    std::vector<int> pins;
    QList<QByteArray> missingPaths; // paths and pins, as the preset spells them
    int selectedFiles = 0;

    // "3 paths of "backend only" are no longer in the repository: a/, b.go, c.go"; empty when
    // none is missing.
    QString missingMessage(const QString &presetName) const;
};

// O(nodes × (paths + globs)) at worst; folders are expanded over their subtree once.
PresetApplication applicationOf(const prompt::Selection &selection, const SelectionPreset &preset);

// Sets the ticks (one recompute) and adds the pins; the caller wraps it in an undo step.
void applyPreset(prompt::Selection &selection, const PresetApplication &application);

} // namespace reposcope::workspace
