// SPDX-License-Identifier: MIT
#include "workspace/findingstracker.h"

#include "llm/conversation.h"

namespace reposcope::workspace {

using findings::FindingExtractor;

// What the tracker knows of one turn. A turn that is not a continuation owns the extractor
// its continuations feed too (its "chain"); the chain's findings are contiguous in
// m_findings from `base`, since only the last turns of a conversation can grow.
struct FindingsTracker::TurnState {
    int root = 0;              // the turn owning the extractor this turn feeds
    qsizetype fed = 0;         // characters of this turn's answer fed so far
    qsizetype joinedStart = 0; // where this turn's answer starts in the extractor's text
    // Root turns only.
    std::unique_ptr<FindingExtractor> extractor;
    int base = 0;                      // global index of the extractor's first finding
    QList<findings::Mention> mentions; // the extractor's mentions, verified, same indexes
};

FindingsTracker::FindingsTracker(llm::Conversation *conversation, QObject *parent)
    : QObject(parent)
    , m_conversation(conversation) {
    connect(m_conversation, &llm::Conversation::turnStarted, this, &FindingsTracker::onTurnStarted);
    connect(m_conversation, &llm::Conversation::turnUpdated, this, &FindingsTracker::onTurnUpdated);
    connect(m_conversation, &llm::Conversation::turnFinished, this,
            &FindingsTracker::onTurnFinished);
    m_quiet = true;
    catchUp(int(m_conversation->turns().size()));
    m_quiet = false;
}

FindingsTracker::~FindingsTracker() = default;

void FindingsTracker::setSources(findings::SourceSetPtr sources) {
    m_sources = std::move(sources);
    m_verifier.reset(m_sources ? new findings::CitationVerifier(m_sources) : nullptr);
    rebuild();
    Q_EMIT findingsReset();
}

void FindingsTracker::clear() {
    truncate(0);
    Q_EMIT findingsReset();
}

QList<findings::Mention> FindingsTracker::mentions(int turn) const {
    QList<findings::Mention> out;
    if (turn < 0 || size_t(turn) >= m_turns.size())
        return out;
    const TurnState &state = *m_turns[size_t(turn)];
    const TurnState &root = *m_turns[size_t(state.root)];
    const qsizetype end = state.joinedStart + state.fed;
    for (const findings::Mention &mention : root.mentions) {
        if (mention.offset >= state.joinedStart && mention.offset < end)
            out.append(mention);
    }
    return out;
}

qsizetype FindingsTracker::joinedOffset(int turn) const {
    if (turn < 0 || size_t(turn) >= m_turns.size())
        return -1;
    return m_turns[size_t(turn)]->joinedStart;
}

findings::ResolvedLocation FindingsTracker::resolve(const findings::Citation &citation) const {
    if (m_verifier)
        return m_verifier->verify(citation);
    findings::ResolvedLocation location;
    location.status = findings::VerificationStatus::Unverified;
    location.note = tr("the repository snapshot of this conversation is not ready yet");
    return location;
}

void FindingsTracker::onTurnStarted(int turn) {
    // Anything known from this turn on is stale: the turn is asked again, or the
    // conversation was cleared and starts over.
    const bool replaced = truncate(turn);
    catchUp(turn);
    if (replaced) {
        const llm::Turn &started = m_conversation->turns().at(turn);
        // A re-asked continuation: its old text is in the chain's extractor.
        if (started.continuation && turn > 0)
            refeedChain(m_turns[size_t(turn - 1)]->root, turn);
    }
    addTurn(turn);
    if (replaced)
        Q_EMIT findingsReset();
}

void FindingsTracker::onTurnUpdated(int turn) {
    catchUp(turn + 1);
    feed(turn);
}

void FindingsTracker::onTurnFinished(int turn) {
    catchUp(turn + 1);
    feed(turn);
    finishIfComplete(turn);
}

void FindingsTracker::catchUp(int upTo) {
    const QList<llm::Turn> &turns = m_conversation->turns();
    upTo = std::min<int>(upTo, int(turns.size()));
    while (m_turns.size() < size_t(upTo)) {
        const int turn = int(m_turns.size());
        addTurn(turn);
        feed(turn);
        if (turn + 1 < int(turns.size()) || !m_conversation->isBusy())
            finishIfComplete(turn);
    }
}

void FindingsTracker::addTurn(int turn) {
    auto state = std::make_unique<TurnState>();
    const llm::Turn &info = m_conversation->turns().at(turn);
    if (info.continuation && turn > 0 && size_t(turn) == m_turns.size()) {
        state->root = m_turns[size_t(turn - 1)]->root;
        state->joinedStart = m_turns[size_t(state->root)]->extractor->text().size();
    } else {
        state->root = turn;
        state->extractor = std::make_unique<FindingExtractor>();
        state->base = int(m_findings.size());
    }
    if (size_t(turn) == m_turns.size())
        m_turns.push_back(std::move(state));
}

bool FindingsTracker::truncate(int turn) {
    if (turn < 0 || size_t(turn) >= m_turns.size())
        return false;
    m_turns.resize(size_t(turn));
    while (!m_turnOf.isEmpty() && m_turnOf.constLast() >= turn) {
        m_turnOf.removeLast();
        m_findings.removeLast();
    }
    return true;
}

void FindingsTracker::feed(int turn) {
    if (turn < 0 || size_t(turn) >= m_turns.size())
        return;
    TurnState &state = *m_turns[size_t(turn)];
    const QString &answer = m_conversation->turns().at(turn).answer;
    if (answer.size() < state.fed) {
        // The answer started over (never expected once text arrived): feed the chain again.
        refeedChain(state.root, turn);
        state.fed = 0;
        state.joinedStart = m_turns[size_t(state.root)]->extractor->text().size();
        Q_EMIT findingsReset();
    }
    if (answer.size() == state.fed)
        return;
    FindingExtractor &extractor = *m_turns[size_t(state.root)]->extractor;
    const FindingExtractor::Update update = extractor.feed(QStringView(answer).mid(state.fed));
    state.fed = answer.size();
    apply(turn, update);
}

// A complete answer's last line is complete too. A cut-off answer keeps its unfinished
// line for the continuation that may follow ("Continue exactly where it stopped").
void FindingsTracker::finishIfComplete(int turn) {
    if (turn < 0 || size_t(turn) >= m_turns.size() || !m_conversation->turns().at(turn).complete())
        return;
    apply(turn, m_turns[size_t(m_turns[size_t(turn)]->root)]->extractor->finish());
}

void FindingsTracker::refeedChain(int root, int upTo) {
    TurnState &owner = *m_turns[size_t(root)];
    owner.extractor->reset();
    owner.mentions.clear();
    while (m_findings.size() > owner.base) {
        m_findings.removeLast();
        m_turnOf.removeLast();
    }
    const bool quiet = m_quiet;
    m_quiet = true;
    for (int turn = root; turn < upTo && size_t(turn) < m_turns.size(); ++turn) {
        TurnState &state = *m_turns[size_t(turn)];
        state.fed = 0;
        state.joinedStart = owner.extractor->text().size();
        feed(turn);
    }
    m_quiet = quiet;
}

void FindingsTracker::apply(int turn, const FindingExtractor::Update &update) {
    const TurnState &state = *m_turns[size_t(turn)];
    TurnState &owner = *m_turns[size_t(state.root)];
    const QList<findings::Finding> &found = owner.extractor->findings();
    for (const int local : update.added) {
        findings::Finding finding = found.at(local);
        verifyFinding(finding);
        // Only the last chain grows, so its new findings are the list's end.
        Q_ASSERT(owner.base + local == m_findings.size());
        // A finding belongs to the turn its text starts in (a line a continuation completed
        // is the continued turn's).
        int from = turn;
        while (from > state.root && m_turns[size_t(from)]->joinedStart > finding.answerOffset)
            --from;
        m_findings.append(std::move(finding));
        m_turnOf.append(from);
        if (!m_quiet)
            Q_EMIT findingAdded(int(m_findings.size()) - 1);
    }
    for (const int local : update.changed) {
        const int index = owner.base + local;
        if (index < 0 || index >= m_findings.size())
            continue;
        findings::Finding finding = found.at(local);
        verifyFinding(finding);
        m_findings[index] = std::move(finding);
        if (!m_quiet)
            Q_EMIT findingChanged(index);
    }
    const QList<findings::Mention> &mentions = owner.extractor->mentions();
    for (const int local : update.mentionsAdded) {
        findings::Mention mention = mentions.at(local);
        verifyMention(mention);
        if (local >= owner.mentions.size())
            owner.mentions.resize(local + 1);
        owner.mentions[local] = std::move(mention);
    }
}

void FindingsTracker::rebuild() {
    for (findings::Finding &finding : m_findings)
        verifyFinding(finding);
    for (const std::unique_ptr<TurnState> &state : m_turns) {
        for (findings::Mention &mention : state->mentions)
            verifyMention(mention);
    }
}

void FindingsTracker::verifyFinding(findings::Finding &finding) const {
    if (m_verifier) {
        m_verifier->verify(finding);
        return;
    }
    finding.resolved = findings::ResolvedLocation();
    for (findings::FlowStep &step : finding.flow)
        step.resolved = findings::ResolvedLocation();
}

void FindingsTracker::verifyMention(findings::Mention &mention) const {
    if (m_verifier)
        m_verifier->verify(mention);
    else
        mention.resolved = findings::ResolvedLocation();
}

} // namespace reposcope::workspace
