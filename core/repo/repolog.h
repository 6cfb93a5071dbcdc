// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

namespace reposcope::repo {
Q_DECLARE_LOGGING_CATEGORY(lcRepo) // "reposcope.repo"; debug output off by default
} // namespace reposcope::repo
