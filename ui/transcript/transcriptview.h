// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"
#include "llm/conversation.h"
#include "transcript/markdownrenderer.h"

#include <QElapsedTimer>
#include <QList>
#include <QTextBrowser>
#include <QTimer>

#include <functional>

namespace KSyntaxHighlighting {
class Repository;
}

namespace reposcope::ui {

/// The read-only transcript of a conversation: per turn the question, the answer rendered from
/// Markdown (code highlighted), the images the question carried as small thumbnails under it
/// (decoded once per image, kept as document resources; each links to "reposcope:image/TURN/INDEX"
/// for a preview), and once the turn ends an "incomplete" marker with the error on
/// failed or stopped turns, and its figures (first token, total, tokens, cached, tokens/s, cost).
///
/// It reads a turn list it does not own (Conversation::turns(), or a test's list) and is told what
/// changed through the three slots, which mirror Conversation's signals. Updates are coalesced: at
/// most one render per renderInterval() (default 33 ms, ~30 per second), however many deltas
/// arrive; start and finish render at once. One QTextDocument holds every turn; finished turns stay
/// rendered in it (never redone unless the palette changes or the list is reloaded) and a streaming
/// turn re-renders only its last, growing Markdown segment, so a render costs the size of that
/// segment, not of the transcript. Stays scrolled to the bottom while streaming unless the user
/// scrolled up. Anchors are clickable: they are reported by linkActivated(), never opened. Every
/// `path:line` mention in an answer (findings::findCitations; not in fenced code blocks) becomes
/// an anchor to findings::citationUrl(); only the re-rendered part of the document is scanned. UI
/// thread only.
class TranscriptView : public QTextBrowser {
    Q_OBJECT
public:
    /// `syntax` may be null (no highlighting); not owned, must outlive the view.
    explicit TranscriptView(KSyntaxHighlighting::Repository *syntax, QWidget *parent = nullptr);
    ~TranscriptView() override;

    /// The list to show; null shows nothing. Must outlive the view or be reset first.
    void setTurns(const QList<llm::Turn> *turns);
    const QList<llm::Turn> *turns() const { return m_turns; }

    void onTurnStarted(int index);  // renders now
    void onTurnUpdated(int index);  // renders within renderInterval()
    void onTurnFinished(int index); // renders now, with the figures
    /// Renders every turn again (the list was replaced or cleared behind our back).
    void renderAll();

    void setRenderInterval(int ms) { m_throttle.setInterval(ms); }
    int renderInterval() const { return m_throttle.interval(); }
    /// Renders pending updates now (tests, benchmarks).
    void flush();

    int renderCount() const { return m_renderCount; }
    qint64 lastRenderNs() const { return m_lastRenderNs; }
    /// Sticks to the bottom as text arrives (false once the user scrolled up).
    bool isFollowing() const { return m_follow; }
    /// The plain text of turn `index` as rendered (question, answer, footer).
    QString renderedTurnText(int index) const;

    /// Checks a citation link as it is rendered (FindingsTracker::resolve), so each link
    /// shows its status: a verified one looks like a link, a corrected one says where it
    /// really points in its tooltip, an unverified one is dotted and its tooltip says why.
    /// Unset: links carry no status. Called on the UI thread for the re-rendered part only.
    using CitationResolver =
        std::function<findings::ResolvedLocation(const findings::Citation &citation)>;
    void setCitationResolver(CitationResolver resolver) { m_resolver = std::move(resolver); }

Q_SIGNALS:
    /// An anchor was clicked: a Markdown link of an answer, a citation (findings::citationUrl()),
    /// or "reposcope:fit-to-budget".
    void linkActivated(const QUrl &url);
    void rendered();

protected:
    void changeEvent(QEvent *event) override;

private:
    // The turn being streamed: what of it is already final in the document.
    struct Live {
        int index = -1;
        int tailStart = 0;         // document position where the re-rendered part begins
        qsizetype closedChars = 0; // answer characters rendered as closed segments
        bool reasoningFrozen = false;
        qsizetype reasoningChars = 0;
    };

    void render();
    void truncate(int firstTurn);
    void beginTurn(int index);
    void updateTurn(int index, bool finished);
    void insertQuestion(QTextCursor &cursor, const llm::Turn &turn);
    void insertImages(QTextCursor &cell, const llm::Turn &turn, int index);
    void insertReasoning(QTextCursor &cursor, const llm::Turn &turn);
    void insertFooter(QTextCursor &cursor, const llm::Turn &turn);
    int documentEnd() const;
    void linkCitations(int from, int to);
    void applyStatus(QTextCharFormat &link, const findings::Citation &citation) const;
    void applyPalette();
    void followIfNeeded();

    const QList<llm::Turn> *m_turns = nullptr;
    MarkdownRenderer m_renderer;
    CitationResolver m_resolver;
    QList<int> m_turnStarts; // document position of each rendered turn
    Live m_live;
    int m_dirtyFrom = 0; // first turn whose region must be redone (==
                         // m_turnStarts.size(): none)
    QTimer m_throttle;
    int m_renderCount = 0;
    qint64 m_lastRenderNs = 0;
    bool m_follow = true;
    bool m_scrolling = false; // our own scrolling, not the user's
    bool m_applyingPalette = false;
};

} // namespace reposcope::ui
