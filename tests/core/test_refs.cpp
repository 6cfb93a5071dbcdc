// SPDX-License-Identifier: MIT
// Branch/tag listing and "changed since" compared against the git command line.
#include "repo/refs.h"
#include "scratchrepo.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::ScratchRepo;

namespace {

QStringList sorted(const QList<QByteArray> &paths) {
    QStringList out;
    for (const QByteArray &p : paths)
        out << QString::fromUtf8(p);
    out.sort();
    return out;
}

QStringList lines(const QByteArray &text) {
    QStringList out;
    for (const QByteArray &l : text.split('\n'))
        if (!l.isEmpty())
            out << QString::fromUtf8(l);
    return out;
}

// git's own answer: changed against `ref` in the working tree (deletions left out),
// plus untracked files that are not ignored.
QStringList gitChangedSince(const ScratchRepo &repo, const QString &ref) {
    QStringList out =
        lines(repo.git({QStringLiteral("diff"), QStringLiteral("--name-only"),
                        QStringLiteral("--no-renames"), QStringLiteral("--diff-filter=d"), ref}));
    out += lines(repo.git({QStringLiteral("ls-files"), QStringLiteral("--others"),
                           QStringLiteral("--exclude-standard")}));
    out.sort();
    out.removeDuplicates();
    return out;
}

} // namespace

TEST(Refs, ListsLocalBranchesThenRemotesThenTags) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "a\n");
    repo.commitAll();
    repo.git({QStringLiteral("branch"), QStringLiteral("feature/x")});
    repo.git({QStringLiteral("branch"), QStringLiteral("alpha")});
    repo.git({QStringLiteral("tag"), QStringLiteral("v1.0")});
    repo.git({QStringLiteral("tag"), QStringLiteral("-a"), QStringLiteral("v0.9"),
              QStringLiteral("-m"), QStringLiteral("annotated")});
    repo.git({QStringLiteral("update-ref"), QStringLiteral("refs/remotes/origin/main"),
              QStringLiteral("HEAD")});
    repo.git({QStringLiteral("update-ref"), QStringLiteral("refs/remotes/origin/dev"),
              QStringLiteral("HEAD")});
    repo.write(QStringLiteral("a.txt"), "stashed change\n");
    repo.git({QStringLiteral("stash")}); // refs/stash is neither branch, remote nor tag

    auto refs = listReferences(repo.path());
    ASSERT_TRUE(refs.ok()) << refs.error().message.toStdString();
    EXPECT_EQ(*refs, (QStringList{QStringLiteral("alpha"), QStringLiteral("feature/x"),
                                  QStringLiteral("main"), QStringLiteral("origin/dev"),
                                  QStringLiteral("origin/main"), QStringLiteral("v0.9"),
                                  QStringLiteral("v1.0")}));
    // From a subfolder too.
    repo.write(QStringLiteral("sub/dir/x"), "x");
    auto fromSub = listReferences(repo.filePath(QStringLiteral("sub/dir")));
    ASSERT_TRUE(fromSub.ok());
    EXPECT_EQ(*fromSub, *refs);
}

TEST(Refs, NotARepository) {
    QTemporaryDir dir;
    auto refs = listReferences(dir.path());
    ASSERT_FALSE(refs.ok());
    EXPECT_EQ(refs.error().code, Error::Code::NotARepository);
    auto changed = changedFilesSince(dir.path(), QStringLiteral("HEAD"));
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().code, Error::Code::NotARepository);
}

TEST(Refs, ChangedFilesSinceMatchesGit) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral(".gitignore"), "*.log\n");
    repo.write(QStringLiteral("keep.txt"), "unchanged\n");
    repo.write(QStringLiteral("edit.txt"), "v1\n");
    repo.write(QStringLiteral("delete.txt"), "bye\n");
    repo.write(QStringLiteral("rename-me.txt"), "moving content\n");
    repo.write(QStringLiteral("lib/later.c"), "int x;\n");
    repo.commitAll(QStringLiteral("base"));
    repo.git({QStringLiteral("tag"), QStringLiteral("base")});

    repo.write(QStringLiteral("lib/later.c"), "int x = 1;\n"); // committed after base
    repo.commitAll(QStringLiteral("second"));
    repo.write(QStringLiteral("edit.txt"), "v2\n");             // unstaged change
    QFile::remove(repo.filePath(QStringLiteral("delete.txt"))); // deleted: not listed
    repo.git(
        {QStringLiteral("mv"), QStringLiteral("rename-me.txt"), QStringLiteral("renamed.txt")});
    repo.write(QStringLiteral("staged.txt"), "new\n");
    repo.git({QStringLiteral("add"), QStringLiteral("staged.txt")});
    repo.write(QStringLiteral("newdir/deep/untracked.txt"), "u\n"); // untracked folder
    repo.write(QStringLiteral("debug.log"), "ignored\n");           // ignored: not listed

    auto changed = changedFilesSince(repo.path(), QStringLiteral("base"));
    ASSERT_TRUE(changed.ok()) << changed.error().message.toStdString();
    const QStringList expected{QStringLiteral("edit.txt"), QStringLiteral("lib/later.c"),
                               QStringLiteral("newdir/deep/untracked.txt"),
                               QStringLiteral("renamed.txt"), QStringLiteral("staged.txt")};
    EXPECT_EQ(sorted(*changed), expected);
    EXPECT_EQ(sorted(*changed), gitChangedSince(repo, QStringLiteral("base")));

    // Against HEAD: the committed change drops out.
    auto sinceHead = changedFilesSince(repo.path(), QStringLiteral("HEAD"));
    ASSERT_TRUE(sinceHead.ok());
    EXPECT_EQ(sorted(*sinceHead), gitChangedSince(repo, QStringLiteral("HEAD")));
    EXPECT_FALSE(sorted(*sinceHead).contains(QStringLiteral("lib/later.c")));

    // Asked from a subfolder: paths stay repository-relative.
    auto fromSub = changedFilesSince(repo.filePath(QStringLiteral("lib")), QStringLiteral("base"));
    ASSERT_TRUE(fromSub.ok());
    EXPECT_EQ(sorted(*fromSub), expected);
}

TEST(Refs, CleanTreeHasNoChanges) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "a\n");
    repo.commitAll();
    auto changed = changedFilesSince(repo.path(), QStringLiteral("main"));
    ASSERT_TRUE(changed.ok());
    EXPECT_TRUE(changed->isEmpty());
}

TEST(Refs, UnknownOrNonCommitReferenceIsABadReference) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "a\n");
    repo.commitAll();
    auto unknown = changedFilesSince(repo.path(), QStringLiteral("no-such-branch"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, Error::Code::BadReference);
    EXPECT_TRUE(unknown.error().message.contains(QStringLiteral("no-such-branch")));
    auto blob = changedFilesSince(repo.path(), QStringLiteral("HEAD:a.txt"));
    ASSERT_FALSE(blob.ok());
    EXPECT_EQ(blob.error().code, Error::Code::BadReference);
}
