// SPDX-License-Identifier: MIT
// The token map in the repository panel, on a real workspace over a scratch repository:
// it appears after the counts, clicks select tree rows, double-click zooms, Space and the
// rubber band toggle inclusion, selection changes repaint without a layout, export.
#include "eventloop.h"
#include "hostilenames.h"
#include "prompt/selection.h"
#include "repository/repopanel.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "selectionhistory.h"
#include "tokenmap/tokenmapbreadcrumb.h"
#include "tokenmap/tokenmapcontroller.h"
#include "tokenmap/tokenmapexport.h"
#include "tokenmap/tokenmaplayouter.h"
#include "tokenmap/tokenmappanel.h"
#include "tokenmap/tokenmapview.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

#include <memory>

using reposcope::test::processEventsUntil;
using reposcope::test::ScratchRepo;
namespace models = reposcope::models;
namespace ui = reposcope::ui;

namespace {

class TokenMapViewTest : public reposcope::test::ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_model = std::make_unique<models::RepoTreeModel>(m_workspace.get());
        m_panel = std::make_unique<ui::RepoPanel>(m_workspace.get(), m_model.get());
        m_panel->resize(900, 800);
        m_panel->viewTabs()->setCurrentWidget(m_panel->tokenMap());
        m_panel->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));
        map()->setCapProvider([] { return qint64(1000); });
    }

    void TearDown() override {
        m_panel.reset();
        m_model.reset();
        ServicesTest::TearDown();
    }

    void openDemo() {
        m_repo.initGit();
        m_repo.write(QStringLiteral("README.md"), QByteArray("# Map\n").repeated(40));
        m_repo.write(QStringLiteral("src/main.cpp"),
                     QByteArray("int main() { return 0; }\n").repeated(60));
        m_repo.write(QStringLiteral("src/util.cpp"),
                     QByteArray("int answer() { return 42; }\n").repeated(50));
        m_repo.write(QStringLiteral("src/util.h"), QByteArray("int answer();\n").repeated(40));
        m_repo.write(QStringLiteral("docs/guide.md"),
                     QByteArray("# Guide text here\n").repeated(70));
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        ASSERT_TRUE(waitForMap());
    }

    bool waitForMap(int root = 0) {
        return processEventsUntil([this, root] {
            const models::MapLayout *layout = view()->mapLayout();
            return layout && layout->root == root && !layout->rects.empty() &&
                   !controller()->hasEstimates() && true;
        });
    }

    int node(const char *path) const { return m_workspace->snapshot()->find(path); }
    QPoint centreOf(int n) const { return view()->rectOfNode(n).center().toPoint(); }
    ui::TokenMapPanel *map() const { return m_panel->tokenMap(); }
    ui::TokenMapView *view() const { return map()->view(); }
    ui::TokenMapController *controller() const { return map()->controller(); }
    const reposcope::prompt::Selection &sel() const { return *m_workspace->selection(); }

    void sendMouse(QEvent::Type type, QPoint pos, Qt::MouseButtons buttons) {
        QMouseEvent event(type, QPointF(pos), view()->mapToGlobal(QPointF(pos)), Qt::LeftButton,
                          buttons, Qt::NoModifier);
        QApplication::sendEvent(view(), &event);
    }

    ScratchRepo m_repo;
    std::unique_ptr<models::RepoTreeModel> m_model;
    std::unique_ptr<ui::RepoPanel> m_panel;
};

TEST_F(TokenMapViewTest, MapAppearsAfterCountsWithEveryFile) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    for (const char *path :
         {"README.md", "src/main.cpp", "src/util.cpp", "src/util.h", "docs/guide.md"})
        EXPECT_FALSE(view()->rectOfNode(node(path)).isEmpty()) << path;
    // Areas follow tokens: main.cpp holds more tokens than util.h.
    const QRectF big = view()->rectOfNode(node("src/main.cpp"));
    const QRectF small = view()->rectOfNode(node("src/util.h"));
    EXPECT_GT(big.width() * big.height(), small.width() * small.height());
    EXPECT_FALSE(map()->statusText().contains(QStringLiteral("until counts finish")));
    EXPECT_TRUE(map()->legendText().contains(QStringLiteral("selected")));
}

TEST_F(TokenMapViewTest, ClickSelectsTheTreeRow) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    QTest::mouseClick(view(), Qt::LeftButton, {}, centreOf(node("src/util.cpp")));
    EXPECT_EQ(m_panel->currentPath(), QStringLiteral("src/util.cpp"));
    QTest::mouseClick(view(), Qt::LeftButton, {}, centreOf(node("docs/guide.md")));
    EXPECT_EQ(m_panel->currentPath(), QStringLiteral("docs/guide.md"));
}

TEST_F(TokenMapViewTest, DoubleClickZoomsAndBreadcrumbGoesBack) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    const int src = node("src");
    const models::MapLayout *layout = view()->mapLayout();
    QRectF label;
    for (const models::MapRect &r : layout->rects)
        if (r.node == src)
            label = r.labelRect;
    ASSERT_FALSE(label.isEmpty());
    QTest::mouseDClick(view(), Qt::LeftButton, {}, label.center().toPoint());
    EXPECT_EQ(controller()->root(), src);
    ASSERT_TRUE(waitForMap(src));
    EXPECT_TRUE(view()->rectOfNode(node("README.md")).isEmpty()); // outside src/
    EXPECT_FALSE(view()->rectOfNode(node("src/util.h")).isEmpty());
    EXPECT_EQ(map()->breadcrumb()->segments().size(), 2);
    EXPECT_EQ(map()->breadcrumb()->segments().last(), QStringLiteral("src"));

    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_Backspace);
    EXPECT_EQ(controller()->root(), 0);
    ASSERT_TRUE(waitForMap(0));
    EXPECT_EQ(map()->breadcrumb()->segments().size(), 1);
    EXPECT_FALSE(view()->rectOfNode(node("README.md")).isEmpty());
}

TEST_F(TokenMapViewTest, SpaceTogglesInclusionAndTheBudget) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    const int file = node("src/main.cpp");
    const qint64 before = sel().selected(0).tokens;
    const qint64 tokens = sel().file(file).stats.tokens;
    ASSERT_GT(tokens, 0);
    ASSERT_EQ(sel().checkState(file), Qt::Checked);
    QTest::mouseClick(view(), Qt::LeftButton, {}, centreOf(file));
    QTest::keyClick(view(), Qt::Key_Space);
    EXPECT_EQ(sel().checkState(file), Qt::Unchecked);
    EXPECT_EQ(m_model->indexForNode(file).data(Qt::CheckStateRole).toInt(), Qt::Unchecked);
    EXPECT_EQ(sel().selected(0).tokens, before - tokens);
    // An undo step like any other edit.
    m_model->history()->stack()->undo();
    EXPECT_EQ(sel().checkState(file), Qt::Checked);
    EXPECT_EQ(sel().selected(0).tokens, before);
}

TEST_F(TokenMapViewTest, RubberBandThenSpaceTogglesSeveral) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    const QRectF a = view()->rectOfNode(node("src/main.cpp"));
    const QRectF b = view()->rectOfNode(node("src/util.h"));
    const QRect band = a.united(b).toAlignedRect().adjusted(4, 4, -4, -4);
    sendMouse(QEvent::MouseButtonPress, band.topLeft(), Qt::LeftButton);
    sendMouse(QEvent::MouseMove, band.center(), Qt::LeftButton);
    sendMouse(QEvent::MouseMove, band.bottomRight(), Qt::LeftButton);
    sendMouse(QEvent::MouseButtonRelease, band.bottomRight(), Qt::NoButton);
    const std::vector<int> marked = view()->markedNodes();
    EXPECT_NE(std::find(marked.begin(), marked.end(), node("src/main.cpp")), marked.end());
    EXPECT_NE(std::find(marked.begin(), marked.end(), node("src/util.h")), marked.end());
    EXPECT_EQ(std::find(marked.begin(), marked.end(), node("README.md")), marked.end());
    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_Space);
    for (int n : marked)
        EXPECT_EQ(sel().checkState(n), Qt::Unchecked) << n;
    EXPECT_EQ(sel().checkState(node("README.md")), Qt::Checked);
    // One undo step for all of them.
    m_model->history()->stack()->undo();
    for (int n : marked)
        EXPECT_EQ(sel().checkState(n), Qt::Checked) << n;
}

TEST_F(TokenMapViewTest, SelectionChangeRepaintsWithoutALayout) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    QApplication::processEvents();
    const int file = node("README.md");
    const QPoint at = centreOf(file);
    const QRgb before = view()->grab().toImage().pixel(at);
    const int requests = controller()->layoutRequests();
    QSignalSpy laidOut(controller()->layouter(), &models::TokenMapLayouter::laidOut);
    const quint64 paints = view()->paintCount();
    m_model->setNodeChecked(file, false);
    ASSERT_TRUE(processEventsUntil([&] { return view()->paintCount() > paints; }));
    EXPECT_EQ(controller()->layoutRequests(), requests);
    EXPECT_EQ(laidOut.count(), 0);
    const QRgb after = view()->grab().toImage().pixel(at);
    EXPECT_NE(before, after);
    EXPECT_EQ(QColor(after), ui::TokenMapColors::notSelectedColor());
}

TEST_F(TokenMapViewTest, TooltipNamesPathTokensAndShares) {
    ASSERT_NO_FATAL_FAILURE(openDemo());
    const int file = node("src/util.cpp");
    const QString text = view()->toolTipAt(centreOf(file));
    EXPECT_TRUE(text.contains(QStringLiteral("src/util.cpp"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QLocale().toString(sel().file(file).stats.tokens) +
                              QStringLiteral(" tokens")))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("of the selection"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("of the context cap"))) << text.toStdString();
}

TEST_F(TokenMapViewTest, ExportsPngAndSvgWithEscapedNames) {
    reposcope::test::HostileFilesCleanup cleanup{m_repo};
    m_repo.initGit();
    reposcope::test::writeHostileFiles(m_repo);
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    ASSERT_TRUE(waitForMap());
    QTemporaryDir out;
    reposcope::test::ModalCloser closer; // the error is shown in a message box
    QSignalSpy finished(map(), &ui::TokenMapPanel::exportFinished);

    const QString png = out.filePath(QStringLiteral("map.png"));
    map()->saveMap(png, ui::TokenMapPanel::ExportFormat::Png);
    ASSERT_TRUE(finished.count() > 0 || finished.wait(30000));
    EXPECT_EQ(finished.last().at(1).toString(), QString());
    QImage image(png);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.width(), view()->width());
    EXPECT_GT(image.height(), view()->height()); // title and legend strips

    const QString svg = out.filePath(QStringLiteral("map.svg"));
    map()->saveMap(svg, ui::TokenMapPanel::ExportFormat::Svg);
    ASSERT_TRUE(finished.count() > 1 || finished.wait(30000));
    EXPECT_EQ(finished.last().at(1).toString(), QString());
    QFile file(svg);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int rects = 0;
    QStringList texts;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QStringLiteral("rect"))
            ++rects;
        else if (xml.isStartElement() && xml.name() == QStringLiteral("text"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    EXPECT_GT(rects, 0);
    EXPECT_TRUE(texts.contains(QStringLiteral("amp&<b>\".txt"))) << texts.join(u'|').toStdString();
    EXPECT_TRUE(texts.contains(QStringLiteral("README.md")));

    // An unwritable place: the error says what to do, nothing is written.
    map()->saveMap(QStringLiteral("/proc/no-such-dir/map.png"),
                   ui::TokenMapPanel::ExportFormat::Png);
    ASSERT_TRUE(finished.count() > 2 || finished.wait(30000));
    EXPECT_TRUE(finished.last().at(1).toString().contains(QStringLiteral("Choose a folder")))
        << finished.last().at(1).toString().toStdString();
    ASSERT_TRUE(processEventsUntil([&] { return !closer.texts().isEmpty(); }));
    EXPECT_TRUE(closer.texts().last().contains(QStringLiteral("/proc/no-such-dir/map.png")));
}

} // namespace
