// SPDX-License-Identifier: MIT
#include "repo/contentreader.h"
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QFile>

#include <cstring>

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

// appendTo and readInto: the writer and the counting pass read straight into their own
// buffers. Same bytes as read(), nothing changed on an error, -1 when a file does not fit.
TEST(ContentReader, AppendsAndReadsIntoCallersBuffers) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "hello\n");
    repo.write(QStringLiteral("b.txt"), "0123456789");
    ASSERT_TRUE(QFile::link(QStringLiteral("a.txt"), repo.filePath(QStringLiteral("link"))));
    const auto r = scanAt(repo.path());
    ASSERT_TRUE(r.ok());
    auto reader = makeContentReader(r->info);

    QByteArray out("head:");
    auto n = reader->appendTo(*findFile(*r, "a.txt"), out);
    ASSERT_TRUE(n.ok()) << n.error().message.toStdString();
    EXPECT_EQ(*n, 6);
    n = reader->appendTo(*findFile(*r, "link"), out); // a symlink: its target, as read() says
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(out, QByteArray("head:hello\na.txt"));
    ScannedFile gone;
    gone.path = "gone.txt";
    EXPECT_FALSE(reader->appendTo(gone, out).ok());
    EXPECT_EQ(out, QByteArray("head:hello\na.txt")); // untouched by the failure

    char buffer[16];
    std::memset(buffer, '#', sizeof buffer);
    n = reader->readInto(*findFile(*r, "b.txt"), buffer, 10);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 10);
    EXPECT_EQ(QByteArray(buffer, 11), QByteArray("0123456789#"));
    n = reader->readInto(*findFile(*r, "b.txt"), buffer, 9); // one byte short: not read
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, -1);
    n = reader->readInto(*findFile(*r, "link"), buffer, sizeof buffer);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(QByteArray(buffer, int(*n)), QByteArray("a.txt"));
    EXPECT_FALSE(reader->readInto(gone, buffer, sizeof buffer).ok());
}
