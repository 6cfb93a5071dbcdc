// SPDX-License-Identifier: MIT
// ChatController: what a request carries and what the conversation is about. The request is
// what the window shows: the reserve and cap of the Budget panel at the moment of sending,
// images only for a model that reads them, and the pack of the repository and selection the
// chat's header names.
#include "chat/chatcontroller.h"

#include "attachments/attachmentcontroller.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "llm/local/localengine.h"
#include "privacy/redactionsources.h"
#include "workspace/chatsession.h"
#include "workspace/workspace.h"

#include <QLocale>

namespace reposcope::ui {

namespace {

// "1 file", "12 files" (no translation catalogue supplies English plurals for %n).
QString files(qint64 count) {
    return count == 1 ? ChatController::tr("1 file")
                      : ChatController::tr("%1 files").arg(QLocale().toString(count));
}

} // namespace

void ChatController::syncTarget() {
    llm::ChatTarget target = m_session->target();
    target.maxOutputTokens = m_budget->reservedOutput();
    target.contextCap = m_budget->contextCap();
    target.acceptsImages = m_attachments->canAttach();
    m_session->setTarget(target);
    m_session->setRedactionPolicy(redactionPolicy());
}

QString ChatController::overCapText() const {
    const prompt::BudgetFigures &figures = m_budget->figures();
    const QLocale locale;
    const qint64 reserve = figures.usedTokens - figures.inputTokens;
    const QString sum =
        tr("prompt %1 + reserve %2 = %3 tokens > context %4")
            .arg(locale.toString(figures.inputTokens), locale.toString(reserve),
                 locale.toString(figures.usedTokens), locale.toString(figures.contextCap));
    if (m_budget->currentProviderId() == llm::localProviderId())
        return tr("%1: deselect files, use Fit to budget, lower the reserve in the Budget "
                  "panel, or load the model with a larger context (Model ▸ Local Models…).")
            .arg(sum);
    return tr("%1: deselect files, use Fit to budget, lower the reserve, or raise the cap in "
              "the Budget panel if your server allows more.")
        .arg(sum);
}

void ChatController::explainFollowUpOverflow(int index) {
    const QList<llm::Turn> &turns = m_session->conversation()->turns();
    const llm::Turn &turn = turns.at(index);
    if (turn.phase != llm::ChatPhase::Failed || !turn.error ||
        turn.error->kind != llm::ChatError::Kind::ContextOverflow)
        return;
    int earlier = 0; // the answered turns the follow-up carries
    for (int i = 0; i < index; ++i)
        earlier += !turns.at(i).cleared && !turns.at(i).answer.isEmpty();
    if (earlier == 0)
        return; // a first question: the pack itself is over, the server's advice stands
    const QLocale locale;
    const QString carried =
        earlier == 1
            ? tr("the pack, 1 earlier turn and the question")
            : tr("the pack, %1 earlier turns and the question").arg(locale.toString(earlier));
    const llm::ChatError &error = *turn.error;
    const qint64 reserve = m_session->target().maxOutputTokens;
    QString sum;
    if (error.promptTokens && error.contextLimit && *error.promptTokens <= *error.contextLimit &&
        reserve > 0)
        sum = tr("prompt %1 (%2) + reserve %3 = %4 tokens > context %5")
                  .arg(locale.toString(*error.promptTokens), carried, locale.toString(reserve),
                       locale.toString(*error.promptTokens + reserve),
                       locale.toString(*error.contextLimit));
    else if (error.promptTokens && error.contextLimit)
        sum = tr("prompt %1 tokens (%2) > context %3")
                  .arg(locale.toString(*error.promptTokens), carried,
                       locale.toString(*error.contextLimit));
    else if (error.contextLimit)
        sum = tr("%1 are over the context of %2 tokens")
                  .arg(carried, locale.toString(*error.contextLimit));
    else
        sum = tr("%1 are over the model's context").arg(carried);
    llm::ChatError explained = error;
    explained.message =
        tr("This follow-up does not fit: %1. Start a New Conversation to ask it with the pack "
           "alone, or lower the reserve in the Budget panel.")
            .arg(sum);
    m_session->conversation()->explainFailure(index, explained);
}

QString ChatController::sendBlockedReason() const {
    const prompt::Selection *selection = m_services.workspace->selection();
    if (!selection)
        return tr("Open a repository first: drop a folder on the window or press Ctrl+O.");
    // Every request is scanned for secrets, a follow-up's question too.
    if (!m_redaction->isReady())
        return tr("Send waits for the secret scanner to load.");
    if (m_session->conversation()->hasPack())
        return {}; // a follow-up: the pack is written, whatever the selection is now
    if (selection->selected(0).files == 0)
        return tr("Select at least one file to audit.");
    // A partial sum can hide an overrun: the first request waits for every count.
    if (const QString reason = m_budget->countsPendingReason(); !reason.isEmpty())
        return tr("Send waits for the counts. %1").arg(reason);
    if (m_budget->figures().level == prompt::BudgetFigures::Level::Over)
        return overCapText();
    return {};
}

QString ChatController::contextLine(bool *warning) const {
    *warning = false;
    const prompt::Selection *selection = m_services.workspace->selection();
    const QLocale locale;
    const repo::SnapshotPtr packed = m_session->packSnapshot();
    if (packed) {
        QString line =
            tr("%1 · %2 · %3 tokens")
                .arg(workspace::ChatSession::repositoryLabel(packed->info()),
                     files(m_session->packFiles()), locale.toString(m_session->packTokens()));
        if (m_session->selectionChangedSincePack()) {
            line += m_keepOldPack ? tr(" · selection changed since (follow-ups keep this pack)")
                                  : tr(" · selection changed since (the next question asks)");
            *warning = true;
        }
        const int images = m_session->conversation()->historyImageCount();
        if (images > 0 && !m_attachments->canAttach()) {
            const llm::ModelEntry *model = m_budget->currentModel();
            const QString name = model ? model->name : m_session->target().model;
            line +=
                QLatin1Char('\n') +
                (images == 1
                     ? tr("1 image from an earlier turn is left out: %1 has no vision.").arg(name)
                     : tr("%1 images from earlier turns are left out: %2 has no vision.")
                           .arg(images)
                           .arg(name));
            *warning = true;
        }
        return line;
    }
    if (!selection || !m_services.workspace->snapshot())
        return {};
    const prompt::Totals &totals = selection->selected(0);
    const qint64 tokens = totals.tokens + totals.overhead + m_services.workspace->fixedOverhead();
    return tr("New conversation: %1 · %2 selected · %3%4 tokens")
        .arg(workspace::ChatSession::repositoryLabel(m_services.workspace->snapshot()->info()),
             files(totals.files),
             m_services.workspace->countsAreExact() ? QString() : QStringLiteral("≈"),
             locale.toString(tokens));
}

bool ChatController::askAboutOldPack() {
    if (m_keepOldPack || !m_session->conversation()->hasPack() ||
        !m_session->selectionChangedSincePack())
        return false;
    m_pane->askPackChoice(
        tr("Selection changed since this conversation began (%1). A new conversation sends "
           "the current selection; a follow-up goes with the old pack.")
            .arg(tr("%1 in its pack").arg(files(m_session->packFiles()))));
    return true;
}

void ChatController::onConversationClosed(const QString &previous, int turns) {
    m_keepOldPack = false;
    m_pane->reload();
    m_pane->phaseIndicator()->showNotice(
        tr("Another repository or ref was opened, so a new conversation begins. The "
           "conversation about %1 (%2) was closed; it is not kept.")
            .arg(previous, turns == 1 ? tr("1 question") : tr("%1 questions").arg(turns)),
        false);
    refreshSummary();
}

} // namespace reposcope::ui
