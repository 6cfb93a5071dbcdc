// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the FindingsTracker tests: a real pack of a scratch repository as the
// sources, and answers streamed in small deltas by the loopback server.

#include "findings/sourceset.h"
#include "scriptedserver.h"

#include <QByteArray>
#include <QString>

namespace reposcope::test {

// api/user.go of the tracker tests: 50 lines, line 42 concatenates the id into a query.
QByteArray userGo();

// The files of a real pack (line numbers on) of the repository at `path`.
findings::SourceSetPtr packSources(const QString &path);

// `answer` in deltas of `pieceSize` characters, each its own event a moment apart; the
// connection is cut after the last one when `complete` is false.
ScriptedResponse streamedAnswer(const QString &answer, int pieceSize = 7, bool complete = true);

} // namespace reposcope::test
