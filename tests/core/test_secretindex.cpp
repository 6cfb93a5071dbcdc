// SPDX-License-Identifier: MIT
// The background secret scan of the open workspace, on real scratch repositories with secrets
// generated when the test runs.
#include "eventloop.h"
#include "scratchrepo.h"
#include "secretsamples.h"
#include "workspacetest.h"

#include "security/secrets/allowlist.h"
#include "workspace/secretindex.h"

#include <QFile>
#include <QSignalSpy>

#include <gtest/gtest.h>

using reposcope::security::secrets::AllowList;
using reposcope::security::secrets::SecretHit;
using reposcope::test::ScratchRepo;
using reposcope::test::secrets::SampleGenerator;
using reposcope::workspace::SecretIndex;

namespace {

class SecretIndexTest : public reposcope::test::WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        m_index = std::make_unique<SecretIndex>(m_workspace.get());
    }
    void TearDown() override {
        m_index.reset();
        WorkspaceTest::TearDown();
    }
    // Opens `path` and waits until the index finished scanning it.
    void openAndWaitForScan(const QString &path) {
        QSignalSpy finished(m_index.get(), &SecretIndex::scanFinished);
        reposcope::repo::ScanOptions options;
        options.path = path;
        m_workspace->open(options);
        // A scan already running (of the tree shown before) ends cancelled first.
        ASSERT_TRUE(reposcope::test::processEventsUntil([&] {
            return !finished.isEmpty() && !finished.last().at(0).toBool() &&
                   m_index->snapshot() == m_workspace->snapshot();
        })) << "the secret scan never finished";
    }
    int node(const char *path) const { return m_workspace->snapshot()->find(path); }
    QStringList rulesOf(const char *path) const {
        QStringList rules;
        for (const SecretHit &hit : m_index->hitsFor(node(path)))
            rules << hit.ruleId;
        return rules;
    }

    SampleGenerator m_gen{0x5ec12e7};
    std::unique_ptr<SecretIndex> m_index;
};

TEST_F(SecretIndexTest, findsThePlantedSecretsPerFileAndCountsThemPerFolder) {
    ScratchRepo repo;
    repo.initGit();
    const QByteArray aws = "AKIA" + m_gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    const QByteArray github = m_gen.githubToken("ghp_");
    repo.write(QStringLiteral("src/config.py"),
               "import os\n\nAWS_KEY = \"" + aws + "\"\nTOKEN = \"" + github + "\"\n");
    repo.write(QStringLiteral("src/clean.py"), "def add(a, b):\n    return a + b\n");
    // A secret file: out of the default selection, still marked.
    repo.write(QStringLiteral(".env"), "GITHUB_TOKEN=" + m_gen.githubToken("ghp_") + "\n");
    repo.write(QStringLiteral("README.md"), "# demo\nid 123e4567-e89b-12d3-a456-426614174000\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForScan(repo.path()));

    EXPECT_TRUE(m_index->isComplete());
    EXPECT_EQ(m_index->filesDone(), m_index->filesTotal());
    EXPECT_EQ(m_index->filesTotal(), 4);
    EXPECT_EQ(rulesOf("src/config.py"),
              (QStringList{QStringLiteral("aws-access-key-id"), QStringLiteral("github-pat")}));
    EXPECT_EQ(rulesOf(".env"), QStringList{QStringLiteral("github-pat")});
    EXPECT_TRUE(m_index->hitsFor(node("src/clean.py")).isEmpty());
    EXPECT_TRUE(m_index->hitsFor(node("README.md")).isEmpty());
    EXPECT_EQ(m_index->hitCount(), 3);
    EXPECT_EQ(m_index->nodesWithHits(),
              (QList<int>{node("src/config.py"), node(".env")})); // folders first
    EXPECT_EQ(m_index->unallowedFilesUnder(node("src")), 1);
    EXPECT_EQ(m_index->unallowedFilesUnder(0), 2);
    EXPECT_EQ(m_index->unallowedIn(node("src/config.py")), 2);
    ASSERT_NE(m_index->scanner(), nullptr);
    // The hits carry where the secret is, never the secret.
    const SecretHit first = m_index->hitsFor(node("src/config.py")).first();
    EXPECT_EQ(first.line, 3);
    EXPECT_FALSE(first.masked.contains(QString::fromLatin1(aws)));
}

TEST_F(SecretIndexTest, allowingChangesTheCountsAndSavesHashesOnly) {
    ScratchRepo repo;
    const QByteArray aws = "AKIA" + m_gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    const QByteArray github = m_gen.githubToken("ghp_");
    repo.write(QStringLiteral("a/keys.py"), "K = \"" + aws + "\"\nT = \"" + github + "\"\n");
    repo.write(QStringLiteral("b/ci.sh"), "GITHUB_TOKEN=" + m_gen.githubToken("ghp_") + "\n");
    ASSERT_NO_FATAL_FAILURE(openAndWaitForScan(repo.path()));
    ASSERT_EQ(m_index->unallowedFilesUnder(0), 2);

    QSignalSpy changed(m_index.get(), &SecretIndex::allowListChanged);
    QSignalSpy saved(m_index.get(), &SecretIndex::allowListSaved);
    AllowList list = m_index->userAllowList();
    list.allowSecret(m_index->hitsFor(node("a/keys.py")).first().fingerprint);
    m_index->setUserAllowList(list);
    EXPECT_EQ(changed.size(), 1);
    EXPECT_EQ(m_index->unallowedIn(node("a/keys.py")), 1);
    EXPECT_EQ(m_index->unallowedFilesUnder(0), 2);

    list.allowRule(QStringLiteral("github-pat"));
    m_index->setUserAllowList(list);
    EXPECT_EQ(m_index->unallowedIn(node("a/keys.py")), 0);
    EXPECT_EQ(m_index->unallowedFilesUnder(node("a")), 0);
    EXPECT_EQ(m_index->unallowedFilesUnder(0), 0);
    EXPECT_EQ(m_index->hitCount(), 3); // still found, only allowed

    // The saves run on the pool; the file ends as the last edit, with no secret in it.
    const QString file = AllowList::userFileFor(m_index->rootPath());
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] {
        const auto loaded = AllowList::load(file);
        return loaded && *loaded == list;
    }));
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] { return saved.size() == 2; }));
    QFile stored(file);
    ASSERT_TRUE(stored.open(QIODevice::ReadOnly));
    const QByteArray json = stored.readAll();
    EXPECT_FALSE(json.contains(aws));
    EXPECT_FALSE(json.contains(github));

    // A fresh index for the same repository loads the user's list back.
    m_index = std::make_unique<SecretIndex>(m_workspace.get());
    ASSERT_NO_FATAL_FAILURE(openAndWaitForScan(repo.path()));
    EXPECT_EQ(m_index->userAllowList(), list);
    EXPECT_EQ(m_index->unallowedFilesUnder(0), 0);
    m_index.reset();
    m_pool.waitForDone();
    QFile::remove(file);
}

TEST_F(SecretIndexTest, openingAnotherRepositoryCancelsAndKeepsOnlyItsHits) {
    ScratchRepo big;
    // Enough files for the scan to be running when the second open arrives.
    for (int i = 0; i < 3000; ++i)
        big.write(QStringLiteral("f/%1.py").arg(i), "X = \"" + m_gen.githubToken("ghp_") + "\"\n");
    ScratchRepo small;
    small.write(QStringLiteral("only.py"), "T = \"" + m_gen.githubToken("ghp_") + "\"\n");

    QSignalSpy finished(m_index.get(), &SecretIndex::scanFinished);
    QSignalSpy started(m_index.get(), &SecretIndex::scanStarted);
    reposcope::repo::ScanOptions options;
    options.path = big.path();
    m_workspace->open(options);
    ASSERT_TRUE(started.wait(60000));
    options.path = small.path();
    m_workspace->open(options);
    ASSERT_TRUE(reposcope::test::processEventsUntil([&] {
        return m_index->isComplete() && m_index->snapshot() &&
               m_index->snapshot()->find("only.py") > 0;
    }));
    EXPECT_EQ(m_index->nodesWithHits(), QList<int>{node("only.py")});
    EXPECT_EQ(m_index->hitCount(), 1);
    EXPECT_EQ(m_index->filesTotal(), 1);
}

} // namespace
