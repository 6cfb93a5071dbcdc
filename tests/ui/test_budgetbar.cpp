// SPDX-License-Identifier: MIT
// The stacked budget bar under the meter and the meter's readable text, in the window over a
// real scratch repository counted by a real workspace: the segments add up to the meter's
// total (with line numbers, images and a learned correction too), the largest top-level
// folders come first and the rest is "other folders", a click selects the folder in the
// tree, over the cap and while counting the bar says so, every segment's text contrasts,
// the meter's text is white on red, and the meter keeps its height whatever it shows.
#include "mainwindow.h"

#include "budget/budgetbar.h"
#include "budget/budgetmeter.h"
#include "budget/budgetsegments.h"
#include "budget/meterbar.h"
#include "eventloop.h"
#include "repository/repopanel.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QCheckBox>
#include <QImage>
#include <QSpinBox>
#include <QTest>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace reposcope;
using namespace reposcope::test;
using ui::BudgetSegment;

namespace {

// Top-level folders, largest first by construction (files × lines of the same text).
struct Folder {
    const char *name;
    int files;
    int lines;
};
constexpr Folder kFolders[] = {{"core", 6, 60},  {"ui", 5, 50},    {"docs", 4, 40},
                               {"tests", 3, 40}, {"tools", 2, 40}, {"alpha", 1, 30},
                               {"beta", 1, 20},  {"gamma", 1, 10}};

class BudgetBarTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_repo.initGit();
        for (const Folder &f : kFolders)
            for (int i = 0; i < f.files; ++i)
                m_repo.write(
                    QStringLiteral("%1/sub/f%2.cpp").arg(QLatin1String(f.name)).arg(i),
                    QByteArray("int total = price * quantity + tax(rate);\n").repeated(f.lines));
        m_repo.write(QStringLiteral("README.md"), "# Scratch\n\nA repository for the bar.\n");
        m_repo.write(QStringLiteral("main.cpp"), "int main() { return 0; }\n");
        m_repo.commitAll();
    }
    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }
    void startWindow(bool open = true) {
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_meter = m_window->budgetMeter();
        m_bar = m_meter->budgetBar();
        ASSERT_TRUE(m_bar);
        if (open) {
            ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
        }
    }
    QSpinBox *capSpin() const {
        for (QSpinBox *spin : m_meter->findChildren<QSpinBox *>())
            if (spin->toolTip().contains(QStringLiteral("context window")))
                return spin;
        return nullptr;
    }
    QCheckBox *lineNumbers() const { return m_meter->findChild<QCheckBox *>(); }
    void expectSumsToMeter(const char *when) {
        EXPECT_EQ(m_bar->totalTokens(), m_meter->figures().usedTokens) << when;
        EXPECT_EQ(m_bar->contextCap(), m_meter->figures().contextCap) << when;
        for (const BudgetSegment &s : m_bar->segments())
            EXPECT_GT(s.tokens, 0) << when << ' ' << s.label.toStdString();
    }
    const BudgetSegment *segment(BudgetSegment::Kind kind) const {
        for (const BudgetSegment &s : m_bar->segments())
            if (s.kind == kind)
                return &s;
        return nullptr;
    }

    KSyntaxHighlighting::Repository m_syntax;
    ScratchRepo m_repo;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::BudgetMeter *m_meter = nullptr;
    ui::BudgetBar *m_bar = nullptr;
};

} // namespace

TEST_F(BudgetBarTest, SegmentsAddUpToTheMetersTotalExactly) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ASSERT_GT(m_meter->figures().inputTokens, 0);
    expectSumsToMeter("counted");
    ASSERT_NE(segment(BudgetSegment::Kind::PackOverhead), nullptr);
    ASSERT_NE(segment(BudgetSegment::Kind::SystemPrompt), nullptr);
    ASSERT_NE(segment(BudgetSegment::Kind::Reserve), nullptr);
    EXPECT_EQ(segment(BudgetSegment::Kind::Reserve)->tokens, m_meter->reservedOutput());
    EXPECT_EQ(segment(BudgetSegment::Kind::LineNumbers), nullptr);

    lineNumbers()->setChecked(true);
    ASSERT_NE(segment(BudgetSegment::Kind::LineNumbers), nullptr);
    expectSumsToMeter("line numbers");
    m_meter->setImageTokens(1234, false);
    ASSERT_NE(segment(BudgetSegment::Kind::Images), nullptr);
    EXPECT_EQ(segment(BudgetSegment::Kind::Images)->tokens, 1234);
    expectSumsToMeter("images");
    // The estimator's counts are approximate: a learned correction scales the content, and
    // the folders' rounded parts still add up to the meter's rounded total.
    ASSERT_FALSE(m_workspace->countsAreExact());
    const qint64 before = m_meter->figures().usedTokens;
    m_meter->setCorrection({1.337, 4});
    EXPECT_NE(m_meter->figures().usedTokens, before);
    expectSumsToMeter("correction");
    // A deselected folder leaves the bar.
    const int docs = m_workspace->snapshot()->find("docs");
    ASSERT_GE(docs, 0);
    m_window->treeModel()->setData(m_window->treeModel()->indexForNode(docs), Qt::Unchecked,
                                   Qt::CheckStateRole);
    expectSumsToMeter("docs deselected");
    for (const BudgetSegment &s : m_bar->segments())
        EXPECT_NE(s.label, QStringLiteral("docs/"));
}

TEST_F(BudgetBarTest, TheLargestFoldersComeFirstAndTheRestIsOtherFolders) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    const prompt::Selection &sel = *m_workspace->selection();
    const std::vector<BudgetSegment> &segs = m_bar->segments();
    ASSERT_GE(segs.size(), 6u);
    QStringList names;
    for (size_t i = 0; i < 5; ++i) {
        ASSERT_EQ(segs[i].kind, BudgetSegment::Kind::Folder) << i;
        names << segs[i].label;
        // No correction learned: a folder is its content plus its overhead.
        const prompt::Totals &t = sel.selected(segs[i].node);
        EXPECT_EQ(segs[i].tokens, t.tokens + t.overhead) << segs[i].label.toStdString();
        if (i > 0) {
            EXPECT_GE(segs[i - 1].tokens, segs[i].tokens);
        }
    }
    EXPECT_EQ(names,
              (QStringList{QStringLiteral("core/"), QStringLiteral("ui/"), QStringLiteral("docs/"),
                           QStringLiteral("tests/"), QStringLiteral("tools/")}));
    ASSERT_EQ(segs[5].kind, BudgetSegment::Kind::OtherFolders);
    EXPECT_EQ(segs[5].folders, 3);
    EXPECT_EQ(segs[5].label, QStringLiteral("other folders (3)"));
    qint64 others = 0;
    for (const char *name : {"alpha", "beta", "gamma"}) {
        const prompt::Totals &t = sel.selected(m_workspace->snapshot()->find(name));
        others += t.tokens + t.overhead;
    }
    EXPECT_EQ(segs[5].tokens, others);
    EXPECT_LT(segs[5].tokens, segs[4].tokens);
    const BudgetSegment *root = segment(BudgetSegment::Kind::RootFiles);
    ASSERT_NE(root, nullptr);
    qint64 rootFiles = 0;
    for (const char *name : {"README.md", "main.cpp"}) {
        const prompt::Totals &t = sel.selected(m_workspace->snapshot()->find(name));
        rootFiles += t.tokens + t.overhead;
    }
    EXPECT_EQ(root->tokens, rootFiles);
    // Tooltips name the part, its tokens and its share of the cap.
    EXPECT_TRUE(m_bar->describe(0).startsWith(QStringLiteral("core/ — ")));
    EXPECT_TRUE(m_bar->describe(0).contains(QStringLiteral("% of the cap")));
}

TEST_F(BudgetBarTest, AClickOrTheKeyboardSelectsTheFolderInTheTree) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ui::RepoPanel *panel = m_window->repoPanel();
    capSpin()->setValue(40000); // a cap near the scratch selection: segments wide enough to hit
    const QRect first = m_bar->segmentRect(0);
    ASSERT_GT(first.width(), 4);
    QTest::mouseClick(m_bar, Qt::LeftButton, {}, first.center());
    EXPECT_EQ(panel->currentPath(), QStringLiteral("core"));
    // A fixed part is not a folder: the tree stays where it is.
    const auto &segs = m_bar->segments();
    const int reserve = int(std::find_if(segs.begin(), segs.end(),
                                         [](const BudgetSegment &s) {
                                             return s.kind == BudgetSegment::Kind::Reserve;
                                         }) -
                            segs.begin());
    QTest::mouseClick(m_bar, Qt::LeftButton, {}, m_bar->segmentRect(reserve).center());
    EXPECT_EQ(panel->currentPath(), QStringLiteral("core"));

    m_bar->setFocus();
    QTest::keyClick(m_bar, Qt::Key_Home);
    QTest::keyClick(m_bar, Qt::Key_Right);
    QTest::keyClick(m_bar, Qt::Key_Return);
    EXPECT_EQ(m_bar->currentSegment(), 1);
    EXPECT_EQ(panel->currentPath(), QStringLiteral("ui"));
    EXPECT_EQ(m_bar->focusPolicy(), Qt::StrongFocus);
    EXPECT_FALSE(m_bar->accessibleName().isEmpty());
    EXPECT_TRUE(m_bar->accessibleDescription().contains(QStringLiteral("core/")));
}

TEST_F(BudgetBarTest, OverTheCapTheBarSaysByHowMuch) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    EXPECT_TRUE(m_bar->statusText().startsWith(QStringLiteral("Free: ")))
        << m_bar->statusText().toStdString();
    capSpin()->setValue(2000);
    ASSERT_EQ(m_meter->figures().level, prompt::BudgetFigures::Level::Over);
    expectSumsToMeter("over");
    const QString over = QLocale().toString(m_meter->figures().overBy());
    EXPECT_EQ(m_bar->statusText().left(m_bar->statusText().indexOf(QLatin1Char('('))).trimmed(),
              QStringLiteral("Over the cap by %1 tokens").arg(over))
        << m_bar->statusText().toStdString();
    // Drawn to the used total: the last segment ends at the track's end.
    const int last = int(m_bar->segments().size()) - 1;
    EXPECT_EQ(m_bar->segmentRect(last).right(), m_bar->width() - 2);

    // The meter's own text: white on the red bar, never black.
    auto *meterBar = m_meter->findChild<ui::MeterBar *>();
    ASSERT_NE(meterBar, nullptr);
    EXPECT_EQ(meterBar->textColourOnFill(), QColor(Qt::white));
    const QImage image = meterBar->grab().toImage();
    int dark = 0;
    int light = 0;
    const QRect fill = meterBar->filledRect().adjusted(2, 2, -2, -2);
    for (int y = fill.top(); y <= fill.bottom(); ++y)
        for (int x = fill.left(); x <= fill.right(); ++x) {
            const QColor c = image.pixelColor(x * image.width() / meterBar->width(),
                                              y * image.height() / meterBar->height());
            dark += c.lightness() < 40;
            light += c.red() > 200 && c.green() > 200 && c.blue() > 200;
        }
    EXPECT_EQ(dark, 0);
    EXPECT_GT(light, 10); // the text is there, in white
}

TEST_F(BudgetBarTest, WhileCountingTheBarLooksPartialAndTheMeterKeepsItsHeight) {
    ASSERT_NO_FATAL_FAILURE(startWindow(false));
    const int height = m_meter->sizeHint().height();
    const int barHeight = m_bar->sizeHint().height();
    struct Seen {
        bool partial;
        QString status;
        int meterHeight;
        int barHeight;
    };
    std::vector<Seen> counting;
    QObject::connect(m_workspace.get(), &workspace::Workspace::countStateChanged, m_meter, [&] {
        if (m_workspace->countState().phase == workspace::CountState::Phase::Counting)
            counting.push_back({m_bar->isPartial(), m_bar->statusText(),
                                m_meter->sizeHint().height(), m_bar->sizeHint().height()});
    });
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    ASSERT_FALSE(counting.empty());
    for (const Seen &s : counting) {
        EXPECT_TRUE(s.partial);
        EXPECT_TRUE(s.status.startsWith(QStringLiteral("counting… "))) << s.status.toStdString();
        EXPECT_TRUE(s.status.endsWith(QStringLiteral("the figures so far")));
        EXPECT_EQ(s.meterHeight, height);
        EXPECT_EQ(s.barHeight, barHeight);
    }
    EXPECT_FALSE(m_bar->isPartial());
    EXPECT_EQ(m_meter->sizeHint().height(), height);
    // Over the cap (an extra line), a cap above the model's limit (two more), a fit note:
    // the text scrolls in its fixed area, the meter does not grow.
    capSpin()->setValue(2000);
    EXPECT_EQ(m_meter->sizeHint().height(), height);
    capSpin()->setValue(int(m_meter->knownLimit() + 1000));
    ASSERT_FALSE(m_meter->capWarning().isEmpty());
    m_meter->setBackendNote(QStringLiteral("A long note about the backend that wraps over "
                                           "several lines of the narrow panel, and more."));
    EXPECT_EQ(m_meter->sizeHint().height(), height);
    EXPECT_EQ(m_bar->sizeHint().height(), barHeight);
}

TEST_F(BudgetBarTest, EverySegmentColourAndMeterColourGetsReadableText) {
    using Kind = BudgetSegment::Kind;
    for (Kind kind : {Kind::OtherFolders, Kind::RootFiles, Kind::PackOverhead, Kind::LineNumbers,
                      Kind::SystemPrompt, Kind::Images, Kind::Reserve})
        EXPECT_GE(
            ui::contrastRatio(ui::segmentColour(kind), ui::textColourOn(ui::segmentColour(kind))),
            4.5)
            << int(kind);
    for (int i = 0; i < 7; ++i) {
        const QColor c = ui::segmentColour(Kind::Folder, i);
        EXPECT_GE(ui::contrastRatio(c, ui::textColourOn(c)), 4.5) << c.name().toStdString();
    }
    // The meter's fills (comfortable, near, over, counting) and the tracks of a light and a
    // dark palette.
    for (const char *name : {"#2e86c1", "#d68910", "#c0392b", "#aab4bc", "#ffffff", "#2d2d2d"}) {
        const QColor c = QColor(QLatin1String(name));
        EXPECT_GE(ui::contrastRatio(c, ui::textColourOn(c)), 4.5) << name;
    }
    EXPECT_EQ(ui::textColourOn(QColor(0xc0, 0x39, 0x2b)), QColor(Qt::white));
    EXPECT_EQ(ui::textColourOn(QColor(0xd6, 0x89, 0x10)), QColor(Qt::black));
    // A dark palette's track gets light text on the meter.
    ui::MeterBar bar;
    QPalette dark = bar.palette();
    dark.setColor(QPalette::Base, QColor(0x2d, 0x2d, 0x2d));
    bar.setPalette(dark);
    EXPECT_EQ(bar.textColourOnTrack(), QColor(Qt::white));
    QPalette light = bar.palette();
    light.setColor(QPalette::Base, QColor(Qt::white));
    bar.setPalette(light);
    EXPECT_EQ(bar.textColourOnTrack(), QColor(Qt::black));
    // In the window every drawn label is in the colour its fill gets.
    ASSERT_NO_FATAL_FAILURE(startWindow());
    for (int i = 0; i < int(m_bar->segments().size()); ++i)
        EXPECT_GE(ui::contrastRatio(m_bar->colourOf(i), ui::textColourOn(m_bar->colourOf(i))), 4.5);
}

// A repository whose code is all under one folder (or one opened at src/) is split by
// that folder's children, not shown as one segment.
TEST_F(BudgetBarTest, AOneFolderRootIsSplitByThatFoldersChildren) {
    ScratchRepo nested;
    nested.initGit();
    nested.write(QStringLiteral("src/server/a.cpp"),
                 QByteArray("int total = price * quantity;\n").repeated(40));
    nested.write(QStringLiteral("src/client/b.cpp"),
                 QByteArray("int total = price * quantity;\n").repeated(20));
    nested.write(QStringLiteral("src/main.cpp"), "int main() { return 0; }\n");
    nested.commitAll();
    ASSERT_NO_FATAL_FAILURE(startWindow(false));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, nested.path()));
    QStringList folders;
    for (const BudgetSegment &s : m_bar->segments())
        if (s.kind == BudgetSegment::Kind::Folder)
            folders << s.label;
    EXPECT_EQ(folders, (QStringList{QStringLiteral("server/"), QStringLiteral("client/")}));
    const BudgetSegment *root = segment(BudgetSegment::Kind::RootFiles);
    ASSERT_NE(root, nullptr) << "src/main.cpp is a file beside the folders";
    const prompt::Totals &t =
        m_workspace->selection()->selected(m_workspace->snapshot()->find("src/main.cpp"));
    EXPECT_EQ(root->tokens, t.tokens + t.overhead);
    expectSumsToMeter("one-folder root");
}
