// SPDX-License-Identifier: MIT
// The tree's secret marks, from a real background scan of a scratch repository with secrets
// generated when the test runs.
#include "eventloop.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "secretsamples.h"
#include "workspacetest.h"

#include "security/secrets/allowlist.h"
#include "workspace/secretindex.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>

#include <gtest/gtest.h>

using reposcope::models::RepoTreeModel;
using reposcope::security::secrets::AllowList;
using reposcope::test::ScratchRepo;
using reposcope::test::secrets::SampleGenerator;
using reposcope::workspace::SecretIndex;

namespace {

class RepoTreeSecretsTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_index = std::make_unique<SecretIndex>(m_workspace.get());
        m_model = std::make_unique<RepoTreeModel>(m_workspace.get());
        m_model->setSecretIndex(m_index.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        SampleGenerator gen(0x7ee5);
        m_aws = "AKIA" + gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        m_repo.write(QStringLiteral("src/deploy/settings.py"),
                     "AWS_KEY = \"" + m_aws + "\"\nTOKEN = \"" + gen.githubToken("ghp_") + "\"\n");
        m_repo.write(QStringLiteral("src/main.py"), "print('hello')\n");
        m_repo.write(QStringLiteral("docs/guide.md"), "# Guide\n");
    }
    void TearDown() override {
        m_tester.reset();
        m_model.reset();
        const QString root = m_index ? m_index->rootPath() : QString();
        m_index.reset();
        WorkspaceTest::TearDown(); // the saves on the pool are done
        if (!root.isEmpty())
            QFile::remove(AllowList::userFileFor(root));
    }
    void openAndScan() {
        QSignalSpy finished(m_index.get(), &SecretIndex::scanFinished);
        QSignalSpy changed(m_model.get(), &RepoTreeModel::dataChanged);
        reposcope::repo::ScanOptions options;
        options.path = m_repo.path();
        m_workspace->open(options);
        ASSERT_TRUE(finished.wait(60000));
        ASSERT_FALSE(finished.last().at(0).toBool());
    }
    QModelIndex indexOf(const char *path, int column = RepoTreeModel::NameColumn) const {
        return m_model->indexForNode(m_workspace->snapshot()->find(path), column);
    }

    ScratchRepo m_repo;
    QByteArray m_aws;
    std::unique_ptr<SecretIndex> m_index;
    std::unique_ptr<RepoTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

TEST_F(RepoTreeSecretsTest, marksFilesWithSecretsAndTheirFoldersAndSaysWhatHappens) {
    ASSERT_NO_FATAL_FAILURE(openAndScan());
    // The view has asked for the rows, as a view showing them would.
    const QModelIndex src = indexOf("src");
    const QModelIndex deploy = indexOf("src/deploy");
    ASSERT_EQ(m_model->rowCount(src), 2);
    ASSERT_EQ(m_model->rowCount(deploy), 1);

    EXPECT_EQ(indexOf("src/deploy/settings.py").data(RepoTreeModel::SecretsRole).toInt(), 2);
    EXPECT_EQ(indexOf("src/main.py").data(RepoTreeModel::SecretsRole).toInt(), 0);
    EXPECT_EQ(src.data(RepoTreeModel::SecretsRole).toInt(), 1);
    EXPECT_EQ(deploy.data(RepoTreeModel::SecretsRole).toInt(), 1);
    EXPECT_EQ(indexOf("docs").data(RepoTreeModel::SecretsRole).toInt(), 0);

    const QString tip = indexOf("src/deploy/settings.py").data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(
        QStringLiteral("holds 2 secrets: aws-access-key-id, github-pat — they will be redacted")))
        << tip.toStdString();
    EXPECT_FALSE(tip.contains(QString::fromLatin1(m_aws)));
    EXPECT_TRUE(indexOf("src/deploy/settings.py", RepoTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("holds 2 secrets")));
    EXPECT_TRUE(src.siblingAtColumn(RepoTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("1 file inside holds secrets")));
    EXPECT_TRUE(indexOf("src/main.py", RepoTreeModel::NoteColumn).data().toString().isEmpty());
    // The marked icons differ from the plain ones.
    const auto iconKey = [](const QModelIndex &index) {
        return index.data(Qt::DecorationRole).value<QIcon>().pixmap(16, 16).toImage();
    };
    EXPECT_NE(iconKey(indexOf("src/deploy/settings.py")), iconKey(indexOf("src/main.py")));
    EXPECT_NE(iconKey(src), iconKey(indexOf("docs")));
}

TEST_F(RepoTreeSecretsTest, allowingARuleAndTheFileClearsTheMarksAndTellsTheViews) {
    ASSERT_NO_FATAL_FAILURE(openAndScan());
    const QModelIndex src = indexOf("src");
    ASSERT_EQ(m_model->rowCount(src), 2);
    ASSERT_EQ(m_model->rowCount(indexOf("src/deploy")), 1);
    const QModelIndex file = indexOf("src/deploy/settings.py");

    QSignalSpy changed(m_model.get(), &RepoTreeModel::dataChanged);
    AllowList list;
    list.allowRule(QStringLiteral("github-pat"));
    m_index->setUserAllowList(list);
    EXPECT_GT(changed.size(), 0);
    EXPECT_EQ(file.data(RepoTreeModel::SecretsRole).toInt(), 1);
    const QString tip = file.data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("holds 1 secret: aws-access-key-id — it will be "
                                            "redacted; 1 allowed secret (sent as it is)")))
        << tip.toStdString();

    list.allowFile("src/deploy/settings.py");
    m_index->setUserAllowList(list);
    EXPECT_EQ(file.data(RepoTreeModel::SecretsRole).toInt(), 0);
    EXPECT_EQ(src.data(RepoTreeModel::SecretsRole).toInt(), 0);
    EXPECT_FALSE(src.siblingAtColumn(RepoTreeModel::NoteColumn)
                     .data()
                     .toString()
                     .contains(QStringLiteral("secret")));
}

} // namespace
