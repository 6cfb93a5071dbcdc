// SPDX-License-Identifier: MIT
// ChatController and the privacy guard: the policy every request gets (set before each send
// by syncTarget()) and the inputs of "What leaves the machine", which shows the same bytes.
#include "chat/chatcontroller.h"

#include "budget/budgetmeter.h"
#include "llm/local/localengine.h"
#include "privacy/redactionsources.h"
#include "workspace/chatsession.h"
#include "workspace/outgoingrequest.h"
#include "workspace/workspace.h"

namespace reposcope::ui {

workspace::RedactionPolicy ChatController::redactionPolicy() const {
    const llm::ChatTarget &target = m_session->target();
    const QString id =
        target.providerId.isEmpty() ? m_budget->currentProviderId() : target.providerId;
    const llm::ProviderEntry *provider =
        m_services.catalog ? m_services.catalog->provider(id) : nullptr;
    llm::ProviderEntry unknown; // not in the catalog: treated as leaving the machine
    unknown.id = id;
    unknown.kind = QStringLiteral("cloud");
    return m_redaction->policyFor(provider ? *provider : unknown, target.endpoint.baseUrl);
}

workspace::OutgoingInputs ChatController::outgoingInputs(const QString &question) const {
    workspace::OutgoingInputs in;
    llm::Conversation *conversation = m_session->conversation();
    if (conversation->hasPack()) {
        in.messages = conversation->buildMessages(QString(), {}, int(conversation->turns().size()));
    } else {
        in.systemPrompt = m_session->systemPrompt();
        in.snapshot = m_services.workspace->snapshot();
        if (const prompt::Selection *selection = m_services.workspace->selection())
            in.files = selection->selectedFiles();
        in.format = m_services.workspace->packFormat();
    }
    in.question = question;
    in.policy = redactionPolicy();
    in.tokenizer = m_services.workspace->tokenizerPtr();
    return in;
}

} // namespace reposcope::ui
