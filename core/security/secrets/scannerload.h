// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <memory>

namespace reposcope::security::secrets {

class SecretScanner;

// The scanner for a repository: the built-in rules overlaid by the user's secrets.json and
// the repository's .reposcope/secrets.json (empty root: no repository overlay). Problems
// with an overlay, or a rule whose pattern does not compile, go to `warnings`. Compiling
// takes a few milliseconds: build one per opened repository, not per text.
std::shared_ptr<const SecretScanner> loadScanner(const QString &repositoryRoot,
                                                 QStringList *warnings);

} // namespace reposcope::security::secrets
