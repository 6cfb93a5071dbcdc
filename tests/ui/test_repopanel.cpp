// SPDX-License-Identifier: MIT
// The repository dock: header, name filter over the proxy, activation of files.
#include "repository/repopanel.h"

#include "eventloop.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <gtest/gtest.h>

#include <memory>

using reposcope::test::ScratchRepo;
using reposcope::ui::RepoPanel;
namespace models = reposcope::models;
namespace workspace = reposcope::workspace;

namespace {

class RepoPanelTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_model = std::make_unique<models::RepoTreeModel>(m_workspace.get());
        m_panel = std::make_unique<RepoPanel>(m_workspace.get(), m_model.get());
        m_panel->resize(900, 700);
        m_panel->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));

        m_repo.initGit();
        m_repo.write(QStringLiteral("README.md"), "# Panel\n");
        m_repo.write(QStringLiteral("src/main.cpp"), "int main() { return 0; }\n");
        m_repo.write(QStringLiteral("src/util/Strings.cpp"), "int answer() { return 42; }\n");
        m_repo.write(QStringLiteral("src/util/strings.h"), "int answer();\n");
        m_repo.write(QStringLiteral("docs/guide.md"), "# Guide\n");
        m_repo.write(QStringLiteral("docs/api/strings.md"), "# Strings\n");
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    }

    void TearDown() override {
        m_panel.reset();
        m_model.reset();
        WorkspaceTest::TearDown();
    }

    QTreeView *tree() const { return m_panel->treeView(); }
    QAbstractItemModel *proxy() const { return tree()->model(); }
    QLineEdit *filter() const { return m_panel->findChild<QLineEdit *>(); }
    int node(const char *path) const { return m_workspace->snapshot()->find(QByteArray(path)); }

    QStringList names(const QModelIndex &parent = {}) const {
        QStringList out;
        for (int r = 0; r < proxy()->rowCount(parent); ++r)
            out << proxy()->index(r, models::RepoTreeModel::NameColumn, parent).data().toString();
        return out;
    }
    // The proxy row for a repository-relative path, or an invalid index.
    QModelIndex proxyIndex(const QString &path, const QModelIndex &parent = {}) const {
        for (int r = 0; r < proxy()->rowCount(parent); ++r) {
            const QModelIndex index = proxy()->index(r, models::RepoTreeModel::NameColumn, parent);
            const QString here = index.data(models::RepoTreeModel::PathRole).toString();
            if (here == path)
                return index;
            if (path.startsWith(here + QLatin1Char('/')))
                return proxyIndex(path, index);
        }
        return {};
    }
    // Every file path the proxy shows, depth first.
    QStringList visibleFiles(const QModelIndex &parent = {}) const {
        QStringList out;
        for (int r = 0; r < proxy()->rowCount(parent); ++r) {
            const QModelIndex index = proxy()->index(r, 0, parent);
            if (index.data(models::RepoTreeModel::IsDirectoryRole).toBool())
                out << visibleFiles(index);
            else
                out << index.data(models::RepoTreeModel::PathRole).toString();
        }
        return out;
    }

    // What the platform delivers for a double-click: press, release, double-click, release.
    // (QTest::mouseDClick alone sends only the double-click event.)
    void doubleClick(const QPoint &pos) const {
        QWidget *viewport = tree()->viewport();
        QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, pos);
        QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, pos);
        QTest::mouseDClick(viewport, Qt::LeftButton, Qt::NoModifier, pos);
        QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, pos);
    }

    ScratchRepo m_repo;
    std::unique_ptr<models::RepoTreeModel> m_model;
    std::unique_ptr<RepoPanel> m_panel;
};

} // namespace

TEST_F(RepoPanelTest, ShowsWhatIsOpenAndTheTopLevelExpanded) {
    const QString header = m_panel->findChild<QLabel *>()->text();
    EXPECT_TRUE(header.contains(QStringLiteral("working tree on <b>main</b>")))
        << header.toStdString();
    EXPECT_TRUE(header.contains(QStringLiteral("clean"))) << header.toStdString();
    EXPECT_EQ(names(), (QStringList{QStringLiteral("docs"), QStringLiteral("src"),
                                    QStringLiteral("README.md")}));
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("src"))));
    EXPECT_FALSE(tree()->isExpanded(proxyIndex(QStringLiteral("src/util"))));
}

TEST_F(RepoPanelTest, FilterKeepsMatchesAndTheirFolders) {
    ASSERT_NE(filter(), nullptr);
    filter()->setText(QStringLiteral("strings"));
    // Recursive, case-insensitive: folders stay when something below matches.
    EXPECT_EQ(names(), (QStringList{QStringLiteral("docs"), QStringLiteral("src")}));
    EXPECT_EQ(visibleFiles(), (QStringList{QStringLiteral("docs/api/strings.md"),
                                           QStringLiteral("src/util/Strings.cpp"),
                                           QStringLiteral("src/util/strings.h")}));
    EXPECT_EQ(names(proxyIndex(QStringLiteral("src"))), QStringList{QStringLiteral("util")});
    // Filtering expands the tree so the matches are visible.
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("src/util"))));
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("docs/api"))));

    filter()->setText(QStringLiteral("MAIN.CPP"));
    EXPECT_EQ(visibleFiles(), QStringList{QStringLiteral("src/main.cpp")});

    filter()->setText(QStringLiteral("nothing-matches-this"));
    EXPECT_EQ(proxy()->rowCount(), 0);

    filter()->clear();
    EXPECT_EQ(visibleFiles().size(), m_workspace->snapshot()->fileCount());
}

TEST_F(RepoPanelTest, ActivatingAFileEmitsItsNode) {
    QSignalSpy activated(m_panel.get(), &RepoPanel::fileActivated);
    const QModelIndex mainCpp = proxyIndex(QStringLiteral("src/main.cpp"));
    ASSERT_TRUE(mainCpp.isValid());
    const QRect rect = tree()->visualRect(mainCpp);
    ASSERT_TRUE(rect.isValid());
    ASSERT_TRUE(tree()->viewport()->rect().contains(rect.center()));

    // Double-click on the name.
    doubleClick(rect.center());
    ASSERT_EQ(activated.count(), 1);
    EXPECT_EQ(activated.first().at(0).toInt(), node("src/main.cpp"));
    // Double-clicking does not toggle the check box.
    EXPECT_EQ(m_model->indexForNode(node("src/main.cpp")).data(Qt::CheckStateRole).toInt(),
              int(Qt::Checked));

    // Enter on the current item.
    activated.clear();
    tree()->setFocus();
    tree()->setCurrentIndex(proxyIndex(QStringLiteral("README.md")));
    QTest::keyClick(tree(), Qt::Key_Return);
    ASSERT_EQ(activated.count(), 1);
    EXPECT_EQ(activated.first().at(0).toInt(), node("README.md"));
    EXPECT_EQ(m_panel->currentPath(), QStringLiteral("README.md"));

    // A folder is never "activated" as a file.
    activated.clear();
    Q_EMIT tree()->activated(proxyIndex(QStringLiteral("src")));
    EXPECT_EQ(activated.count(), 0);
}

TEST_F(RepoPanelTest, ActivationMapsThroughTheFilteredProxy) {
    filter()->setText(QStringLiteral("strings.h"));
    QSignalSpy activated(m_panel.get(), &RepoPanel::fileActivated);
    const QModelIndex header = proxyIndex(QStringLiteral("src/util/strings.h"));
    ASSERT_TRUE(header.isValid());
    // Filtered rows sit at other proxy rows than their source rows; the node must still match.
    EXPECT_NE(header.row(), m_model->indexForNode(node("src/util/strings.h")).row());
    const QRect rect = tree()->visualRect(header);
    ASSERT_TRUE(tree()->viewport()->rect().contains(rect.center()));
    doubleClick(rect.center());
    ASSERT_EQ(activated.count(), 1);
    EXPECT_EQ(activated.first().at(0).toInt(), node("src/util/strings.h"));
}

namespace {
// A second, genuinely different tokenizer: one token per byte.
struct ByteTokenizer final : reposcope::tokenize::Tokenizer {
    QString id() const override { return QStringLiteral("bytes-v1"); }
    QString displayName() const override { return QStringLiteral("bytes"); }
    bool isExact() const override { return true; }
    qint64 count(std::string_view utf8) const override { return qint64(utf8.size()); }
};
} // namespace

// Switching the model (here: its tokenizer, which re-counts) keeps what the user looked at.
TEST_F(RepoPanelTest, ATokenizerSwitchKeepsExpandedFoldersScrollAndCurrentRow) {
    ScratchRepo big;
    big.initGit();
    for (const char *folder : {"alpha", "beta", "gamma/deep"})
        for (int i = 0; i < 40; ++i)
            big.write(QStringLiteral("%1/file%2.txt")
                          .arg(QLatin1String(folder))
                          .arg(i, 2, 10, QLatin1Char('0')),
                      QByteArray("word ").repeated(10 + i) + '\n');
    big.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(big.path()));
    m_panel->resize(700, 300);

    // The user's view: alpha collapsed, gamma/deep opened, a row deep down current, scrolled.
    tree()->collapse(proxyIndex(QStringLiteral("alpha")));
    tree()->expand(proxyIndex(QStringLiteral("gamma/deep")));
    const QModelIndex current = proxyIndex(QStringLiteral("gamma/deep/file17.txt"));
    ASSERT_TRUE(current.isValid());
    tree()->setCurrentIndex(current);
    tree()->scrollTo(current, QAbstractItemView::PositionAtCenter);
    QApplication::processEvents();
    const int scroll = tree()->verticalScrollBar()->value();
    ASSERT_GT(scroll, 0);

    QSignalSpy finished(m_workspace.get(), &workspace::Workspace::countingFinished);
    m_workspace->setTokenizer(std::make_shared<const ByteTokenizer>(), true);
    ASSERT_TRUE(finished.wait(60000));
    ASSERT_FALSE(finished.first().at(0).toBool());
    QApplication::processEvents();

    EXPECT_EQ(m_workspace->tokenizer().id(), QStringLiteral("bytes-v1"));
    EXPECT_FALSE(tree()->isExpanded(proxyIndex(QStringLiteral("alpha"))));
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("beta"))));
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("gamma"))));
    EXPECT_TRUE(tree()->isExpanded(proxyIndex(QStringLiteral("gamma/deep"))));
    EXPECT_EQ(m_panel->currentPath(), QStringLiteral("gamma/deep/file17.txt"));
    EXPECT_EQ(tree()->verticalScrollBar()->value(), scroll);
    // And the rows show the new counts.
    const QModelIndex tokens =
        proxy()->index(current.row(), models::RepoTreeModel::TokensColumn, current.parent());
    EXPECT_TRUE(reposcope::test::processEventsUntil([&] {
        return tokens.data().toString() ==
               QLocale::system().toString(qint64(QByteArray("word ").repeated(27).size() + 1));
    })) << tokens.data().toString().toStdString();
}
