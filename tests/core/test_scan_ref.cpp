// SPDX-License-Identifier: MIT
// Ref audits and error handling of the scanner.
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QFile>

#include <gtest/gtest.h>

using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::scanAt;
using reposcope::test::ScratchRepo;
using reposcope::test::sortedPaths;

namespace {

QStringList lsTree(const ScratchRepo &repo, const QString &ref) {
    const QByteArray out = repo.git({QStringLiteral("ls-tree"), QStringLiteral("-r"),
                                     QStringLiteral("-z"), QStringLiteral("--name-only"), ref});
    QStringList list;
    for (const QByteArray &p : out.split('\0'))
        if (!p.isEmpty())
            list << QString::fromUtf8(p);
    list.sort();
    return list;
}

// Three commits: v1 (tag), a branch "feature", and main with more files.
void makeHistory(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "one\n");
    repo.write(QStringLiteral("dir/b.txt"), "two\n");
    repo.commitAll();
    repo.git({QStringLiteral("tag"), QStringLiteral("-a"), QStringLiteral("v1"),
              QStringLiteral("-m"), QStringLiteral("v1")});
    repo.git({QStringLiteral("branch"), QStringLiteral("feature")});
    repo.write(QStringLiteral("dir/c.txt"), "three\n");
    repo.write(QStringLiteral("package-lock.json"), "{}\n");
    repo.commitAll();
    repo.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("feature")});
    repo.write(QStringLiteral("feature.txt"), "f\n");
    repo.commitAll();
    repo.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")});
    repo.write(QStringLiteral("untracked.txt"), "u\n");
}

} // namespace

TEST(ScanRef, CommitBranchAndTagMatchLsTree) {
    ScratchRepo repo;
    makeHistory(repo);
    const QString sha = QString::fromLatin1(
        repo.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD~1")}).trimmed());
    for (const QString &ref : {QStringLiteral("main"), QStringLiteral("feature"),
                               QStringLiteral("v1"), sha, sha.left(10), QStringLiteral("HEAD~1")}) {
        const auto r = scanAt(repo.path(), ref);
        ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
        EXPECT_EQ(sortedPaths(*r), lsTree(repo, ref)) << ref.toStdString();
        EXPECT_EQ(r->info.ref, ref);
        const QString expectSha =
            QString::fromLatin1(repo.git({QStringLiteral("rev-parse"), QStringLiteral("--short=7"),
                                          ref + QStringLiteral("^{commit}")})
                                    .trimmed());
        EXPECT_EQ(r->info.shortSha, expectSha);
    }
    const auto r = scanAt(repo.path(), QStringLiteral("main"));
    const QByteArray lsTreeFull = repo.git({QStringLiteral("ls-tree"), QStringLiteral("-r"),
                                            QStringLiteral("-l"), QStringLiteral("main")});
    for (const ScannedFile &f : r->files) {
        EXPECT_TRUE(lsTreeFull.contains(toHex(f.blobId).toLatin1())) << f.path.data();
        if (f.path == "a.txt") {
            EXPECT_EQ(f.size, 4);
        }
        if (f.path == "package-lock.json") {
            EXPECT_EQ(f.exclusion, Exclusion::LockFile);
        }
    }
}

TEST(ScanRef, SubfolderScopeAtRef) {
    ScratchRepo repo;
    makeHistory(repo);
    const auto r = scanAt(repo.filePath(QStringLiteral("dir")), QStringLiteral("v1"));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_EQ(sortedPaths(*r), QStringList{QStringLiteral("dir/b.txt")});
    EXPECT_EQ(r->info.scopePrefix, QStringLiteral("dir"));
}

TEST(ScanRef, UnknownRefIsBadReference) {
    ScratchRepo repo;
    makeHistory(repo);
    const auto r = scanAt(repo.path(), QStringLiteral("no-such-branch"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::BadReference);
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("no-such-branch")));
}

TEST(ScanErrors, MissingPathIsNotFound) {
    const auto r = scanAt(QStringLiteral("/definitely/not/here/reposcope"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::NotFound);
    EXPECT_FALSE(r.error().message.isEmpty());
}

TEST(ScanErrors, GarbageHeadIsCorruptRepository) {
    ScratchRepo repo;
    makeHistory(repo);
    repo.write(QStringLiteral(".git/HEAD"), "this is not a ref\n");
    const auto r = scanAt(repo.path());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::CorruptRepository) << r.error().message.toStdString();
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("git status")));
}

TEST(ScanErrors, BrokenIndexIsCorruptRepository) {
    ScratchRepo repo;
    makeHistory(repo);
    repo.write(QStringLiteral(".git/index"), "DIRC garbage garbage garbage garbage");
    const auto r = scanAt(repo.path());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::CorruptRepository) << r.error().message.toStdString();
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("index")));
}

TEST(ScanErrors, RefInPlainFolderIsNotARepository) {
    ScratchRepo dir;
    dir.write(QStringLiteral("a.txt"), "x");
    const auto r = scanAt(dir.path(), QStringLiteral("main"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::NotARepository);
}
