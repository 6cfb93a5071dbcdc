// SPDX-License-Identifier: MIT
#include "repo/contentreader.h"
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QDir>
#include <QFile>

#include <cstring>
#include <vector>

#include <sys/stat.h>

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
    // No size limit any more: a 200 MiB file is read in bounded chunks.
    qsizetype largest = 0;
    int chunks = 0;
    auto b = reader->readChunks(*findFile(*r, "big.bin"), 1 << 20, [&](QByteArrayView chunk) {
        largest = std::max(largest, chunk.size());
        ++chunks;
        return true;
    });
    ASSERT_TRUE(b.ok()) << b.error().message.toStdString();
    EXPECT_EQ(*b, 200LL * 1024 * 1024);
    EXPECT_EQ(largest, 1 << 20);
    EXPECT_EQ(chunks, 200);
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

// The disk reader trusts the scan's size only as far as the file agrees: a file that grew,
// shrank, or became something else since the scan is read as it is now, or refused.
TEST(ContentReader, FilesChangedSinceTheScanAreReadAsTheyAreNow) {
    ScratchRepo repo;
    repo.write(QStringLiteral("grew.txt"), "short\n");
    repo.write(QStringLiteral("shrank.txt"), "a longer line of text\n");
    repo.write(QStringLiteral("dir/became-folder.txt"), "x");
    repo.write(QStringLiteral("dir/became-fifo.txt"), "y");
    const auto r = scanAt(repo.path());
    ASSERT_TRUE(r.ok());
    const QByteArray grown = QByteArray("short\n") + QByteArray(100000, 'g');
    repo.write(QStringLiteral("grew.txt"), grown);
    repo.write(QStringLiteral("shrank.txt"), "a\n");
    ASSERT_TRUE(QFile::remove(repo.filePath(QStringLiteral("dir/became-folder.txt"))));
    ASSERT_TRUE(QDir(repo.path()).mkpath(QStringLiteral("dir/became-folder.txt")));
    ASSERT_TRUE(QFile::remove(repo.filePath(QStringLiteral("dir/became-fifo.txt"))));
    ASSERT_EQ(
        mkfifo(QFile::encodeName(repo.filePath(QStringLiteral("dir/became-fifo.txt"))).constData(),
               0600),
        0);
    auto reader = makeContentReader(r->info);

    QByteArray out("|");
    ASSERT_TRUE(reader->appendTo(*findFile(*r, "grew.txt"), out).ok());
    EXPECT_EQ(out, "|" + grown);
    auto whole = reader->read(*findFile(*r, "shrank.txt"));
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(*whole, QByteArray("a\n"));
    out = "|";
    EXPECT_FALSE(reader->appendTo(*findFile(*r, "dir/became-folder.txt"), out).ok());
    EXPECT_EQ(out, QByteArray("|"));
    // A FIFO does not block the reader: it reads as empty.
    auto fifo = reader->read(*findFile(*r, "dir/became-fifo.txt"));
    ASSERT_TRUE(fifo.ok()) << fifo.error().message.toStdString();
    EXPECT_TRUE(fifo->isEmpty());

    // Into a buffer: a file that grew past it is refused, one that grew within it is read.
    std::vector<char> buffer(200000);
    auto n = reader->readInto(*findFile(*r, "grew.txt"), buffer.data(), 1000);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, -1);
    n = reader->readInto(*findFile(*r, "grew.txt"), buffer.data(), qsizetype(buffer.size()));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(QByteArray(buffer.data(), int(*n)), grown);
}

// Files of many folders, read in an order that keeps changing folder, each get their own
// bytes (the reader keeps one folder open at a time).
TEST(ContentReader, ReadsAcrossFoldersInAnyOrder) {
    ScratchRepo repo;
    QStringList paths;
    for (int i = 0; i < 60; ++i) {
        const QString path = QStringLiteral("f%1/sub%2/file%3.txt").arg(i % 5).arg(i % 3).arg(i);
        repo.write(path, "content " + QByteArray::number(i) + "\n");
        paths << path;
    }
    repo.write(QStringLiteral("top.txt"), "top\n");
    paths << QStringLiteral("top.txt");
    const auto r = scanAt(repo.path());
    ASSERT_TRUE(r.ok());
    auto reader = makeContentReader(r->info);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < paths.size(); ++i) {
            const int k = round == 0 ? i : int(paths.size()) - 1 - i;
            const QByteArray path = paths[k].toUtf8();
            QByteArray out;
            ASSERT_TRUE(reader->appendTo(*findFile(*r, path.constData()), out).ok())
                << path.constData();
            EXPECT_EQ(out,
                      k == 60 ? QByteArray("top\n") : "content " + QByteArray::number(k) + "\n")
                << path.constData();
        }
    }
}
