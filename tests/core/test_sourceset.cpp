// SPDX-License-Identifier: MIT
// SourceSet: the files a question was asked on, from a real pack of a real scan, with and
// without line numbers, and the files the pack left out read from the snapshot.
#include "findings/sourceset.h"
#include "prompt/packwriter.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QBuffer>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope::findings;
using namespace reposcope::prompt;
using namespace reposcope::repo;
using reposcope::test::ScratchRepo;

namespace {

struct Pack {
    QByteArray bytes;
    PackManifest manifest;
};

Pack writeAll(const RepoSnapshot &snap, const QList<QByteArray> &paths, PackOptions options) {
    std::vector<int> nodes;
    for (const QByteArray &path : paths) {
        nodes.push_back(snap.find(path));
        EXPECT_GE(nodes.back(), 0) << path.constData();
    }
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto stats = writePack(snap, nodes, PackFormat(options), buffer, &pool);
    EXPECT_TRUE(stats.ok());
    Pack pack;
    pack.bytes = buffer.data();
    if (stats.ok())
        pack.manifest = stats->manifest;
    return pack;
}

QByteArray numberedFile(int lines) {
    QByteArray text;
    for (int i = 1; i <= lines; ++i)
        text +=
            "    value_" + QByteArray::number(i) + " = compute(" + QByteArray::number(i) + ");\n";
    return text;
}

// Files whose text the pack keeps exactly (valid UTF-8, no BOM).
const QList<QPair<QByteArray, QByteArray>> kFiles{
    {"src/main.go", "package main\n\nfunc main() {\n\tprintln(\"hi\")\n}\n"},
    {"src/noeol.txt", "first\nlast without newline"},
    {"src/empty.txt", ""},
    {"src/crlf.txt", "one\r\ntwo\r\n"},
    {"src/colon.txt", "12: looks like a prefix\n: also\n"},
    {"lib/long.c", numberedFile(120)},
};

void writeFiles(ScratchRepo &repo) {
    for (const auto &[path, text] : kFiles)
        repo.write(QString::fromUtf8(path), text);
    repo.write(QStringLiteral("left/out.txt"), "not in the pack\n");
    repo.write(QStringLiteral("left/blob.bin"), QByteArray("\0\1\2\3", 4));
}

QList<QByteArray> packedPaths() {
    QList<QByteArray> paths;
    for (const auto &file : kFiles)
        paths << file.first;
    return paths;
}

} // namespace

TEST(SourceSet, PackedFilesComeBackExactlyInEveryLayout) {
    ScratchRepo repo;
    writeFiles(repo);
    const SnapshotPtr snap = reposcope::test::scanned(repo.path());
    for (const auto format : {PackOptions::Format::Xml, PackOptions::Format::Markdown}) {
        for (const bool lineNumbers : {false, true}) {
            PackOptions options;
            options.format = format;
            options.lineNumbers = lineNumbers;
            Pack pack = writeAll(*snap, packedPaths(), options);
            ASSERT_EQ(pack.manifest.size(), kFiles.size());
            const SourceSetPtr sources =
                makePackSourceSet(snap, pack.bytes, pack.manifest, options);
            ASSERT_TRUE(sources);
            for (const auto &[path, text] : kFiles) {
                const std::optional<QByteArray> got = sources->text(QString::fromUtf8(path));
                ASSERT_TRUE(got.has_value()) << path.constData();
                EXPECT_EQ(got->toStdString(), text.toStdString())
                    << path.constData() << (lineNumbers ? " numbered" : "");
            }
        }
    }
}

TEST(SourceSet, ListsEverySnapshotFileAndItsRootName) {
    ScratchRepo repo;
    writeFiles(repo);
    const ScanResult scan = reposcope::test::scan(repo.path());
    const QStringList expected = reposcope::test::sortedPaths(scan);
    const SnapshotPtr snap = RepoSnapshot::build(scan);
    const Pack pack = writeAll(*snap, {"src/main.go"}, PackOptions{});
    const SourceSetPtr sources = makePackSourceSet(snap, pack.bytes, pack.manifest, {});
    QStringList paths = sources->paths();
    paths.sort();
    EXPECT_EQ(paths, expected);
    EXPECT_TRUE(paths.contains(QStringLiteral("left/out.txt")));
    EXPECT_EQ(sources->rootName(), snap->name(0));
    EXPECT_FALSE(sources->text(QStringLiteral("no/such.go")).has_value());
    EXPECT_FALSE(sources->text(QStringLiteral("src")).has_value()); // a folder
}

// The snapshot is what the model read: a packed file edited on disk afterwards still shows
// its packed content.
TEST(SourceSet, PackedFilesChangedOnDiskKeepTheirSnapshotText) {
    ScratchRepo repo;
    writeFiles(repo);
    const SnapshotPtr snap = reposcope::test::scanned(repo.path());
    PackOptions options;
    options.lineNumbers = true;
    const Pack pack = writeAll(*snap, packedPaths(), options);
    repo.write(QStringLiteral("src/main.go"), "package main // rewritten after the question\n");
    repo.write(QStringLiteral("lib/long.c"), "");
    const SourceSetPtr sources = makePackSourceSet(snap, pack.bytes, pack.manifest, options);
    EXPECT_EQ(sources->text(QStringLiteral("src/main.go"))->toStdString(),
              kFiles[0].second.toStdString());
    EXPECT_EQ(sources->text(QStringLiteral("lib/long.c"))->toStdString(),
              numberedFile(120).toStdString());
}

// Files the pack left out are read from the working tree on first use (then kept);
// binary ones have no text.
TEST(SourceSet, FilesLeftOutOfThePackAreReadFromTheWorkingTree) {
    ScratchRepo repo;
    writeFiles(repo);
    repo.write(QStringLiteral("left/latin1.txt"), "caf\xE9\n");
    const SnapshotPtr snap = reposcope::test::scanned(repo.path());
    const Pack pack = writeAll(*snap, {"src/main.go"}, PackOptions{});
    const SourceSetPtr sources = makePackSourceSet(snap, pack.bytes, pack.manifest, {});
    EXPECT_EQ(sources->text(QStringLiteral("left/out.txt"))->toStdString(), "not in the pack\n");
    EXPECT_EQ(sources->text(QStringLiteral("left/latin1.txt"))->toStdString(), "caf\xC3\xA9\n");
    EXPECT_FALSE(sources->text(QStringLiteral("left/blob.bin")).has_value());
    // Read once: a later change on disk is not picked up.
    repo.write(QStringLiteral("left/out.txt"), "changed\n");
    EXPECT_EQ(sources->text(QStringLiteral("left/out.txt"))->toStdString(), "not in the pack\n");
}

// A ref audit reads the files the pack left out from the commit, not from the disk.
TEST(SourceSet, RefAuditReadsLeftOutFilesFromTheCommit) {
    ScratchRepo repo;
    repo.initGit();
    writeFiles(repo);
    repo.commitAll();
    repo.write(QStringLiteral("left/out.txt"), "edited after the commit\n");
    const SnapshotPtr snap =
        RepoSnapshot::build(reposcope::test::scan(repo.path(), QStringLiteral("HEAD")));
    const Pack pack = writeAll(*snap, {"src/main.go"}, PackOptions{});
    const SourceSetPtr sources = makePackSourceSet(snap, pack.bytes, pack.manifest, {});
    EXPECT_EQ(sources->text(QStringLiteral("left/out.txt"))->toStdString(), "not in the pack\n");
    EXPECT_EQ(sources->text(QStringLiteral("src/main.go"))->toStdString(),
              kFiles[0].second.toStdString());
}

TEST(SourceSet, MemorySourcesHoldWhatTheyWereGiven) {
    const SourceSetPtr sources =
        makeMemorySourceSet({{QStringLiteral("b.go"), "b\n"}, {QStringLiteral("a/a.go"), "a\n"}},
                            QStringLiteral("repo"));
    EXPECT_EQ(sources->paths(), (QStringList{QStringLiteral("a/a.go"), QStringLiteral("b.go")}));
    EXPECT_EQ(sources->text(QStringLiteral("b.go")), QByteArray("b\n"));
    EXPECT_FALSE(sources->text(QStringLiteral("c.go")).has_value());
    EXPECT_EQ(sources->rootName(), QStringLiteral("repo"));
}
