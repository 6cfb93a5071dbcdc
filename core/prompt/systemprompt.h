// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace reposcope::prompt {

// The system prompt every audit request starts with (the audit templates arrive with the
// chat feature and extend it). Counted in the budget so the meter matches what is sent.
inline QByteArray defaultSystemPrompt() {
    return QByteArrayLiteral(
        "You are a meticulous senior engineer auditing a software repository. The repository "
        "follows: its directory structure, then every selected file in full. Answer the user's "
        "question from this code only. Cite every claim as path:line or path:start-end with a "
        "short verbatim quote of the cited code. Say plainly when the code does not show "
        "something.");
}

} // namespace reposcope::prompt
