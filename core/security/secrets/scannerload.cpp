// SPDX-License-Identifier: MIT
#include "security/secrets/scannerload.h"

#include "security/secrets/secretrule.h"
#include "security/secrets/secretscanner.h"

namespace reposcope::security::secrets {

std::shared_ptr<const SecretScanner> loadScanner(const QString &repositoryRoot,
                                                 QStringList *warnings) {
    const RuleSet rules = RuleSet::load(
        RuleSet::defaultUserFile(),
        repositoryRoot.isEmpty() ? QString() : RuleSet::repositoryFile(repositoryRoot), warnings);
    auto scanner = std::make_shared<const SecretScanner>(rules);
    if (warnings)
        *warnings << scanner->problems();
    return scanner;
}

} // namespace reposcope::security::secrets
