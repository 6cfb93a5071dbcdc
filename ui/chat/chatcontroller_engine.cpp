// SPDX-License-Identifier: MIT
// ChatController and the local engine's crashes: a request that failed because the engine
// died says so ("the local engine was killed by SIGKILL and is restarting") instead of a
// closed connection, and says again when it is ready, where the phase line offers Retry.
#include "chat/chatcontroller.h"

#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"
#include "workspace/chatsession.h"

namespace reposcope::ui {

namespace {

// The reply fails when the socket closes, the supervisor learns of the death when the
// process is reaped: either may come first, a moment apart.
constexpr qint64 kSameEventMs = 10000;

bool failedLocally(const llm::Turn &turn) {
    return turn.phase == llm::ChatPhase::Failed && turn.providerId == llm::localProviderId() &&
           turn.error && turn.error->kind != llm::ChatError::Kind::ContextOverflow &&
           turn.error->kind != llm::ChatError::Kind::BadRequest;
}

} // namespace

void ChatController::onEngineCrashed() {
    const QList<llm::Turn> &turns = m_session->conversation()->turns();
    const int last = int(turns.size()) - 1;
    if (m_crash.failedAt.isValid() && m_crash.failedTurn == last &&
        m_crash.failedAt.elapsed() < kSameEventMs && failedLocally(turns.at(last))) {
        m_crash.failedAt.invalidate();
        explainEngineCrash(last, false);
        return;
    }
    m_crash.crashAt.start(); // the request's failure is still on its way
}

void ChatController::noteLocalFailure(int index) {
    const QList<llm::Turn> &turns = m_session->conversation()->turns();
    if (!m_services.engine || index < 0 || index >= turns.size() || !failedLocally(turns.at(index)))
        return;
    if (m_crash.crashAt.isValid() && m_crash.crashAt.elapsed() < kSameEventMs) {
        m_crash.crashAt.invalidate();
        explainEngineCrash(index, false);
        return;
    }
    m_crash.failedTurn = index; // the crash may be reported a moment later
    m_crash.failedAt.start();
}

void ChatController::explainEngineCrash(int index, bool restarted) {
    const QList<llm::Turn> &turns = m_session->conversation()->turns();
    if (!m_services.engine || index < 0 || index >= turns.size())
        return;
    const llm::Turn &turn = turns.at(index);
    llm::EngineSupervisor *engine = m_services.engine;
    llm::ChatError error = turn.error.value_or(llm::ChatError());
    error.kind = llm::ChatError::Kind::ConnectionDropped;
    error.retryable = true;
    const QString how = engine->lastExit().isEmpty() ? tr("stopped") : engine->lastExit();
    const bool gaveUp = engine->state() == llm::EngineState::Failed;
    if (gaveUp)
        error.message = tr("The local engine %1 and could not be restarted: %2.")
                            .arg(how, engine->lastError().section(QLatin1Char('\n'), 0, 0));
    else if (restarted)
        error.message = tr("The local engine %1 and has restarted.").arg(how);
    else
        error.message = tr("The local engine %1 and is restarting.").arg(how);
    if (!turn.answer.isEmpty())
        error.message += QLatin1Char(' ') + tr("The text received so far is kept.");
    if (!gaveUp)
        error.message += QLatin1Char(' ') + (restarted ? tr("Retry sends the question again.")
                                                       : tr("Retry once it is ready."));
    m_crash.explainedTurn = gaveUp || restarted ? -1 : index;
    m_session->conversation()->explainFailure(index, error);
}

} // namespace reposcope::ui
