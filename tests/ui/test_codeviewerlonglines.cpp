// SPDX-License-Identifier: MIT
// The viewer on long lines and big files: cut lines with a marker and their pages, real
// line numbers for navigation, find and blame, highlighting off where it would be too
// costly, and the progressive load of a big file. Behaviour only: nothing here is timed.
#include "eventloop.h"
#include "scratchrepo.h"
#include "viewer/codeviewer.h"
#include "viewer/codeviewerpane.h"
#include "viewer/editor/codeviewerblame.h"
#include "viewer/findbar.h"

#include <KSyntaxHighlighting/Repository>

#include <QClipboard>
#include <QGuiApplication>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QThreadPool>
#include <QToolButton>

#include <gtest/gtest.h>

#include <memory>

using reposcope::ui::CodeViewer;
using reposcope::ui::CodeViewerBlame;
using reposcope::ui::CodeViewerPane;

namespace {

constexpr int Cut = CodeViewer::LineCutLength;

// A minified-looking line of exactly `length` characters; `marker` is put at `at`.
QString minifiedLine(qsizetype length, const QString &marker = QString(), qsizetype at = 0) {
    QString line;
    line.reserve(length + 64);
    for (int n = 0; line.size() < length; ++n)
        line += QStringLiteral("var a%1=function(b){return b*%1+\"s%1\"};").arg(n);
    line.truncate(length);
    if (!marker.isEmpty())
        line.replace(at, marker.size(), marker);
    return line;
}

class CodeViewerLongLineTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_repository = std::make_unique<KSyntaxHighlighting::Repository>();
    }
    static void TearDownTestSuite() { s_repository.reset(); }

    void SetUp() override {
        m_pane = std::make_unique<CodeViewerPane>(new CodeViewer(*s_repository), &m_pool);
        m_pane->resize(900, 600);
    }
    void TearDown() override {
        m_pane.reset();
        m_pool.waitForDone();
    }
    CodeViewer &viewer() { return *m_pane->viewer(); }

    // Line 1 "int a = 1;", line 2 the long line, lines 3 and 4 short.
    void showWithLongLine(const QString &longLine) {
        viewer().showText(QStringLiteral("web/app.js"),
                          QStringLiteral("var a = 1;\n") + longLine +
                              QStringLiteral("\nvar after1 = 3;\nvar after2 = 4;"));
        if (!viewer().isLoaded()) {
            QSignalSpy loaded(&viewer(), &CodeViewer::loadFinished);
            ASSERT_TRUE(loaded.wait());
        }
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_repository;
    QThreadPool m_pool;
    std::unique_ptr<CodeViewerPane> m_pane;
};

} // namespace

TEST_F(CodeViewerLongLineTest, LongLineIsCutWithMarkerAndRealLength) {
    const QString line = minifiedLine(25'000);
    showWithLongLine(line);
    ASSERT_EQ(viewer().lineCount(), 4);
    EXPECT_FALSE(viewer().isLineCut(1));
    ASSERT_TRUE(viewer().isLineCut(2));
    EXPECT_EQ(viewer().lineLength(2), 25'000);
    EXPECT_EQ(viewer().partCount(2), 3);
    EXPECT_EQ(viewer().document()->blockCount(), 4); // a cut line is still one line
    EXPECT_EQ(viewer().document()->findBlockByNumber(1).text(), line.left(Cut));
    const QString marker = viewer().cutMarkerText(2);
    EXPECT_TRUE(marker.startsWith(QStringLiteral("line cut at %1 characters (of %2)")
                                      .arg(QLocale().toString(Cut), QLocale().toString(25'000))))
        << marker.toStdString();
    EXPECT_TRUE(viewer().cutMarkerText(3).isEmpty());
    // The lines after it keep their real numbers.
    EXPECT_EQ(viewer().document()->findBlockByNumber(2).text(), QStringLiteral("var after1 = 3;"));
    ASSERT_TRUE(viewer().goToLine(4));
    EXPECT_EQ(viewer().currentLine(), 4);
    EXPECT_EQ(viewer().textCursor().block().text(), QStringLiteral("var after2 = 4;"));
    viewer().highlightLines(2, 3);
    EXPECT_EQ(viewer().highlightedRange(), std::make_pair(2, 3));
    EXPECT_EQ(viewer().currentLine(), 2);
    EXPECT_FALSE(viewer().goToLine(5));
    EXPECT_TRUE(m_pane->headerNoteText().contains(QStringLiteral("no highlighting on lines over")));
}

TEST_F(CodeViewerLongLineTest, PagesShowTheWholeLineInTurn) {
    const QString line = minifiedLine(25'000);
    showWithLongLine(line);
    ASSERT_TRUE(viewer().goToLine(2));
    QSignalSpy shown(&viewer(), &CodeViewer::linePartShown);
    QString read = viewer().textCursor().block().text();
    for (int part = 1; part < viewer().partCount(2); ++part) {
        ASSERT_TRUE(viewer().showNextLinePart());
        EXPECT_EQ(viewer().shownPart(2), part);
        read += viewer().document()->findBlockByNumber(1).text();
    }
    EXPECT_EQ(read, line); // page by page, the whole line
    EXPECT_EQ(shown.count(), 2);
    EXPECT_TRUE(viewer().cutMarkerText(2).contains(QLocale().toString(20'001)));
    EXPECT_EQ(viewer().document()->blockCount(), 4);
    EXPECT_EQ(viewer().document()->findBlockByNumber(2).text(), QStringLiteral("var after1 = 3;"));
    ASSERT_TRUE(viewer().showNextLinePart()); // wraps round to the first page
    EXPECT_EQ(viewer().shownPart(2), 0);
    ASSERT_TRUE(viewer().showPreviousLinePart());
    EXPECT_EQ(viewer().shownPart(2), 2);
    EXPECT_EQ(viewer().document()->findBlockByNumber(1).text(), line.mid(2 * Cut));
    // Not on a cut line: nothing to page.
    viewer().goToLine(3);
    EXPECT_FALSE(viewer().showNextLinePart());
}

TEST_F(CodeViewerLongLineTest, ClickingTheMarkerShowsTheNextPart) {
    showWithLongLine(minifiedLine(25'000));
    m_pane->show();
    viewer().goToLine(1);
    viewer().horizontalScrollBar()->setValue(0);
    viewer().viewport()->grab(); // paints the marker at the right edge of line 2
    const QTextBlock block = viewer().document()->findBlockByNumber(1);
    const QRect box = viewer().cursorRect(QTextCursor(block)); // viewport coordinates
    const QPoint onMarker(viewer().viewport()->width() - 12, int(box.center().y()));
    QTest::mouseClick(viewer().viewport(), Qt::LeftButton, {}, onMarker);
    EXPECT_EQ(viewer().shownPart(2), 1);
    // Elsewhere on the line, a click only moves the cursor.
    QTest::mouseClick(viewer().viewport(), Qt::LeftButton, {}, QPoint(30, int(box.center().y())));
    EXPECT_EQ(viewer().shownPart(2), 1);
}

TEST_F(CodeViewerLongLineTest, FindFindsTextPastTheCutAndShowsItsPage) {
    const QString line = minifiedLine(35'000, QStringLiteral("NEEDLE_XYZ"), 27'500);
    showWithLongLine(line);
    reposcope::ui::FindBar *bar = m_pane->findBar();
    bar->open();
    bar->setFindText(QStringLiteral("NEEDLE_XYZ"));
    ASSERT_EQ(bar->matchCount(), 1);
    EXPECT_EQ(viewer().currentLine(), 2);
    EXPECT_EQ(viewer().shownPart(2), 2); // characters 20,001-30,000
    EXPECT_EQ(viewer().textCursor().selectedText(), QStringLiteral("NEEDLE_XYZ"));
    EXPECT_EQ(viewer().textCursor().positionInBlock(), 27'500 - 2 * Cut + 10);
    // A text on line 4, after the cut line: found on its real line.
    bar->setFindText(QStringLiteral("after2"));
    ASSERT_EQ(bar->matchCount(), 1);
    EXPECT_EQ(viewer().currentLine(), 4);
    EXPECT_EQ(viewer().textCursor().selectedText(), QStringLiteral("after2"));
}

TEST_F(CodeViewerLongLineTest, HighlightingIsOffForCutLinesAndBigFiles) {
    // A small C++ file with one cut line: the other lines are highlighted, the cut one not.
    viewer().showText(QStringLiteral("gen/table.cpp"),
                      QStringLiteral("int x = 1;\nconst char *t = \"") + minifiedLine(12'000) +
                          QStringLiteral("\";\nint y = 2;"));
    ASSERT_TRUE(viewer().isLoaded());
    EXPECT_EQ(viewer().definitionName(), QStringLiteral("C++"));
    viewer().viewport()->grab();
    EXPECT_FALSE(viewer().document()->findBlockByNumber(0).layout()->formats().isEmpty());
    EXPECT_TRUE(viewer().document()->findBlockByNumber(1).layout()->formats().isEmpty());
    EXPECT_FALSE(viewer().document()->findBlockByNumber(2).layout()->formats().isEmpty());

    // Over the size limit: no highlighting at all, and the header says so.
    QString big;
    while (big.size() <= CodeViewer::HighlightSizeLimit)
        big += QStringLiteral("int value%1 = %1; // a comment\n").arg(big.size());
    QSignalSpy loaded(&viewer(), &CodeViewer::loadFinished);
    viewer().showText(QStringLiteral("gen/big.cpp"), big);
    ASSERT_TRUE(viewer().isLoaded() || loaded.wait());
    EXPECT_TRUE(viewer().definitionName().isEmpty());
    EXPECT_EQ(viewer().highlightingNote(), QStringLiteral("highlighting off: file over 3 MB"));
    EXPECT_TRUE(m_pane->headerNoteText().contains(viewer().highlightingNote()));
    viewer().viewport()->grab();
    EXPECT_TRUE(viewer().document()->firstBlock().layout()->formats().isEmpty());
}

TEST_F(CodeViewerLongLineTest, BigFileLoadsProgressivelyAndJumpsWhenLoaded) {
    QString text;
    for (int n = 1; text.size() <= 2 * CodeViewer::SyncLoadLimit + 100'000; ++n)
        text += QStringLiteral("let row%1 = %1;\n").arg(n);
    text += minifiedLine(3 * Cut + 5, QStringLiteral("DEEP"), 3 * Cut + 1);
    text += QStringLiteral("\nlet last = 0;");
    const int lines = int(text.count(QLatin1Char('\n'))) + 1;
    int steps = 0;
    QObject context;
    QObject::connect(&viewer(), &QPlainTextEdit::blockCountChanged, &context,
                     [&steps] { ++steps; });
    QSignalSpy loaded(&viewer(), &CodeViewer::loadFinished);
    viewer().showText(QStringLiteral("data/rows.js"), text);
    EXPECT_FALSE(viewer().isLoaded()); // its lines are found on the pool first
    EXPECT_TRUE(m_pane->headerNoteText().contains(QStringLiteral("loading")));
    EXPECT_TRUE(viewer().goToLine(lines - 2)); // taken, done once loaded
    m_pane->findBar()->open();
    m_pane->findBar()->setFindText(QStringLiteral("DEEP"));
    ASSERT_TRUE(loaded.wait());
    EXPECT_TRUE(viewer().isLoaded());
    EXPECT_GT(steps, 2); // fed in several turns of the event loop
    EXPECT_EQ(viewer().lineCount(), lines);
    EXPECT_EQ(viewer().document()->blockCount(), lines);
    EXPECT_FALSE(m_pane->headerNoteText().contains(QStringLiteral("loading")));
    // The find ran once loaded: the cut line's last page, at the real line.
    EXPECT_EQ(m_pane->findBar()->matchCount(), 1);
    EXPECT_EQ(viewer().currentLine(), lines - 1);
    EXPECT_EQ(viewer().shownPart(lines - 1), 3);
    EXPECT_EQ(viewer().textCursor().selectedText(), QStringLiteral("DEEP"));
    EXPECT_EQ(viewer().document()->lastBlock().text(), QStringLiteral("let last = 0;"));
}

TEST_F(CodeViewerLongLineTest, HeaderShowsPathAndSourceAndCopiesThePath) {
    reposcope::repo::RepoInfo info;
    info.isGit = true;
    info.headName = QStringLiteral("main");
    info.shortSha = QStringLiteral("1a2b3c4");
    m_pane->setRepoInfoProvider([&info] { return std::optional(info); });
    viewer().showText(QStringLiteral("src/main.cpp"), QStringLiteral("int main() {}\n"));
    EXPECT_EQ(m_pane->headerPathText(), QStringLiteral("src/main.cpp"));
    EXPECT_EQ(m_pane->headerSourceText(), QStringLiteral("working tree · main @ 1a2b3c4"));
    info.ref = QStringLiteral("v1.2");
    viewer().showText(QStringLiteral("src/other.cpp"), QStringLiteral("int x;\n"));
    EXPECT_EQ(m_pane->headerSourceText(), QStringLiteral("v1.2 @ 1a2b3c4"));
    m_pane->copyPathButton()->click();
    EXPECT_EQ(QGuiApplication::clipboard()->text(), QStringLiteral("src/other.cpp"));
}

TEST_F(CodeViewerLongLineTest, BlameUsesTheRealLineAfterACutLine) {
    reposcope::test::ScratchRepo repo;
    repo.initGit();
    const QByteArray first = "var a = 1;\n" + minifiedLine(15'000).toUtf8() + "\nvar b = 2;\n";
    repo.write(QStringLiteral("web/app.js"), first);
    repo.git({QStringLiteral("add"), QStringLiteral("-A")});
    repo.git({QStringLiteral("-c"), QStringLiteral("user.name=Ann"), QStringLiteral("commit"),
              QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Bundle")});
    QByteArray second = first;
    second.replace("var b = 2;", "var b = 3;");
    repo.write(QStringLiteral("web/app.js"), second);
    repo.git({QStringLiteral("-c"), QStringLiteral("user.name=Ben"), QStringLiteral("commit"),
              QStringLiteral("-q"), QStringLiteral("-am"), QStringLiteral("Change b")});
    reposcope::repo::RepoInfo info;
    info.rootPath = repo.path();
    info.isGit = true;
    m_pane->setRepoInfoProvider([info] { return std::optional(info); });
    viewer().showText(QStringLiteral("web/app.js"), QString::fromUtf8(second));
    ASSERT_TRUE(viewer().isLineCut(2));
    viewer().goToLine(3);
    EXPECT_EQ(m_pane->blameRange(), std::make_pair(3, 3));
    QSignalSpy finished(m_pane->blameStrip(), &CodeViewerBlame::finished);
    m_pane->blameAction()->trigger();
    ASSERT_TRUE(finished.wait());
    ASSERT_EQ(m_pane->blameStrip()->hunks().size(), 1);
    EXPECT_EQ(m_pane->blameStrip()->hunks()[0].authorName, QStringLiteral("Ben"));
    EXPECT_EQ(m_pane->blameStrip()->hunks()[0].startLine, 3);
}
