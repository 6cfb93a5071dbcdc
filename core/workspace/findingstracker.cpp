// SPDX-License-Identifier: MIT
#include "workspace/findingstracker.h"

#include "findings/mentionquote.h"
#include "llm/conversation.h"

#include <algorithm>

namespace reposcope::workspace {

using findings::FindingExtractor;

// What the tracker knows of one turn. A turn that is not a continuation owns the extractor
// its continuations feed too (its "chain"); the chain's findings are contiguous in
// m_findings from `base`, since only the last turns of a conversation can grow.
struct FindingsTracker::TurnState {
    int root = 0;              // the turn owning the extractor this turn feeds
    qsizetype fed = 0;         // characters of this turn's answer fed so far (an index)
    qsizetype joinedStart = 0; // where answer[skip] lands in the extractor's text
    // A continuation: false until it is known how it joins the turn it continues (see
    // decideJoin); nothing of it is fed before.
    bool decided = true;
    qsizetype skip = 0;   // leading characters of the answer not fed (before a restarted line)
    qsizetype limit = -1; // characters of the answer that belong to the chain; -1: all. Set
                          // when the continuation after it restarts one of its lines.
    // Root turns only.
    std::unique_ptr<FindingExtractor> extractor;
    int base = 0;                      // global index of the extractor's first finding
    QList<findings::Mention> mentions; // the extractor's mentions, verified, same indexes
    QList<int> globalOf;               // extractor finding -> global index in m_findings
    QList<bool> repeat;                // ... merged into an earlier finding it repeats
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
    const qsizetype end = state.joinedStart + state.fed - state.skip;
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

namespace {

// A continuation's first line is compared with this many characters (whitespace collapsed).
constexpr qsizetype kRestartKey = 48;
// A complete earlier line shorter than this is never taken for restarted.
constexpr qsizetype kRestartMatch = 16;
// How many lines back in the continued turn a restart is looked for.
constexpr int kRestartLines = 40;

qsizetype commonPrefix(const QString &a, const QString &b) {
    const qsizetype n = std::min(a.size(), b.size());
    qsizetype i = 0;
    while (i < n && a[i] == b[i])
        ++i;
    return i;
}

// Whether a continuation starting with `key` (its first kRestartKey characters) restarts
// `line` (whitespace collapsed both): the shorter of the two is a prefix of the other, and
// at least 3 characters long for the unfinished line, kRestartMatch for a complete one. Two
// items that only begin alike ("- [HIGH] SQL injection in login" and "... in search") are
// different items.
bool restarts(const QString &line, const QString &key, bool unfinished) {
    const qsizetype shorter = std::min(line.size(), key.size());
    if (shorter < (unfinished ? 3 : kRestartMatch))
        return false;
    return commonPrefix(line, key) >= shorter;
}

// A finding repeated by a continuation completes the one it repeats: what the first had
// not said yet is taken from the repeat. The identity (category, ordinal, offset) stays.
void completeWith(findings::Finding &original, const findings::Finding &repeat) {
    if (original.quote.isEmpty())
        original.quote = repeat.quote;
    if (repeat.explanation.size() > original.explanation.size())
        original.explanation = repeat.explanation;
    if (repeat.flow.size() > original.flow.size())
        original.flow = repeat.flow;
    if (!original.citation.hasLine() && repeat.citation.hasLine())
        original.citation = repeat.citation;
}

bool sameCitation(const findings::Citation &a, const findings::Citation &b) {
    return a.path == b.path && a.startLine == b.startLine &&
           std::max(a.endLine, a.startLine) == std::max(b.endLine, b.startLine);
}

} // namespace

findings::ResolvedLocation FindingsTracker::resolve(const findings::Citation &citation) const {
    if (m_verifier) {
        // What the answer said with this citation decides: the latest finding citing it (its
        // quote), else the latest mention of it with a quote; only then the bare location,
        // which is at best "located".
        for (qsizetype i = m_findings.size() - 1; i >= 0; --i) {
            const findings::Finding &finding = m_findings.at(i);
            if (sameCitation(finding.citation, citation) &&
                finding.resolved.status != findings::VerificationStatus::Pending)
                return finding.resolved;
        }
        for (auto turn = m_turns.rbegin(); turn != m_turns.rend(); ++turn) {
            const QList<findings::Mention> &mentions = (*turn)->mentions;
            for (qsizetype i = mentions.size() - 1; i >= 0; --i) {
                const findings::Mention &mention = mentions.at(i);
                if (!mention.quote.isEmpty() && sameCitation(mention.citation, citation) &&
                    mention.resolved.status != findings::VerificationStatus::Pending)
                    return mention.resolved;
            }
        }
        return m_verifier->verify(citation);
    }
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
        // A re-asked continuation: its old text is in the chain's extractor, and how it
        // joined the turn it continues is decided again.
        if (started.continuation && turn > 0) {
            m_turns[size_t(turn - 1)]->limit = -1;
            refeedChain(m_turns[size_t(turn - 1)]->root, turn);
        }
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
        state->decided = false;
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
        if (state.root != turn) {
            state.decided = false;
            state.skip = 0;
            m_turns[size_t(turn - 1)]->limit = -1;
        }
        refeedChain(state.root, turn);
        state.fed = 0;
        state.joinedStart = m_turns[size_t(state.root)]->extractor->text().size();
        Q_EMIT findingsReset();
    }
    if (!state.decided && !decideJoin(turn))
        return; // too little of the continuation to tell how it joins
    const qsizetype end = state.limit >= 0 ? std::min(state.limit, answer.size()) : answer.size();
    const qsizetype from = std::max(state.fed, state.skip);
    if (end <= from)
        return;
    FindingExtractor &extractor = *m_turns[size_t(state.root)]->extractor;
    const FindingExtractor::Update update =
        extractor.feed(QStringView(answer).mid(from, end - from));
    state.fed = end;
    apply(turn, update);
}

// Models asked to continue "exactly where it stopped" often restart the item they were
// writing, or repeat the last one. When the continuation's first line starts like a line of
// the turn it continues (its unfinished last line included), that turn's text is cut at
// that line, so the broken half never becomes a finding and the restarted item replaces
// it; otherwise the continuation simply follows the text. Decided once the first line is
// complete, kRestartKey characters long, or the turn has ended.
bool FindingsTracker::decideJoin(int turn) {
    TurnState &state = *m_turns[size_t(turn)];
    const llm::Turn &info = m_conversation->turns().at(turn);
    const QString &answer = info.answer;
    qsizetype first = 0;
    while (first < answer.size() && answer[first].isSpace())
        ++first;
    const qsizetype lineEnd = answer.indexOf(QLatin1Char('\n'), first);
    if (!llm::isFinal(info.phase) &&
        (first == answer.size() || (lineEnd < 0 && answer.size() - first < kRestartKey)))
        return false;
    state.decided = true;
    if (first == answer.size() || turn == 0)
        return true;
    const QString key = answer.mid(first, (lineEnd < 0 ? answer.size() : lineEnd) - first)
                            .simplified()
                            .left(kRestartKey);

    TurnState &prev = *m_turns[size_t(turn - 1)];
    const QString &before = m_conversation->turns().at(turn - 1).answer;
    const qsizetype fedEnd = std::min(prev.fed, before.size());
    qsizetype start = fedEnd > 0 ? before.lastIndexOf(QLatin1Char('\n'), fedEnd - 1) + 1 : 0;
    qsizetype cut = -1;
    for (int lines = 0; lines < kRestartLines; ++lines) {
        start = std::max(start, prev.skip);
        qsizetype stop = before.indexOf(QLatin1Char('\n'), start);
        const bool unfinished = stop < 0 || stop >= fedEnd;
        if (unfinished)
            stop = fedEnd;
        if (restarts(before.mid(start, stop - start).simplified(), key, unfinished)) {
            cut = start;
            break;
        }
        if (start <= prev.skip)
            break;
        start = start >= 2 ? before.lastIndexOf(QLatin1Char('\n'), start - 2) + 1 : 0;
    }
    if (cut < 0) {
        // The whole answer started again: the first line is the same, however short
        // ("## Findings").
        qsizetype top = prev.skip;
        while (top < fedEnd && before[top].isSpace())
            ++top;
        const qsizetype topEnd = before.indexOf(QLatin1Char('\n'), top);
        if (top < fedEnd && topEnd >= 0 && topEnd < fedEnd &&
            before.mid(top, topEnd - top).simplified() == key)
            cut = top;
    }
    if (cut < 0)
        return true;
    prev.limit = cut;
    state.skip = first;
    if (cut < prev.fed) {
        // What was fed from the cut on is taken back: the chain is fed again without it.
        refeedChain(state.root, turn);
        if (!m_quiet)
            Q_EMIT findingsReset();
    }
    state.fed = 0;
    state.joinedStart = m_turns[size_t(state.root)]->extractor->text().size();
    return true;
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
    owner.globalOf.clear();
    owner.repeat.clear();
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
        Q_ASSERT(owner.globalOf.size() == local);
        // A finding belongs to the turn its text starts in (a line a continuation completed
        // is the continued turn's).
        int from = turn;
        while (from > state.root && m_turns[size_t(from)]->joinedStart > finding.answerOffset)
            --from;
        // A continuation repeating a finding of the turns it continues: one finding.
        const int repeated = from > state.root ? repeatedFinding(owner, finding, from) : -1;
        if (repeated >= 0) {
            owner.globalOf.append(repeated);
            owner.repeat.append(true);
            completeWith(m_findings[repeated], finding);
            verifyFinding(m_findings[repeated]);
            if (!m_quiet)
                Q_EMIT findingChanged(repeated);
            continue;
        }
        // Only the last chain grows, so its new findings are the list's end.
        owner.globalOf.append(int(m_findings.size()));
        owner.repeat.append(false);
        m_findings.append(std::move(finding));
        m_turnOf.append(from);
        if (!m_quiet)
            Q_EMIT findingAdded(int(m_findings.size()) - 1);
    }
    for (const int local : update.changed) {
        const int index = owner.globalOf.value(local, -1);
        if (index < 0 || index >= m_findings.size())
            continue;
        findings::Finding finding = found.at(local);
        if (owner.repeat.value(local)) {
            completeWith(m_findings[index], finding);
            verifyFinding(m_findings[index]);
        } else {
            verifyFinding(finding);
            m_findings[index] = std::move(finding);
        }
        if (!m_quiet)
            Q_EMIT findingChanged(index);
    }
    const QList<findings::Mention> &mentions = owner.extractor->mentions();
    for (const int local : update.mentionsAdded) {
        findings::Mention mention = mentions.at(local);
        if (mention.quote.isEmpty()) {
            // The code span after the mention is its quote; the next mention owns what
            // follows it. The mention's line is complete, so its sentence is too.
            const qsizetype until =
                local + 1 < mentions.size() ? mentions.at(local + 1).offset : qsizetype(-1);
            mention.quote = findings::quoteAfterMention(owner.extractor->text(),
                                                        mention.offset + mention.length, until);
        }
        verifyMention(mention);
        if (local >= owner.mentions.size())
            owner.mentions.resize(local + 1);
        owner.mentions[local] = std::move(mention);
    }
}

int FindingsTracker::repeatedFinding(const TurnState &owner, const findings::Finding &finding,
                                     int turn) const {
    const QString print = findings::fingerprint(finding);
    for (int index = owner.base; index < m_findings.size(); ++index) {
        if (m_turnOf.value(index) < turn && findings::fingerprint(m_findings.at(index)) == print)
            return index;
    }
    return -1;
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

void describeAnswer(findings::ExportContext &context, const llm::Conversation &conversation,
                    int turn) {
    const int asked = conversation.questionOf(turn);
    if (asked < 0)
        return;
    const llm::Turn &question = conversation.turns().at(asked);
    context.question = question.question;
    context.task = question.title.isEmpty() ? QStringLiteral("Custom question") : question.title;
    if (!question.providerId.isEmpty())
        context.provider = question.providerId;
    if (!question.model.isEmpty())
        context.model = question.model;
    context.askedAt = question.startedAt;
    context.answerComplete = conversation.answerComplete(turn);
}

} // namespace reposcope::workspace
