// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>

namespace reposcope::prompt {
class Selection;
}
namespace reposcope::workspace {
class SecretIndex;
}

namespace reposcope::ui {

struct ChatTargetSummary;

// The secrets the background scan found in the selected files that the allow list does not
// allow: what the confirmation strip counts before a send.
struct SelectedSecrets {
    int count = 0;
    QList<QByteArray> fingerprints; // of those secrets, sorted: a new one is a reason to ask
    bool scanning = false;          // the scan is still running: more may follow
};

// Cheap (a walk over the files with hits); UI thread. Null index or selection: nothing.
SelectedSecrets selectedSecrets(const workspace::SecretIndex *index,
                                const prompt::Selection *selection);

// Fills the summary's secret fields; `redacts`: the policy replaces them (remote backends).
void fillSecrets(ChatTargetSummary &summary, const workspace::SecretIndex *index,
                 const prompt::Selection *selection, bool redacts);

} // namespace reposcope::ui
