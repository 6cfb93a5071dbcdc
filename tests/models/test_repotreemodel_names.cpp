// SPDX-License-Identifier: MIT
// The tree over a repository whose file names hold newlines, control characters and
// invalid UTF-8: one row per file, each showing the escaped (visible) name.
#include "repotreemodel.h"

#include "hostilenames.h"
#include "prompt/selection.h"
#include "scratchrepo.h"
#include "text/visibletext.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <QAbstractItemModelTester>
#include <QSet>

#include <gtest/gtest.h>

using reposcope::models::RepoTreeModel;
using reposcope::test::ScratchRepo;
namespace text = reposcope::text;

namespace {

class RepoTreeModelNamesTest : public reposcope::test::WorkspaceTest {};

// Collects (name, path) of every file row under `parent`.
void collectFiles(const RepoTreeModel &model, const QModelIndex &parent,
                  QList<std::pair<QString, QString>> &rows) {
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex index = model.index(r, RepoTreeModel::NameColumn, parent);
        if (index.data(RepoTreeModel::IsDirectoryRole).toBool())
            collectFiles(model, index, rows);
        else
            rows.append({index.data().toString(), index.data(RepoTreeModel::PathRole).toString()});
    }
}

bool holdsControl(const QString &s) {
    for (const QChar c : s)
        if (c.unicode() < 0x20 || c.unicode() == 0x7F || c == QChar(0x202E) || c == QChar(0x2028) ||
            c == QChar::ReplacementCharacter)
            return true;
    return false;
}

} // namespace

TEST_F(RepoTreeModelNamesTest, OneRowPerFileWithTheVisibleName) {
    ScratchRepo repo;
    const reposcope::test::HostileFilesCleanup cleanup{repo};
    repo.initGit();
    ASSERT_NO_FATAL_FAILURE(reposcope::test::writeHostileFiles(repo));
    repo.commitAll();
    RepoTreeModel model(m_workspace.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(repo.path()));

    QList<std::pair<QString, QString>> rows;
    collectFiles(model, QModelIndex(), rows);
    const QList<reposcope::test::HostileFile> files = reposcope::test::hostileFiles();
    ASSERT_EQ(rows.size(), files.size());

    QSet<QString> wantPaths, gotPaths;
    QSet<QString> wantNames, gotNames;
    for (const reposcope::test::HostileFile &f : files) {
        wantPaths.insert(text::visibleName(f.path));
        wantNames.insert(text::visibleName(f.path.mid(f.path.lastIndexOf('/') + 1)));
    }
    for (const auto &[name, path] : rows) {
        EXPECT_FALSE(holdsControl(name)) << name.toStdString();
        EXPECT_FALSE(holdsControl(path)) << path.toStdString();
        gotNames.insert(name);
        gotPaths.insert(path);
        // The row's path leads back to the file's raw bytes.
        const auto raw = text::rawName(path);
        ASSERT_TRUE(raw.has_value()) << path.toStdString();
        EXPECT_GT(m_workspace->selection()->snapshot().find(*raw), 0) << path.toStdString();
    }
    EXPECT_EQ(gotPaths, wantPaths);
    EXPECT_EQ(gotNames, wantNames);
    EXPECT_TRUE(gotNames.contains(QStringLiteral("a\\n### spoofed.md")));
    EXPECT_TRUE(gotNames.contains(QStringLiteral("inv\\xff.txt")));
    EXPECT_TRUE(gotNames.contains(QStringLiteral("inv\\xfe.txt")));
}
