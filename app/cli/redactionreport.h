// SPDX-License-Identifier: MIT
#pragma once

#include "workspace/packpreparation.h"

#include <QCommandLineOption>
#include <QString>
#include <QStringList>

namespace reposcope::cli {

// --no-redact: send the secrets the scanner finds as they are (they are still listed).
QCommandLineOption noRedactOption();

// The CLI's policy for `root`: the repository's scanner (built-in rules, the user's and the
// repository's overlays) and allow list (AllowList::loadFor), redacting unless `redact` is
// false. Problems with an overlay or an allow list go to `warnings`.
workspace::RedactionPolicy cliRedactionPolicy(const QString &root, bool redact,
                                              QStringList *warnings);

// Lists on stderr, one line each, what happened to each secret of `report`:
//   redacted: path:line  rule-id  masked
//   allowed: path:line  rule-id  masked      (the allow list names it: sent)
//   warning: not redacted (--no-redact): path:line  rule-id  masked
// then one summary line when there was any. Paths are escaped (text::visibleName).
void printSecretReport(const workspace::SecretReport &report);

} // namespace reposcope::cli
