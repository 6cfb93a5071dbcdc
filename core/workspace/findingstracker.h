// SPDX-License-Identifier: MIT
#pragma once

#include "findings/citationverifier.h"
#include "findings/findingextractor.h"

#include <QObject>

#include <memory>
#include <optional>

namespace reposcope::llm {
class Conversation;
}

namespace reposcope::workspace {

// Follows a conversation and turns its answers into verified findings while they stream.
//
// Each turn's answer is fed to its own FindingExtractor as it grows (a continuation turn
// feeds the extractor of the turn it continues, a re-asked turn starts again); every
// finding and mention is verified against the sources the question was asked on as soon
// as its line is complete. Sources arrive with the pack (ChatSession::packReady); findings
// that arrive before them stay Pending and are verified when setSources() is called.
// Verification reads in-memory texts only (the pack's), so it runs on the UI thread.
//
// findings() lists every turn's findings in order; a finding's global index never changes
// while the conversation lasts (a re-asked turn removes its findings: findingsReset()).
// Lives on the UI thread.
class FindingsTracker : public QObject {
    Q_OBJECT
public:
    explicit FindingsTracker(llm::Conversation *conversation, QObject *parent = nullptr);
    ~FindingsTracker() override;

    // The snapshot of the conversation's pack; null forgets it (findings go back to Pending).
    void setSources(findings::SourceSetPtr sources);
    const findings::SourceSetPtr &sources() const { return m_sources; }

    const QList<findings::Finding> &findings() const { return m_findings; }
    // Turn index each finding came from (parallel to findings()).
    int turnOf(int finding) const { return m_turnOf.value(finding, -1); }
    // The path:line mentions of a turn's answer (offsets in that turn's answer text; for a
    // continuation, in the joined text of the turn it continues), verified.
    QList<findings::Mention> mentions(int turn) const;

    // Checks any citation (a link clicked in the transcript) against the sources; an
    // Unverified location with a note when there are no sources yet.
    findings::ResolvedLocation resolve(const findings::Citation &citation) const;

Q_SIGNALS:
    void findingAdded(int index);
    void findingChanged(int index); // completed further or (re)verified
    // The list changed as a whole (new conversation, re-asked turn, sources replaced).
    void findingsReset();

private:
    struct TurnState;
    void onTurnStarted(int turn);
    void onTurnUpdated(int turn);
    void onTurnFinished(int turn);
    void rebuild();

    llm::Conversation *m_conversation;
    findings::SourceSetPtr m_sources;
    std::unique_ptr<findings::CitationVerifier> m_verifier;
    QList<findings::Finding> m_findings;
    QList<int> m_turnOf;
    std::vector<std::unique_ptr<TurnState>> m_turns;
};

} // namespace reposcope::workspace
