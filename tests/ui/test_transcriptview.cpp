// SPDX-License-Identifier: MIT
#include "eventloop.h"
#include "findings/citationurl.h"
#include "findings/citationverifier.h"
#include "transcript/transcriptview.h"

#include <KSyntaxHighlighting/Repository>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

#include <gtest/gtest.h>

#include <memory>

using reposcope::llm::ChatError;
using reposcope::llm::ChatPhase;
using reposcope::llm::Turn;
using reposcope::ui::TranscriptView;

namespace {

class TranscriptViewTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_repository = std::make_unique<KSyntaxHighlighting::Repository>();
    }
    static void TearDownTestSuite() { s_repository.reset(); }

    void SetUp() override {
        m_view = std::make_unique<TranscriptView>(s_repository.get());
        m_view->resize(600, 400);
        m_view->setTurns(&m_turns);
    }
    void TearDown() override { m_view.reset(); }

    static Turn finishedTurn(const QString &question, const QString &answer) {
        Turn turn;
        turn.question = question;
        turn.answer = answer;
        turn.phase = ChatPhase::Done;
        turn.model = QStringLiteral("llama-4-scout");
        turn.stats.ttftMs = 18'200;
        turn.stats.totalMs = 41'000;
        turn.stats.usage.promptTokens = 1'020'000;
        turn.stats.usage.completionTokens = 1'024;
        turn.stats.usage.cachedPromptTokens = 900'000;
        turn.cost = 0.0132;
        return turn;
    }

    // Streams `answer` into turn `index` in `deltas` pieces, waiting for a render every `waitEvery`
    // pieces (0: never), then finishes the turn.
    void stream(int index, const QStringList &deltas, int waitEvery) {
        QSignalSpy renders(m_view.get(), &TranscriptView::rendered);
        m_turns[index].phase = ChatPhase::Streaming;
        for (int i = 0; i < deltas.size(); ++i) {
            m_turns[index].answer += deltas[i];
            m_view->onTurnUpdated(index);
            if (waitEvery > 0 && (i + 1) % waitEvery == 0) {
                ASSERT_TRUE(renders.wait());
            }
        }
        m_turns[index].phase = ChatPhase::Done;
        m_view->onTurnUpdated(index);
        m_view->onTurnFinished(index);
    }

    QList<Turn> m_turns;
    std::unique_ptr<TranscriptView> m_view;
    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_repository;
};

// An answer of `tokens` pieces mixing prose, lists and fenced code, cut like a model's stream (a
// piece is a word with its separator, so fences and newlines arrive split).
QStringList answerPieces(int tokens) {
    QStringList pieces;
    int n = 0;
    auto add = [&pieces, &n](const QString &piece) {
        pieces << piece;
        ++n;
    };
    for (int block = 0; n < tokens; ++block) {
        switch (block % 4) {
        case 0:
            for (int w = 0; w < 40; ++w)
                add(QStringLiteral("word%1 ").arg(w));
            add(QStringLiteral("end.\n\n"));
            break;
        case 1:
            add(QStringLiteral("``"));
            add(QStringLiteral("`cpp\n"));
            for (int line = 0; line < 12; ++line) {
                add(QStringLiteral("int v%1").arg(line));
                add(QStringLiteral(" = %1;").arg(line));
                add(QStringLiteral(" // c\n"));
            }
            add(QStringLiteral("``"));
            add(QStringLiteral("`\n\n"));
            break;
        case 2:
            for (int item = 0; item < 6; ++item) {
                add(QStringLiteral("- item "));
                add(QStringLiteral("%1\n").arg(item));
            }
            add(QStringLiteral("\n"));
            break;
        default:
            add(QStringLiteral("## Part "));
            add(QStringLiteral("%1\n\n").arg(block));
            break;
        }
    }
    return pieces;
}

// What the answer's visible characters are: the source without fence lines, list markers and
// heading marks, whitespace folded.
QString visibleText(const QString &markdown) {
    QStringList lines;
    const QStringList source = markdown.split(u'\n');
    for (QString line : source) {
        if (line.startsWith(QStringLiteral("```")))
            continue;
        if (line.startsWith(QStringLiteral("- ")))
            line.remove(0, 2);
        if (line.startsWith(QStringLiteral("## ")))
            line.remove(0, 3);
        lines << line;
    }
    return lines.join(u' ').simplified();
}

// The rendered answer region of a turn: between the question bubble and the figures.
QString renderedAnswer(const QString &turnText, const QString &question) {
    QString text = turnText;
    text.remove(0, text.indexOf(question) + question.size());
    const qsizetype figures = text.lastIndexOf(QStringLiteral("llama-4-scout"));
    if (figures >= 0)
        text.truncate(figures);
    return text.simplified();
}

} // namespace

TEST_F(TranscriptViewTest, ShowsQuestionAnswerAndFigures) {
    m_turns << finishedTurn(QStringLiteral("Where is the bug?"),
                            QStringLiteral("In **parse()**:\n\n```cpp\nreturn -1;\n```\n"));
    m_view->renderAll();
    const QString text = m_view->renderedTurnText(0);
    EXPECT_TRUE(text.contains(QStringLiteral("You")));
    EXPECT_TRUE(text.contains(QStringLiteral("Where is the bug?")));
    EXPECT_TRUE(text.contains(QStringLiteral("In parse():")));
    EXPECT_TRUE(text.contains(QStringLiteral("return -1;")));
    EXPECT_FALSE(text.contains(QStringLiteral("Incomplete")));
    EXPECT_TRUE(text.contains(QStringLiteral("first token 18.2 s"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("total 41.0 s")));
    EXPECT_TRUE(text.contains(QStringLiteral("1,020,000 prompt (900,000 cached)")));
    EXPECT_TRUE(text.contains(QStringLiteral("1,024 completion")));
    EXPECT_TRUE(text.contains(QStringLiteral("45 tok/s"))); // 1024 tokens in 22.8 s
    EXPECT_TRUE(text.contains(QStringLiteral("$0.0132"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("≈")));
}

TEST_F(TranscriptViewTest, EstimatedCountsAreMarked) {
    Turn turn = finishedTurn(QStringLiteral("Q"), QStringLiteral("A"));
    turn.stats.usage = {};
    turn.promptTokensEstimate = 5'000;
    turn.stats.outputTokensEstimate = 300;
    turn.title = QStringLiteral("Security review");
    m_turns << turn;
    m_view->renderAll();
    const QString text = m_view->renderedTurnText(0);
    EXPECT_TRUE(text.contains(QStringLiteral("≈5,000 prompt")));
    EXPECT_TRUE(text.contains(QStringLiteral("≈300 completion")));
    EXPECT_TRUE(text.contains(QStringLiteral("Security review")));
    EXPECT_FALSE(text.contains(QStringLiteral("cached")));
}

TEST_F(TranscriptViewTest, FailedAndStoppedTurnsAreMarkedIncomplete) {
    Turn failed = finishedTurn(QStringLiteral("Q1"), QStringLiteral("Partial ans"));
    failed.phase = ChatPhase::Failed;
    failed.error = ChatError{};
    failed.error->kind = ChatError::Kind::ConnectionDropped;
    failed.error->message = QStringLiteral("The connection dropped; Continue asks for the rest.");
    Turn stopped = finishedTurn(QStringLiteral("Q2"), QStringLiteral("Half"));
    stopped.phase = ChatPhase::Cancelled;
    m_turns << failed << stopped;
    m_view->renderAll();
    const QString first = m_view->renderedTurnText(0);
    EXPECT_TRUE(first.contains(QStringLiteral("Partial ans")));
    EXPECT_TRUE(first.contains(
        QStringLiteral("Incomplete: The connection dropped; Continue asks for the rest.")));
    EXPECT_FALSE(first.contains(QStringLiteral("Fit to budget")));
    const QString second = m_view->renderedTurnText(1);
    EXPECT_TRUE(second.contains(QStringLiteral("Incomplete: stopped")));
    EXPECT_FALSE(second.contains(QStringLiteral("Q1")));
}

TEST_F(TranscriptViewTest, ContextOverflowOffersFitToBudgetAsALink) {
    Turn turn = finishedTurn(QStringLiteral("Q"), QString());
    turn.phase = ChatPhase::Failed;
    turn.error = ChatError{};
    turn.error->kind = ChatError::Kind::ContextOverflow;
    turn.error->message = QStringLiteral("The prompt is 40,000 tokens over the context.");
    m_turns << turn;
    m_view->renderAll();
    EXPECT_TRUE(m_view->renderedTurnText(0).contains(QStringLiteral("Fit to budget")));
    bool found = false;
    for (QTextBlock block = m_view->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor() &&
                format.anchorHref() == QStringLiteral("reposcope:fit-to-budget"))
                found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(TranscriptViewTest, ClickingAnAnchorReportsItsUrl) {
    m_turns << finishedTurn(QStringLiteral("Q"),
                            QStringLiteral("See [src/app.cpp:42](src/app.cpp#L42) now."));
    m_view->renderAll();
    m_view->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_view.get()));
    const QString text = m_view->document()->toPlainText();
    const qsizetype at = text.indexOf(QStringLiteral("src/app.cpp:42"));
    ASSERT_GE(at, 0);
    QTextCursor cursor(m_view->document());
    cursor.setPosition(int(at) + 3);
    const QPoint point = m_view->cursorRect(cursor).center();
    QSignalSpy links(m_view.get(), &TranscriptView::linkActivated);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, point);
    ASSERT_EQ(links.size(), 1);
    EXPECT_EQ(links.at(0).at(0).toUrl(), QUrl(QStringLiteral("src/app.cpp#L42")));
    // Never navigates: the transcript stays.
    EXPECT_TRUE(m_view->document()->toPlainText().contains(QStringLiteral("See")));
}

TEST_F(TranscriptViewTest, TwentyThousandDeltasRenderTheFullTextExactly) {
    Turn turn;
    turn.question = QStringLiteral("Explain the repository");
    turn.model = QStringLiteral("llama-4-scout");
    turn.phase = ChatPhase::Waiting;
    m_turns << finishedTurn(QStringLiteral("Earlier question"), QStringLiteral("Earlier *answer*."))
            << turn;
    m_view->onTurnStarted(1);
    const QStringList pieces = answerPieces(20'000);
    ASSERT_GE(pieces.size(), 20'000);
    ASSERT_NO_FATAL_FAILURE(stream(1, pieces, 500));
    const QString answer = pieces.join(QString());
    ASSERT_EQ(m_turns[1].answer, answer);

    const QString incremental = m_view->renderedTurnText(1);
    EXPECT_EQ(renderedAnswer(incremental, turn.question), visibleText(answer));
    // The same turns rendered in one go give the same document text.
    TranscriptView fresh(s_repository.get());
    fresh.setTurns(&m_turns);
    EXPECT_EQ(fresh.document()->toPlainText(), m_view->document()->toPlainText());
    EXPECT_EQ(fresh.document()->blockCount(), m_view->document()->blockCount());
    EXPECT_EQ(m_view->renderedTurnText(0), fresh.renderedTurnText(0));
    // Highlighting survived the incremental path.
    bool highlighted = false;
    for (QTextBlock block = m_view->document()->begin(); block.isValid(); block = block.next()) {
        if (block.text() == QStringLiteral("int v3 = 3; // c")) {
            QSet<QRgb> colours;
            for (auto it = block.begin(); !it.atEnd(); ++it)
                colours.insert(it.fragment().charFormat().foreground().color().rgba());
            highlighted = colours.size() >= 3;
        }
    }
    EXPECT_TRUE(highlighted);
}

TEST_F(TranscriptViewTest, CoalescesUpdatesIntoOneRender) {
    Turn turn;
    turn.question = QStringLiteral("Q");
    turn.phase = ChatPhase::Streaming;
    m_turns << turn;
    m_view->onTurnStarted(0);
    const int before = m_view->renderCount();
    QSignalSpy renders(m_view.get(), &TranscriptView::rendered);
    for (int i = 0; i < 5'000; ++i) {
        m_turns[0].answer += QStringLiteral("tok%1 ").arg(i);
        m_view->onTurnUpdated(0);
    }
    EXPECT_EQ(m_view->renderCount(), before); // nothing until the event loop runs
    ASSERT_TRUE(renders.wait());
    EXPECT_EQ(m_view->renderCount(), before + 1);
    EXPECT_TRUE(m_view->renderedTurnText(0).contains(QStringLiteral("tok4999")));
}

TEST_F(TranscriptViewTest, RendersAtMostOncePerIntervalWhileStreaming) {
    Turn turn;
    turn.question = QStringLiteral("Q");
    turn.phase = ChatPhase::Streaming;
    m_turns << turn;
    m_view->onTurnStarted(0);
    const int before = m_view->renderCount();
    int updates = 0;
    QTimer feeder;
    feeder.setInterval(1);
    QObject::connect(&feeder, &QTimer::timeout, m_view.get(), [&] {
        m_turns[0].answer += QStringLiteral("word ");
        m_view->onTurnUpdated(0);
        ++updates;
    });
    QElapsedTimer clock;
    clock.start();
    feeder.start();
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] { return updates >= 400; }));
    feeder.stop();
    const qint64 elapsed = clock.elapsed();
    m_view->flush();
    const int renders = m_view->renderCount() - before;
    EXPECT_GE(renders, 1);
    // Each render but the last waited a full interval after an update.
    EXPECT_LE(renders, 2 + elapsed / m_view->renderInterval()) << updates << " updates";
    EXPECT_LT(renders, updates / 2);
    EXPECT_EQ(m_view->renderedTurnText(0).count(QStringLiteral("word")), updates);
}

TEST_F(TranscriptViewTest, FollowsTheBottomUnlessTheUserScrolledUp) {
    m_view->resize(400, 200);
    m_view->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_view.get()));
    Turn turn;
    turn.question = QStringLiteral("Q");
    turn.phase = ChatPhase::Streaming;
    m_turns << turn;
    m_view->onTurnStarted(0);
    QScrollBar *bar = m_view->verticalScrollBar();
    auto grow = [this](int lines) {
        for (int i = 0; i < lines; ++i)
            m_turns[0].answer += QStringLiteral("Line %1 of the answer.\n\n").arg(i);
        m_view->onTurnUpdated(0);
        m_view->flush();
        QCoreApplication::processEvents();
    };
    grow(60);
    ASSERT_GT(bar->maximum(), 0);
    EXPECT_TRUE(m_view->isFollowing());
    EXPECT_EQ(bar->value(), bar->maximum());

    bar->setValue(0); // the user scrolls up
    EXPECT_FALSE(m_view->isFollowing());
    grow(30);
    EXPECT_EQ(bar->value(), 0);

    bar->setValue(bar->maximum()); // and back down
    EXPECT_TRUE(m_view->isFollowing());
    const int maximum = bar->maximum();
    grow(30);
    EXPECT_GT(bar->maximum(), maximum);
    EXPECT_EQ(bar->value(), bar->maximum());
}

TEST_F(TranscriptViewTest, ReaskReplacesTheLastTurnAndClearingEmptiesTheView) {
    m_turns << finishedTurn(QStringLiteral("Q1"), QStringLiteral("First answer"))
            << finishedTurn(QStringLiteral("Q2"), QStringLiteral("Old answer"));
    m_view->renderAll();
    EXPECT_TRUE(m_view->document()->toPlainText().contains(QStringLiteral("Old answer")));
    Turn again;
    again.question = QStringLiteral("Q2");
    again.phase = ChatPhase::Preparing;
    m_turns[1] = again;
    m_view->onTurnStarted(1);
    QString text = m_view->document()->toPlainText();
    EXPECT_FALSE(text.contains(QStringLiteral("Old answer")));
    EXPECT_TRUE(text.contains(QStringLiteral("First answer")));
    EXPECT_EQ(text.count(QStringLiteral("Q2")), 1);
    m_turns[1].answer = QStringLiteral("New answer");
    m_turns[1].phase = ChatPhase::Done;
    m_view->onTurnFinished(1);
    EXPECT_TRUE(m_view->renderedTurnText(1).contains(QStringLiteral("New answer")));

    m_turns.clear();
    m_view->renderAll();
    EXPECT_TRUE(m_view->document()->toPlainText().trimmed().isEmpty());
}

TEST_F(TranscriptViewTest, ReasoningIsShownBeforeTheAnswer) {
    Turn turn;
    turn.question = QStringLiteral("Q");
    turn.phase = ChatPhase::Streaming;
    turn.reasoning = QStringLiteral("Thinking about parse()");
    m_turns << turn;
    m_view->onTurnStarted(0);
    m_turns[0].reasoning += QStringLiteral(" and its callers");
    m_turns[0].answer = QStringLiteral("First paragraph.\n\nSecond");
    m_view->onTurnUpdated(0);
    m_view->flush();
    const QString text = m_view->renderedTurnText(0);
    EXPECT_TRUE(text.contains(QStringLiteral("Thinking about parse() and its callers")));
    EXPECT_LT(text.indexOf(QStringLiteral("callers")), text.indexOf(QStringLiteral("First")));
}

namespace {

// The anchors of the document with a citation URL, adjacent fragments of one link merged.
QList<QPair<QString, QString>> citationAnchors(const QTextDocument *document) {
    QList<QPair<QString, QString>> anchors; // href, anchored text
    int lastEnd = -1;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();
            if (!format.isAnchor() ||
                !format.anchorHref().startsWith(QStringLiteral("reposcope-cite:")))
                continue;
            if (fragment.position() == lastEnd && anchors.last().first == format.anchorHref())
                anchors.last().second += fragment.text();
            else
                anchors.append({format.anchorHref(), fragment.text()});
            lastEnd = fragment.position() + fragment.length();
        }
    }
    return anchors;
}

} // namespace

TEST_F(TranscriptViewTest, CitationsInProseBecomeLinksButNotInCode) {
    const QString answer = QStringLiteral("The handler in `api/user.go:42` trusts its input.\n\n"
                                          "```go\n"
                                          "// api/user.go:42\n"
                                          "func Load(id string) {}\n"
                                          "```\n\n"
                                          "Fix it there.\n");
    QStringList pieces;
    for (qsizetype at = 0; at < answer.size(); at += 3)
        pieces << answer.mid(at, 3);
    Turn turn;
    turn.question = QStringLiteral("Review api/user.go:1 please"); // the question is not linked
    m_turns << turn;
    m_view->onTurnStarted(0);
    stream(0, pieces, 4);

    const auto anchors = citationAnchors(m_view->document());
    ASSERT_EQ(anchors.size(), 1);
    EXPECT_EQ(anchors[0].second, QStringLiteral("api/user.go:42"));
    const std::optional<reposcope::findings::Citation> citation =
        reposcope::findings::citationFromUrl(QUrl(anchors[0].first));
    ASSERT_TRUE(citation);
    EXPECT_EQ(citation->path, QStringLiteral("api/user.go"));
    EXPECT_EQ(citation->startLine, 42);
    EXPECT_EQ(citation->endLine, 42);
    EXPECT_TRUE(m_view->renderedTurnText(0).contains(QStringLiteral("// api/user.go:42")));

    // Clicking it reports the citation URL.
    m_view->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->verticalScrollBar()->setValue(0);
    const qsizetype at =
        m_view->document()->toPlainText().indexOf(QStringLiteral("api/user.go:42"));
    ASSERT_GE(at, 0);
    QTextCursor cursor(m_view->document());
    cursor.setPosition(int(at) + 3);
    QSignalSpy links(m_view.get(), &TranscriptView::linkActivated);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, m_view->cursorRect(cursor).center());
    ASSERT_EQ(links.size(), 1);
    EXPECT_EQ(links.at(0).at(0).toUrl(), QUrl(anchors[0].first));
}

TEST_F(TranscriptViewTest, CitationLinksSurviveARenderOfAllTurns) {
    m_turns << finishedTurn(QStringLiteral("Q"),
                            QStringLiteral("Look at src/db.go:10-12 and lib/a b.py line 7.\n\n"
                                           "See [the docs](https://example.invalid/x.go:3)."));
    m_view->renderAll();
    m_view->renderAll();
    const auto anchors = citationAnchors(m_view->document());
    ASSERT_GE(anchors.size(), 1);
    const auto first = reposcope::findings::citationFromUrl(QUrl(anchors[0].first));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->path, QStringLiteral("src/db.go"));
    EXPECT_EQ(first->startLine, 10);
    EXPECT_EQ(first->endLine, 12);
    for (const auto &anchor : anchors) // the Markdown link keeps its own target
        EXPECT_FALSE(anchor.second.contains(QStringLiteral("docs")));
}

// With a resolver (the app passes FindingsTracker::resolve) each link shows its status.
TEST_F(TranscriptViewTest, CitationLinksShowWhetherTheyWereVerified) {
    using namespace reposcope::findings;
    QHash<QString, QByteArray> files;
    files.insert(QStringLiteral("api/user.go"),
                 QByteArray("package api\nfunc A() {}\nfunc B() {}\n"));
    const CitationVerifier verifier(makeMemorySourceSet(files));
    m_view->setCitationResolver(
        [&verifier](const Citation &citation) { return verifier.verify(citation); });
    m_turns << finishedTurn(
        QStringLiteral("Q"),
        QStringLiteral("See api/user.go:2, then user.go:3, and api/nope.go:4.\n"));
    m_view->renderAll();

    QStringList tips;
    QList<QTextCharFormat::UnderlineStyle> styles;
    for (QTextBlock block = m_view->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor() &&
                format.anchorHref().startsWith(QStringLiteral("reposcope-cite:"))) {
                tips << format.toolTip();
                styles << format.underlineStyle();
            }
        }
    }
    ASSERT_EQ(tips.size(), 3) << tips.join(QLatin1Char('|')).toStdString();
    // No quote: located, never called verified.
    EXPECT_TRUE(tips[0].contains(QStringLiteral("located"))) << tips[0].toStdString();
    EXPECT_FALSE(tips[0].contains(QStringLiteral("verified"))) << tips[0].toStdString();
    EXPECT_EQ(styles[0], QTextCharFormat::SingleUnderline);
    EXPECT_TRUE(tips[1].contains(QStringLiteral("corrected"))) << tips[1].toStdString();
    EXPECT_TRUE(tips[1].contains(QStringLiteral("api/user.go"))) << tips[1].toStdString();
    EXPECT_TRUE(tips[2].contains(QStringLiteral("unverified"))) << tips[2].toStdString();
    EXPECT_EQ(styles[2], QTextCharFormat::DotLine);
}
