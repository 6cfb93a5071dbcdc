// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/selection.h"

#include <QString>

#include <optional>

// --preset NAME and --list-presets of count, pack and ask.
namespace reposcope::cli {

// Prints the presets of the repository at `root` (the user's, then the repository's) to
// stdout; problems reading a presets file go to stderr. Returns the exit code.
int listPresets(const QString &root);

// Applies the preset `name` of the repository at `root` to `selection`. The scan's
// exclusions win: a file that --include/--exclude or a default exclude leaves out stays out
// (named in a warning). Paths of the preset that are gone are a warning. An unknown name is
// an error that lists the presets there are: returns ExitUsage.
std::optional<int> applyPresetByName(const QString &root, const QString &name,
                                     prompt::Selection &selection);

} // namespace reposcope::cli
