// SPDX-License-Identifier: MIT
#include "privacy/secretsguard.h"

#include "prompt/selection.h"
#include "widgets/confirmstrip.h"
#include "workspace/secretindex.h"

#include <algorithm>

namespace reposcope::ui {

SelectedSecrets selectedSecrets(const workspace::SecretIndex *index,
                                const prompt::Selection *selection) {
    SelectedSecrets found;
    if (!index || !selection || index->snapshot() != selection->snapshotPtr())
        return found;
    found.scanning = index->isScanning();
    for (int node : index->nodesWithHits()) {
        if (!selection->file(node).checked)
            continue;
        for (const security::secrets::SecretHit &hit : index->hitsFor(node)) {
            if (index->allows(hit))
                continue;
            ++found.count;
            found.fingerprints.append(hit.fingerprint);
        }
    }
    std::sort(found.fingerprints.begin(), found.fingerprints.end());
    return found;
}

void fillSecrets(ChatTargetSummary &summary, const workspace::SecretIndex *index,
                 const prompt::Selection *selection, bool redacts) {
    const SelectedSecrets found = selectedSecrets(index, selection);
    summary.secrets = found.count;
    summary.secretFingerprints = found.fingerprints;
    summary.secretsScanning = found.scanning;
    summary.secretsRedacted = redacts;
}

} // namespace reposcope::ui
