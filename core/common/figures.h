// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// How RepoScope writes counts and sizes in messages, in every layer (core errors, the CLI,
// the window). Pure functions; any thread.
namespace reposcope {

// "8,928", "131,072": thousands separated by commas whatever the user's locale, so the
// same message reads the same in the CLI, the logs and the window.
QString formatCount(qint64 count);

// The one size style: decimal units (1 KB = 1,000 bytes), one decimal from a kilobyte up,
// upper-case unit: "812 B", "20.1 KB", "312.5 MB", "4.9 GB". Every size shown to a person
// goes through this, so one image is never "22 kB" in one place and "23 KB" in another.
QString formatBytes(qint64 bytes);

} // namespace reposcope
