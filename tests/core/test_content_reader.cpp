// SPDX-License-Identifier: MIT
#include "repo/contentreader.h"
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QFile>

#include <gtest/gtest.h>

using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::findFile;
using reposcope::test::scanAt;
using reposcope::test::ScratchRepo;

TEST(ContentReader, ReadsWorkingTreeFiles) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "hello\n");
    repo.write(QStringLiteral("empty"), "");
    QFile big(repo.filePath(QStringLiteral("big.bin")));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    ASSERT_TRUE(big.resize(200LL * 1024 * 1024));
    big.close();
    const auto r = scanAt(repo.path());
    ASSERT_TRUE(r.ok());
    auto reader = makeContentReader(r->info);
    auto a = reader->read(*findFile(*r, "a.txt"));
    ASSERT_TRUE(a.ok()) << a.error().message.toStdString();
    EXPECT_EQ(*a, QByteArray("hello\n"));
    auto e = reader->read(*findFile(*r, "empty"));
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(e->isEmpty());
    auto b = reader->read(*findFile(*r, "big.bin"));
    ASSERT_FALSE(b.ok());
    EXPECT_TRUE(b.error().message.contains(QStringLiteral("too large")));
    ScannedFile gone;
    gone.path = "gone.txt";
    auto g = reader->read(gone);
    ASSERT_FALSE(g.ok());
    EXPECT_TRUE(g.error().message.contains(QStringLiteral("gone.txt")));
}

TEST(ContentReader, ReadsBlobsAtARef) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "old\n");
    repo.commitAll();
    repo.git({QStringLiteral("tag"), QStringLiteral("v1")});
    repo.write(QStringLiteral("a.txt"), "new\n");
    repo.commitAll();
    const auto r = scanAt(repo.path(), QStringLiteral("v1"));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    auto reader = makeContentReader(r->info);
    auto a = reader->read(*findFile(*r, "a.txt"));
    ASSERT_TRUE(a.ok()) << a.error().message.toStdString();
    EXPECT_EQ(*a, QByteArray("old\n"));
}
