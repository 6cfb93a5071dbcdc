// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

namespace reposcope::test {

// Spins the event loop until `done` holds (QTRY_-style); false after a minute. The
// deadline only turns a hang into a failure; nothing is timed.
bool processEventsUntil(const std::function<bool()> &done);

} // namespace reposcope::test
