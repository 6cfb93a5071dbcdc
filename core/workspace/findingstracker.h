// SPDX-License-Identifier: MIT
#pragma once

#include "findings/citationverifier.h"
#include "findings/findingextractor.h"
#include "findings/findingsexport.h"

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
// feeds the extractor of the turn it continues, a re-asked turn starts again). A
// continuation that restarts the item it was cut in (or repeats a line of the turn it
// continues) replaces that turn's text from the restarted line on, so the broken half is
// never a finding; a finding it repeats later (same fingerprint) is merged into the one it
// repeats instead of being listed twice. Every
// finding and mention is verified against the sources the question was asked on as soon
// as its line is complete. Sources arrive with the pack (ChatSession::packReady); findings
// that arrive before them stay Pending and are verified when setSources() is called.
// A cut-off answer (stopped, failed) keeps its unfinished last line unprocessed, since a
// continuation may complete it; a complete answer's last line is processed when it ends.
// Verification reads the pack's in-memory texts, so it runs on the UI thread; a citation
// of a file the pack left out reads that file once (SourceSet), a small blocking read.
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
    // Unverified location with a note when there are no sources yet. A citation the answers
    // made with a quote is checked with it: the latest finding citing it, else the latest
    // mention of it followed by a code span ("`app/web.py:3` reads `request.args`"). Without
    // a quote an existing place is only Located.
    //
    // A mention's quote is the inline code span after it in its sentence
    // (findings::quoteAfterMention), set as its line completes.
    findings::ResolvedLocation resolve(const findings::Citation &citation) const;

    // Where a turn's answer starts in the text its extractor was fed: 0 for a turn that is
    // not a continuation; for a continuation, the length of what it continues (up to a
    // restarted line, which it replaces; leading blank space it skipped is not counted).
    // -1 when the turn is unknown.
    qsizetype joinedOffset(int turn) const;
    // Forgets every turn (a new conversation): findingsReset. The sources are kept.
    void clear();

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
    // Re-verifies every finding and mention against the current sources.
    void rebuild();

    // States for turns the tracker has not seen start (it was created mid-conversation).
    void catchUp(int upTo);
    void addTurn(int turn);
    // Forgets turns >= `turn` and their findings; true when there were any.
    bool truncate(int turn);
    // Feeds the part of the turn's answer not fed yet (restarting the chain if it shrank).
    void feed(int turn);
    // How a continuation joins the turn it continues (a restarted line cuts that turn's
    // text there); false while too little of it has arrived to tell.
    bool decideJoin(int turn);
    // The earlier finding of the chain (from a turn before `turn`) that `finding` repeats,
    // by fingerprint; -1 when none.
    int repeatedFinding(const TurnState &owner, const findings::Finding &finding, int turn) const;
    void finishIfComplete(int turn);
    // Feeds the chain of `root` again from its first turn up to (excluding) `upTo`.
    void refeedChain(int root, int upTo);
    void apply(int turn, const findings::FindingExtractor::Update &update);
    void verifyFinding(findings::Finding &finding) const;
    void verifyMention(findings::Mention &mention) const;

    llm::Conversation *m_conversation;
    findings::SourceSetPtr m_sources;
    std::unique_ptr<findings::CitationVerifier> m_verifier;
    QList<findings::Finding> m_findings;
    QList<int> m_turnOf;
    std::vector<std::unique_ptr<TurnState>> m_turns;
    bool m_quiet = false; // re-feeding: one findingsReset follows instead of per-item signals
};

// Fills what an export says about the answer `turn` belongs to: the question and task of the
// turn that asked it (for a continuation, the question it continues, never the "continue"
// prompt; "Custom question" without a task), its provider, model and time when known, and
// whether the answer ended complete (the last turn of its continuations is done). Leaves
// the context as it is for a turn out of range.
void describeAnswer(findings::ExportContext &context, const llm::Conversation &conversation,
                    int turn);

} // namespace reposcope::workspace
