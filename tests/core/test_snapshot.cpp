// SPDX-License-Identifier: MIT
// RepoSnapshot: the flat pre-order tree built from a scan.
#include "repo/reposcanner.h"
#include "repo/reposnapshot.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QRandomGenerator>
#include <QSet>

#include <gtest/gtest.h>

#include <algorithm>

using namespace reposcope::repo;
using reposcope::test::scanAt;
using reposcope::test::ScratchRepo;

namespace {

ScanResult scanOf(const QList<QByteArray> &paths, const QString &root = QStringLiteral("/x/proj")) {
    ScanResult r;
    r.info.rootPath = root;
    qint64 size = 1;
    for (const QByteArray &p : paths) {
        ScannedFile f;
        f.path = p;
        f.size = size++;
        r.files.push_back(f);
    }
    return r;
}

// The expected listing "path" or "path/" per node in pre-order, built independently:
// recursive walk where each folder lists subfolders first, then files, both by bytes.
void expectedOrder(const QList<QByteArray> &files, const QByteArray &prefix,
                   QList<QByteArray> &out) {
    QSet<QByteArray> dirs, leaves;
    for (const QByteArray &f : files) {
        if (!f.startsWith(prefix))
            continue;
        const QByteArray rest = f.mid(prefix.size());
        const qsizetype slash = rest.indexOf('/');
        if (slash >= 0)
            dirs.insert(rest.left(slash));
        else
            leaves.insert(rest);
    }
    QList<QByteArray> d(dirs.begin(), dirs.end()), l(leaves.begin(), leaves.end());
    std::sort(d.begin(), d.end());
    std::sort(l.begin(), l.end());
    for (const QByteArray &name : d) {
        out << prefix + name + '/';
        expectedOrder(files, prefix + name + '/', out);
    }
    for (const QByteArray &name : l)
        out << prefix + name;
}

QList<QByteArray> actualOrder(const RepoSnapshot &s) {
    QList<QByteArray> out;
    for (int n = 1; n < s.nodeCount(); ++n)
        out << s.path(n) + (s.isDirectory(n) ? "/" : "");
    return out;
}

// Every structural invariant the header promises, checked by brute force.
void checkInvariants(const RepoSnapshot &s) {
    ASSERT_GE(s.nodeCount(), 1);
    EXPECT_EQ(s.parent(0), -1);
    EXPECT_EQ(s.depth(0), 0);
    EXPECT_EQ(s.subtreeEnd(0), s.nodeCount());
    int files = 0;
    for (int n = 0; n < s.nodeCount(); ++n) {
        files += s.isDirectory(n) ? 0 : 1;
        // Children: parent links, rows, pre-order ranges.
        for (int r = 0; r < s.childCount(n); ++r) {
            const int c = s.child(n, r);
            EXPECT_EQ(s.parent(c), n);
            EXPECT_EQ(s.row(c), r);
            EXPECT_EQ(s.depth(c), s.depth(n) + 1);
            const int expectedChild = r == 0 ? n + 1 : s.subtreeEnd(s.child(n, r - 1));
            EXPECT_EQ(c, expectedChild);
        }
        if (!s.isDirectory(n)) {
            EXPECT_EQ(s.childCount(n), 0);
            EXPECT_EQ(s.subtreeEnd(n), n + 1);
            EXPECT_EQ(s.file(n).path, s.path(n));
        }
        // Subtree = exactly the nodes with n among their ancestors.
        for (int m = 0; m < s.nodeCount(); ++m) {
            bool below = false;
            for (int p = m; p >= 0; p = s.parent(p))
                below = below || p == n;
            EXPECT_EQ(below, m >= n && m < s.subtreeEnd(n)) << n << " " << m;
        }
        EXPECT_EQ(s.find(s.path(n)), n) << s.path(n).constData();
        if (n > 0) {
            EXPECT_EQ(s.name(n).toUtf8(), s.path(n).mid(s.path(n).lastIndexOf('/') + 1));
        }
    }
    EXPECT_EQ(s.fileCount(), files);
}

} // namespace

TEST(RepoSnapshot, EmptyScanHasOnlyTheRoot) {
    const auto s = RepoSnapshot::build(scanOf({}));
    EXPECT_EQ(s->nodeCount(), 1);
    EXPECT_EQ(s->fileCount(), 0);
    EXPECT_EQ(s->subtreeEnd(0), 1);
    EXPECT_EQ(s->childCount(0), 0);
    EXPECT_TRUE(s->isDirectory(0));
    EXPECT_EQ(s->name(0), QStringLiteral("proj"));
    EXPECT_EQ(s->path(0), QByteArray());
    EXPECT_EQ(s->find(""), 0);
    EXPECT_EQ(s->find("a"), -1);
}

TEST(RepoSnapshot, PreOrderFoldersFirstThenByName) {
    const QList<QByteArray> paths{"b.txt",       "a/z.txt", "a/b/c.txt", "A.txt",   "a/a.txt",
                                  "c/d/e/f.txt", "a.b",     "a-b/x",     "a/b.txt", "c/d/e/a"};
    const auto s = RepoSnapshot::build(scanOf(paths));
    const QList<QByteArray> expected{
        "a/", "a/b/", "a/b/c.txt", "a/a.txt", "a/b.txt",     "a/z.txt", "a-b/", "a-b/x",
        "c/", "c/d/", "c/d/e/",    "c/d/e/a", "c/d/e/f.txt", "A.txt",   "a.b",  "b.txt"};
    EXPECT_EQ(actualOrder(*s), expected);
    checkInvariants(*s);
    EXPECT_EQ(s->fileCount(), 10);
    EXPECT_EQ(s->nodeCount(), 17);

    const int a = s->find("a");
    ASSERT_EQ(a, 1);
    EXPECT_TRUE(s->isDirectory(a));
    EXPECT_EQ(s->subtreeEnd(a), 7); // a/, a/b/, a/b/c.txt, a/a.txt, a/b.txt, a/z.txt
    EXPECT_EQ(s->childCount(a), 4);
    EXPECT_EQ(s->name(s->child(a, 0)), QStringLiteral("b"));
    EXPECT_EQ(s->depth(s->find("c/d/e/f.txt")), 4);
    EXPECT_EQ(s->file(s->find("b.txt")).size, 1); // sizes follow the input order
    EXPECT_EQ(s->file(s->find("c/d/e/a")).size, 10);
    EXPECT_EQ(s->find("a/b/c.txt/x"), -1);
    EXPECT_EQ(s->find("a/nope"), -1);
    EXPECT_EQ(s->find("c/d"), s->find("c") + 1);
}

// A file whose name is a prefix of a folder's name ("x/a" next to "x/a-b/"): the folder
// still comes first, and the ordering stays consistent (a cycle here used to break sort).
TEST(RepoSnapshot, FileNamedAsPrefixOfAFolderComesAfterIt) {
    const QList<QByteArray> paths{"a", "a-b/x", "b/y", "x/a", "x/a-b/c", "x/a.txt", "x/ab"};
    const QList<QByteArray> expected{"a-b/",    "a-b/x", "b/",      "b/y",  "x/", "x/a-b/",
                                     "x/a-b/c", "x/a",   "x/a.txt", "x/ab", "a"};
    QList<QByteArray> order = paths;
    do {
        const auto s = RepoSnapshot::build(scanOf(order));
        ASSERT_EQ(actualOrder(*s), expected);
        checkInvariants(*s);
    } while (std::next_permutation(order.begin(), order.end()) && !::testing::Test::HasFailure());
}

TEST(RepoSnapshot, DuplicatePathsAreKeptOnce) {
    const auto s = RepoSnapshot::build(scanOf({"x/y", "x/y", "z", "z"}));
    EXPECT_EQ(actualOrder(*s), (QList<QByteArray>{"x/", "x/y", "z"}));
    EXPECT_EQ(s->fileCount(), 2);
    checkInvariants(*s);
}

TEST(RepoSnapshot, NonAsciiNamesSortByBytes) {
    const auto s =
        RepoSnapshot::build(scanOf({"\xC3\xA9t\xC3\xA9/a", "z/a", "\xC3\xA9.txt", "Z.txt"}));
    EXPECT_EQ(actualOrder(*s), (QList<QByteArray>{"z/", "z/a", "\xC3\xA9t\xC3\xA9/",
                                                  "\xC3\xA9t\xC3\xA9/a", "Z.txt", "\xC3\xA9.txt"}));
    EXPECT_EQ(s->name(s->find("\xC3\xA9t\xC3\xA9")), QString::fromUtf8("\xC3\xA9t\xC3\xA9"));
    checkInvariants(*s);
}

// Property test: random trees (fixed seed) against the independent recursive ordering.
TEST(RepoSnapshot, RandomTreesMatchRecursiveWalk) {
    QRandomGenerator rng(20240611);
    const QList<QByteArray> names{"a", "b", "B", "a.b", "a-b", "ab", "_", "x1", "x10", "x2"};
    for (int round = 0; round < 30; ++round) {
        QList<QByteArray> paths;
        QSet<QByteArray> dirs;
        const int count = 1 + int(rng.bounded(60));
        for (int i = 0; i < count; ++i) {
            QByteArray p;
            const int depth = int(rng.bounded(4));
            for (int d = 0; d <= depth; ++d) {
                if (d)
                    p += '/';
                p += names[int(rng.bounded(int(names.size())))];
            }
            paths << p;
        }
        // A path cannot be both a file and a folder: drop files that are folders of others.
        for (const QByteArray &p : paths)
            for (qsizetype slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1))
                dirs.insert(p.left(slash));
        QList<QByteArray> valid;
        for (const QByteArray &p : paths)
            if (!dirs.contains(p))
                valid << p;
        QList<QByteArray> shuffled = valid;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        const auto s = RepoSnapshot::build(scanOf(shuffled));
        QList<QByteArray> expected;
        QList<QByteArray> unique = valid;
        std::sort(unique.begin(), unique.end());
        unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
        expectedOrder(unique, QByteArray(), expected);
        ASSERT_EQ(actualOrder(*s), expected) << "round " << round;
        EXPECT_EQ(s->fileCount(), unique.size());
        checkInvariants(*s);
        if (::testing::Test::HasFailure())
            return;
    }
}

TEST(RepoSnapshot, BuiltFromARealScanHoldsExactlyGitsFiles) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("src/main.c"), "int main(void) { return 0; }\n");
    repo.write(QStringLiteral("src/lib/util.c"), "x\n");
    repo.write(QStringLiteral("README"), "hi\n");
    repo.write(QStringLiteral(".gitignore"), "*.o\n");
    repo.write(QStringLiteral("src/main.o"), "obj");
    repo.commitAll();
    auto scanned = scanAt(repo.path());
    ASSERT_TRUE(scanned.ok()) << scanned.error().message.toStdString();
    const auto s = RepoSnapshot::build(std::move(scanned).value());
    checkInvariants(*s);
    QStringList listed;
    for (int n = 0; n < s->nodeCount(); ++n)
        if (!s->isDirectory(n))
            listed << QString::fromUtf8(s->path(n));
    listed.sort();
    EXPECT_EQ(listed, repo.gitLsFiles());
    EXPECT_EQ(actualOrder(*s), (QList<QByteArray>{"src/", "src/lib/", "src/lib/util.c",
                                                  "src/main.c", ".gitignore", "README"}));
    EXPECT_EQ(s->file(s->find("README")).size, 3);
}
