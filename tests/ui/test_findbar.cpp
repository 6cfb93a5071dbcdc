// SPDX-License-Identifier: MIT
#include "viewer/codeviewer.h"
#include "viewer/codeviewerpane.h"
#include "viewer/findbar.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <memory>

using reposcope::ui::CodeViewer;
using reposcope::ui::CodeViewerPane;
using reposcope::ui::FindBar;
using reposcope::ui::FindOptions;
using reposcope::ui::TextMatch;

namespace {

QList<int> positions(const QList<TextMatch> &matches) {
    QList<int> out;
    for (const TextMatch &match : matches)
        out << match.position;
    return out;
}

} // namespace

TEST(FindAll, CaseAndWholeWords) {
    const QString text = QStringLiteral("User user_id USER; users user");
    EXPECT_EQ(positions(reposcope::ui::findAll(text, u"user", {})), (QList<int>{0, 5, 13, 19, 25}));
    EXPECT_EQ(positions(reposcope::ui::findAll(text, u"user", {true, false})),
              (QList<int>{5, 19, 25}));
    EXPECT_EQ(positions(reposcope::ui::findAll(text, u"user", {false, true})),
              (QList<int>{0, 13, 25}));
    EXPECT_EQ(positions(reposcope::ui::findAll(text, u"user", {true, true})), QList<int>{25});
    EXPECT_TRUE(reposcope::ui::findAll(text, u"", {}).isEmpty());
    EXPECT_TRUE(reposcope::ui::findAll(text, u"absent", {}).isEmpty());
    // Not overlapping; every match as long as the needle.
    const QList<TextMatch> as = reposcope::ui::findAll(u"aaaaa", u"aa", {});
    EXPECT_EQ(positions(as), (QList<int>{0, 2}));
    EXPECT_EQ(as.first().length, 2);
    // A whole word may sit next to punctuation and at either end.
    EXPECT_EQ(positions(reposcope::ui::findAll(u"(id)\nid", u"id", {false, true})),
              (QList<int>{1, 5}));
}

namespace {

class FindBarTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_repository = std::make_unique<KSyntaxHighlighting::Repository>();
    }
    static void TearDownTestSuite() { s_repository.reset(); }

    void SetUp() override {
        m_pane = std::make_unique<CodeViewerPane>(new CodeViewer(*s_repository), &m_pool);
        m_pane->resize(800, 600);
        m_pane->show();
        m_viewer = m_pane->viewer();
        m_bar = m_pane->findBar();
        QString text;
        for (int i = 1; i <= 300; ++i)
            text += i % 100 == 0 ? QStringLiteral("return needle; // %1\n").arg(i)
                                 : QStringLiteral("int value%1 = %1;\n").arg(i);
        m_viewer->showText(QStringLiteral("src/find.cpp"), text);
    }
    void TearDown() override { m_pane.reset(); }

    // Lines (1-based) of the find tints that are in the viewer's extra
    // selections.
    QList<int> tintedMatchLines() const {
        QList<int> lines;
        for (const QTextEdit::ExtraSelection &sel : m_viewer->extraSelections()) {
            if (!sel.format.property(QTextFormat::FullWidthSelection).toBool())
                lines << sel.cursor.block().blockNumber() + 1;
        }
        return lines;
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_repository;
    QThreadPool m_pool;
    std::unique_ptr<CodeViewerPane> m_pane;
    CodeViewer *m_viewer = nullptr;
    FindBar *m_bar = nullptr;
};

} // namespace

TEST_F(FindBarTest, ActionsHaveTheUsualShortcuts) {
    EXPECT_EQ(m_pane->findAction()->shortcut(), QKeySequence(QKeySequence::Find));
    EXPECT_EQ(m_pane->findNextAction()->shortcut(), QKeySequence(Qt::Key_F3));
    EXPECT_EQ(m_pane->findPreviousAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F3));
    EXPECT_EQ(m_pane->blameAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    // Ctrl+F reaches the pane through its event filter (the main window's Find owns the
    // key elsewhere), so the action's own shortcut never competes with it.
    EXPECT_EQ(m_pane->findAction()->shortcutContext(), Qt::WidgetShortcut);
    EXPECT_EQ(m_pane->findNextAction()->shortcutContext(), Qt::WidgetWithChildrenShortcut);
    EXPECT_TRUE(m_bar->isHidden());
}

TEST_F(FindBarTest, FindsAsYouTypeCountsAndTints) {
    m_pane->findAction()->trigger();
    EXPECT_TRUE(m_bar->isVisible());
    m_bar->setFindText(QStringLiteral("needle"));
    EXPECT_EQ(m_bar->matchCount(), 3);
    EXPECT_EQ(m_bar->countText(), QStringLiteral("1 of 3"));
    EXPECT_EQ(m_viewer->currentLine(), 100);
    EXPECT_EQ(m_viewer->textCursor().selectedText(), QStringLiteral("needle"));
    EXPECT_EQ(m_viewer->findMatches().size(), 3);
    EXPECT_TRUE(tintedMatchLines().contains(100)); // the one on screen

    m_bar->setFindText(QStringLiteral("nothing like it"));
    EXPECT_EQ(m_bar->countText(), QStringLiteral("No results"));
    EXPECT_TRUE(m_viewer->findMatches().isEmpty());
}

TEST_F(FindBarTest, NextAndPreviousWrapAroundWithANote) {
    m_pane->findAction()->trigger();
    m_bar->setFindText(QStringLiteral("needle"));
    m_bar->findNext();
    EXPECT_EQ(m_bar->countText(), QStringLiteral("2 of 3"));
    EXPECT_EQ(m_viewer->currentLine(), 200);
    EXPECT_TRUE(m_bar->noteText().isEmpty());
    m_pane->findNextAction()->trigger();
    EXPECT_EQ(m_viewer->currentLine(), 300);
    m_bar->findNext();
    EXPECT_EQ(m_bar->countText(), QStringLiteral("1 of 3"));
    EXPECT_EQ(m_viewer->currentLine(), 100);
    EXPECT_FALSE(m_bar->noteText().isEmpty()); // wrapped to the top

    m_pane->findPreviousAction()->trigger();
    EXPECT_EQ(m_bar->countText(), QStringLiteral("3 of 3"));
    EXPECT_EQ(m_viewer->currentLine(), 300);
    EXPECT_TRUE(m_bar->noteText().contains(QStringLiteral("bottom")));
}

TEST_F(FindBarTest, EnterShiftEnterAndEscape) {
    m_pane->findAction()->trigger();
    m_bar->setFindText(QStringLiteral("needle"));
    QTest::keyClick(m_bar->lineEdit(), Qt::Key_Return);
    EXPECT_EQ(m_bar->currentIndex(), 1);
    QTest::keyClick(m_bar->lineEdit(), Qt::Key_Return, Qt::ShiftModifier);
    EXPECT_EQ(m_bar->currentIndex(), 0);
    QSignalSpy dismissed(m_bar, &FindBar::dismissed);
    QTest::keyClick(m_bar->lineEdit(), Qt::Key_Escape);
    EXPECT_EQ(dismissed.count(), 1);
    EXPECT_TRUE(m_bar->isHidden());
    EXPECT_TRUE(m_viewer->findMatches().isEmpty());
    EXPECT_TRUE(tintedMatchLines().isEmpty());
}

TEST_F(FindBarTest, CaseAndWholeWordToggles) {
    m_pane->findAction()->trigger();
    m_bar->setFindText(QStringLiteral("Value1"));
    const int loose = m_bar->matchCount(); // value1, value10..19, value100.. (case-insensitive)
    EXPECT_GT(loose, 3);
    m_bar->setCaseSensitive(true);
    EXPECT_EQ(m_bar->matchCount(), 0);
    m_bar->setCaseSensitive(false);
    m_bar->setWholeWords(true);
    EXPECT_EQ(m_bar->matchCount(), 1);
    EXPECT_EQ(m_viewer->currentLine(), 1);
}

TEST_F(FindBarTest, OpenTakesTheSelectedWord) {
    QTextCursor cursor(m_viewer->document()->findBlockByNumber(199));
    cursor.movePosition(QTextCursor::NextWord);
    cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
    m_viewer->setTextCursor(cursor);
    ASSERT_EQ(cursor.selectedText(), QStringLiteral("needle"));
    m_pane->findAction()->trigger();
    EXPECT_EQ(m_bar->findText(), QStringLiteral("needle"));
    EXPECT_EQ(m_bar->countText(),
              QStringLiteral("2 of 3")); // the selected one is current
}

TEST_F(FindBarTest, MatchTintsKeepTheCitationRange) {
    m_viewer->highlightLines(98, 101);
    m_pane->findAction()->trigger();
    m_bar->setFindText(QStringLiteral("needle"));
    bool rangeKept = false;
    for (const QTextEdit::ExtraSelection &sel : m_viewer->extraSelections())
        rangeKept |= sel.format.property(QTextFormat::FullWidthSelection).toBool() &&
                     sel.cursor.hasSelection();
    EXPECT_TRUE(rangeKept);
    EXPECT_EQ(m_viewer->highlightedRange(), std::make_pair(98, 101));
    EXPECT_TRUE(tintedMatchLines().contains(100));

    // A new file drops the old matches and searches it.
    m_viewer->showText(QStringLiteral("b.txt"), QStringLiteral("needle\nhay\nneedle\n"));
    EXPECT_EQ(m_bar->matchCount(), 2);
    EXPECT_EQ(m_viewer->findMatches().size(), 2);
}

TEST_F(FindBarTest, OnlyMatchesNearTheViewBecomeSelections) {
    QString text;
    for (int i = 0; i < 20000; ++i)
        text += QStringLiteral("x = x + x;\n");
    m_viewer->showText(QStringLiteral("many.txt"), text);
    m_pane->findAction()->trigger();
    m_bar->setFindText(QStringLiteral("x"));
    EXPECT_EQ(m_bar->matchCount(), 60000);
    const QList<int> lines = tintedMatchLines();
    EXPECT_FALSE(lines.isEmpty());
    EXPECT_LT(lines.size(), 2000);
    m_viewer->goToLine(15000);
    EXPECT_TRUE(tintedMatchLines().contains(15000)); // redone after scrolling
}

TEST_F(FindBarTest, CtrlFInTheViewerIsClaimedFromWindowShortcuts) {
    // The main window has its own Ctrl+F (filter the tree): the viewer claims the key first.
    QKeyEvent override(QEvent::ShortcutOverride, Qt::Key_F, Qt::ControlModifier);
    override.ignore();
    QCoreApplication::sendEvent(m_viewer, &override);
    EXPECT_TRUE(override.isAccepted());
    QKeyEvent other(QEvent::ShortcutOverride, Qt::Key_G, Qt::ControlModifier);
    other.ignore();
    QCoreApplication::sendEvent(m_viewer, &other);
    EXPECT_FALSE(other.isAccepted()); // Ctrl+G stays the go-to-line action's

    QTest::keyClick(m_viewer, Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(m_bar->isVisible());
}
