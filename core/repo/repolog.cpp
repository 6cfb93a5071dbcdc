// SPDX-License-Identifier: MIT
#include "repo/repolog.h"

namespace reposcope::repo {
Q_LOGGING_CATEGORY(lcRepo, "reposcope.repo", QtInfoMsg)
} // namespace reposcope::repo
