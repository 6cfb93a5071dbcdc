// SPDX-License-Identifier: MIT
// Working-tree scans compared against the git command line itself.
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::findFile;
using reposcope::test::scan;
using reposcope::test::ScratchRepo;
using reposcope::test::sortedPaths;

namespace {

// git lists untracked nested repositories as "dir/"; we list them as "dir".
QStringList normalized(QStringList list) {
    for (QString &s : list)
        if (s.endsWith(QLatin1Char('/')))
            s.chop(1);
    list.sort();
    return list;
}

} // namespace

TEST(ScanWorktree, TrickyIgnoreRulesMatchGit) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral(".gitignore"),
               "*.log\n!important.log\n/anchored.txt\nbuild/\nout\n**/deep/*.tmp\n"
               "\\#hash\ntrailing.txt   \nspace\\ \nignored-dir/\n!ignored-dir/keep.txt\n"
               "cache/*\n!cache/keep/\ndocs/**/*.bak\n");
    repo.write(QStringLiteral("a.log"), "x");
    repo.write(QStringLiteral("important.log"), "x");
    repo.write(QStringLiteral("anchored.txt"), "x");
    repo.write(QStringLiteral("sub/anchored.txt"), "x");
    repo.write(QStringLiteral("build/x.o"), "x");
    repo.write(QStringLiteral("src/build"), "a file named build is not a dir");
    repo.write(QStringLiteral("out/a"), "x");
    repo.write(QStringLiteral("x/out"), "x");
    repo.write(QStringLiteral("a/deep/b.tmp"), "x");
    repo.write(QStringLiteral("a/b/deep/c.tmp"), "x");
    repo.write(QStringLiteral("deep/d.tmp"), "x");
    repo.write(QStringLiteral("deep/e.txt"), "x");
    repo.write(QStringLiteral("#hash"), "x");
    repo.write(QStringLiteral("trailing.txt"), "x");
    repo.write(QStringLiteral("space "), "x");
    repo.write(QStringLiteral("ignored-dir/keep.txt"), "x");
    repo.write(QStringLiteral("ignored-dir/other.txt"), "x");
    repo.write(QStringLiteral("cache/a"), "x");
    repo.write(QStringLiteral("cache/keep/b"), "x");
    repo.write(QStringLiteral("docs/x/y/z.bak"), "x");
    repo.write(QStringLiteral("docs/z.bak"), "x");
    // Nested .gitignore with negation of a parent rule and its own anchored pattern.
    repo.write(QStringLiteral("nested/.gitignore"), "!*.log\n/local.txt\n*.dat\n");
    repo.write(QStringLiteral("nested/n.log"), "x");
    repo.write(QStringLiteral("nested/local.txt"), "x");
    repo.write(QStringLiteral("nested/deeper/local.txt"), "x");
    repo.write(QStringLiteral("nested/deeper/a.dat"), "x");
    // info/exclude and core.excludesFile.
    repo.write(QStringLiteral(".git/info/exclude"), "*.info-excluded\n");
    repo.write(QStringLiteral("z.info-excluded"), "x");
    repo.write(QStringLiteral("global-ignore"), "*.global\n");
    repo.git({QStringLiteral("config"), QStringLiteral("core.excludesFile"),
              repo.filePath(QStringLiteral("global-ignore"))});
    repo.write(QStringLiteral("g.global"), "x");
    // Tracked but ignored: stays.
    repo.write(QStringLiteral("tracked.log"), "x");
    repo.git({QStringLiteral("add"), QStringLiteral("-f"), QStringLiteral("tracked.log"),
              QStringLiteral("build/x.o")});
    repo.commitAll();
    // Untracked folder and file after the commit.
    repo.write(QStringLiteral("untracked/dir/u.txt"), "x");
    repo.write(QStringLiteral("u.txt"), "x");

    // Settle the index a second later, as git's next refresh would: entries written in the
    // same second as their files are racy and never trusted.
    repo.settleIndex();

    const ScanResult r = scan(repo.path());
    EXPECT_EQ(sortedPaths(r), repo.gitLsFiles());
    EXPECT_TRUE(r.info.isGit);
    EXPECT_EQ(r.info.headName, QStringLiteral("main"));
    EXPECT_EQ(r.info.shortSha.size(), 7);
    EXPECT_TRUE(r.info.dirty); // untracked files
    EXPECT_EQ(r.info.rootPath, QDir(repo.path()).canonicalPath());
    ASSERT_NE(findFile(r, "tracked.log"), nullptr);
    EXPECT_FALSE(isNull(findFile(r, "tracked.log")->blobId));
    EXPECT_TRUE(isNull(findFile(r, "u.txt")->blobId));
}

TEST(ScanWorktree, DefaultXdgIgnoreFile) {
    ScratchRepo repo;
    repo.initGit();
    const QByteArray old = qgetenv("XDG_CONFIG_HOME");
    const QString xdg = repo.filePath(QStringLiteral(".xdg"));
    repo.write(QStringLiteral(".xdg/git/ignore"), "*.xdg\n.xdg/\n");
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(xdg));
    repo.write(QStringLiteral("a.xdg"), "x");
    repo.write(QStringLiteral("b.txt"), "x");
    const QStringList expected = repo.gitLsFiles();
    const ScanResult r = scan(repo.path());
    if (old.isNull())
        qunsetenv("XDG_CONFIG_HOME");
    else
        qputenv("XDG_CONFIG_HOME", old);
    EXPECT_EQ(expected, QStringList{QStringLiteral("b.txt")});
    EXPECT_EQ(sortedPaths(r), expected);
}

TEST(ScanWorktree, CleanRepoHasBlobIdsAndIsNotDirty) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "hello\n");
    repo.write(QStringLiteral("empty"), "");
    repo.write(QStringLiteral("dir/b.txt"), "world\n");
    repo.commitAll();
    // Make every index entry non-racy, as git would after a later refresh.
    repo.settleIndex();
    ScanResult r = scan(repo.path());
    EXPECT_EQ(sortedPaths(r), repo.gitLsFiles());
    EXPECT_FALSE(r.info.dirty);
    const QByteArray lsFiles = repo.git({QStringLiteral("ls-files"), QStringLiteral("-s")});
    for (const ScannedFile &f : r.files) {
        EXPECT_TRUE(lsFiles.contains(QByteArray(toHex(f.blobId).toLatin1() + " 0\t" + f.path)))
            << f.path.data();
    }
    EXPECT_EQ(findFile(r, "empty")->size, 0);
    EXPECT_EQ(findFile(r, "a.txt")->size, 6);

    // A staged change makes it dirty; so does a modified file.
    repo.write(QStringLiteral("a.txt"), "changed\n");
    r = scan(repo.path());
    EXPECT_TRUE(r.info.dirty);
    EXPECT_TRUE(isNull(findFile(r, "a.txt")->blobId));
    repo.git({QStringLiteral("add"), QStringLiteral("a.txt")});
    EXPECT_TRUE(scan(repo.path()).info.dirty);

    // Without checkModified (the CLI): the same files, and dirty is simply not worked out.
    ScanOptions quick;
    quick.path = repo.path();
    quick.checkModified = false;
    const auto unchecked = scanRepository(quick, nullptr);
    ASSERT_TRUE(unchecked.ok()) << unchecked.error().message.toStdString();
    EXPECT_FALSE(unchecked->info.dirty);
    EXPECT_EQ(sortedPaths(*unchecked), sortedPaths(scan(repo.path())));
}

TEST(ScanWorktree, SubfolderScope) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral(".gitignore"), "*.o\n");
    repo.write(QStringLiteral("top.txt"), "x");
    repo.write(QStringLiteral("sub/a.txt"), "x");
    repo.write(QStringLiteral("sub/a.o"), "x");
    repo.write(QStringLiteral("sub/inner/b.txt"), "x");
    repo.write(QStringLiteral("subway/c.txt"), "x");
    repo.commitAll();
    repo.write(QStringLiteral("sub/untracked.txt"), "x");
    const ScanResult r = scan(repo.filePath(QStringLiteral("sub")));
    EXPECT_EQ(r.info.scopePrefix, QStringLiteral("sub"));
    EXPECT_EQ(r.info.rootPath, QDir(repo.path()).canonicalPath());
    const QStringList expected{QStringLiteral("sub/a.txt"), QStringLiteral("sub/inner/b.txt"),
                               QStringLiteral("sub/untracked.txt")};
    EXPECT_EQ(sortedPaths(r), expected);
}

TEST(ScanWorktree, PlainFolderHonoursGitignore) {
    ScratchRepo dir;
    dir.write(QStringLiteral(".gitignore"), "*.tmp\nbuild/\n");
    dir.write(QStringLiteral("a.txt"), "x");
    dir.write(QStringLiteral("b.tmp"), "x");
    dir.write(QStringLiteral("build/c.txt"), "x");
    dir.write(QStringLiteral("src/.gitignore"), "!keep.tmp\n");
    dir.write(QStringLiteral("src/keep.tmp"), "x");
    dir.write(QStringLiteral("src/drop.tmp"), "x");
    dir.write(QStringLiteral(".git-not-a-repo/x"), "x");
    const ScanResult r = scan(dir.path());
    EXPECT_FALSE(r.info.isGit);
    const QStringList expected{QStringLiteral(".git-not-a-repo/x"), QStringLiteral(".gitignore"),
                               QStringLiteral("a.txt"), QStringLiteral("src/.gitignore"),
                               QStringLiteral("src/keep.tmp")};
    EXPECT_EQ(sortedPaths(r), expected);
}

TEST(ScanWorktree, SymlinksUnicodeEmptyAndLoops) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("dir/file.txt"), "x");
    repo.write(QStringLiteral("ünïcødé/日本語.txt"), "x");
    repo.write(QStringLiteral("empty.txt"), "");
    ASSERT_EQ(symlink(".", QFile::encodeName(repo.filePath(QStringLiteral("loop"))).constData()),
              0);
    ASSERT_EQ(symlink("..", QFile::encodeName(repo.filePath(QStringLiteral("dir/up"))).constData()),
              0);
    ASSERT_EQ(symlink("file.txt",
                      QFile::encodeName(repo.filePath(QStringLiteral("dir/link"))).constData()),
              0);
    repo.git({QStringLiteral("add"), QStringLiteral("dir/link")});
    const ScanResult r = scan(repo.path());
    EXPECT_EQ(sortedPaths(r), repo.gitLsFiles());
    ASSERT_NE(findFile(r, "loop"), nullptr);
    EXPECT_EQ(findFile(r, "loop")->kind, EntryKind::Symlink);
    EXPECT_EQ(findFile(r, "loop")->exclusion, Exclusion::Symlink);
    EXPECT_EQ(findFile(r, "dir/link")->kind, EntryKind::Symlink);
    EXPECT_EQ(findFile(r, "empty.txt")->size, 0);
    EXPECT_EQ(findFile(r, "empty.txt")->exclusion, Exclusion::None);
    EXPECT_NE(findFile(r, QStringLiteral("ünïcødé/日本語.txt").toUtf8()), nullptr);
}

TEST(ScanWorktree, NonUtf8NamesAreByteExact) {
    ScratchRepo dir;
    const QByteArray name = QFile::encodeName(dir.path()) + "/bad\xff\xfename.txt";
    // Create with POSIX to keep the bytes exact.
    FILE *fp = fopen(name.constData(), "w");
    ASSERT_NE(fp, nullptr);
    fclose(fp);
    const ScanResult r = scan(dir.path());
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].path, QByteArray("bad\xff\xfename.txt"));
    unlink(name.constData()); // QTemporaryDir cannot remove names that are not UTF-8
}

TEST(ScanWorktree, HugeSparseFileIsTooLarge) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("small.txt"), "x");
    QFile big(repo.filePath(QStringLiteral("big.bin")));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    ASSERT_TRUE(big.resize(200LL * 1024 * 1024));
    big.close();
    const ScanResult r = scan(repo.path());
    ASSERT_NE(findFile(r, "big.bin"), nullptr);
    EXPECT_EQ(findFile(r, "big.bin")->size, 200LL * 1024 * 1024);
    EXPECT_EQ(findFile(r, "big.bin")->exclusion, Exclusion::TooLarge);
    EXPECT_EQ(findFile(r, "small.txt")->exclusion, Exclusion::None);
}

TEST(ScanWorktree, SubmodulesAndNestedRepos) {
    ScratchRepo other;
    other.initGit();
    other.write(QStringLiteral("o.txt"), "x");
    other.commitAll();
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "x");
    repo.git({QStringLiteral("-c"), QStringLiteral("protocol.file.allow=always"),
              QStringLiteral("submodule"), QStringLiteral("add"), other.path(),
              QStringLiteral("sub")});
    repo.commitAll();
    // An untracked nested repository.
    repo.write(QStringLiteral("nested/n.txt"), "x");
    repo.git({QStringLiteral("-C"), repo.filePath(QStringLiteral("nested")), QStringLiteral("init"),
              QStringLiteral("-q")});
    const ScanResult r = scan(repo.path());
    EXPECT_EQ(sortedPaths(r), normalized(repo.gitLsFiles()));
    ASSERT_NE(findFile(r, "sub"), nullptr);
    EXPECT_EQ(findFile(r, "sub")->kind, EntryKind::Submodule);
    EXPECT_EQ(findFile(r, "sub")->exclusion, Exclusion::SubmoduleEntry);
    ASSERT_NE(findFile(r, "nested"), nullptr);
    EXPECT_EQ(findFile(r, "nested")->kind, EntryKind::Submodule);
}

TEST(ScanWorktree, UnreadableFilesAndFolders) {
    if (geteuid() == 0)
        GTEST_SKIP() << "running as root: permissions do not deny reads";
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("ok.txt"), "x");
    repo.write(QStringLiteral("secret.txt"), "x");
    repo.write(QStringLiteral("closed/inner.txt"), "x");
    chmod(QFile::encodeName(repo.filePath(QStringLiteral("secret.txt"))).constData(), 0);
    chmod(QFile::encodeName(repo.filePath(QStringLiteral("closed"))).constData(), 0);
    const ScanResult r = scan(repo.path());
    const QStringList expected = repo.gitLsFiles();
    chmod(QFile::encodeName(repo.filePath(QStringLiteral("closed"))).constData(), 0755);
    EXPECT_EQ(sortedPaths(r), expected);
    ASSERT_NE(findFile(r, "secret.txt"), nullptr);
    EXPECT_EQ(findFile(r, "secret.txt")->exclusion, Exclusion::Unreadable);
    EXPECT_FALSE(r.info.warnings.isEmpty());
}

TEST(ScanWorktree, CancelledScanReturnsCancelled) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a/b.txt"), "x");
    std::atomic_bool cancel{true};
    ScanOptions opts;
    opts.path = repo.path();
    const auto r = scanRepository(opts, &cancel);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::Cancelled);
}

namespace {

// The stat of `path`; fails the test when it cannot be read.
struct stat statOf(const QString &path) {
    struct stat st {};
    EXPECT_EQ(::stat(QFile::encodeName(path).constData(), &st), 0);
    return st;
}

// Puts back the modification time `st` recorded (what touch -r, rsync -t or tar do).
void restoreMtime(const QString &path, const struct stat &st) {
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0), 0);
}

// A repository whose index is not racy for `name` (written a second after the file, as git
// does on a later refresh), with `content` committed.
void commitSettled(ScratchRepo &repo, const QString &name, const QByteArray &content) {
    repo.initGit();
    repo.write(name, content);
    repo.commitAll();
    repo.settleIndex();
}

bool gitSaysModified(const ScratchRepo &repo, const QString &name) {
    return repo.git({QStringLiteral("status"), QStringLiteral("--porcelain"), name})
        .startsWith(" M");
}

} // namespace

// A file rewritten with the same size whose old modification time is put back: the index's
// size and mtime still match, its ctime does not. The old blob id must not be trusted (it
// would key the token cache to the old content's count).
TEST(ScanWorktree, SameSizeAndMtimeRewriteIsSeenByCtime) {
    ScratchRepo repo;
    const QString name = QStringLiteral("a.txt");
    commitSettled(repo, name, "aaaaaaaaaaaaaaaaaaaa\n");
    ASSERT_FALSE(isNull(findFile(scan(repo.path()), "a.txt")->blobId));
    const struct stat before = statOf(repo.filePath(name));
    sleep(1); // a ctime of its own
    repo.write(name, "b c d e f g h i j kl\n");
    restoreMtime(repo.filePath(name), before);
    const struct stat after = statOf(repo.filePath(name));
    ASSERT_EQ(after.st_size, before.st_size);
    ASSERT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
    ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    EXPECT_TRUE(gitSaysModified(repo, name));

    const ScanResult r = scan(repo.path());
    EXPECT_TRUE(isNull(findFile(r, "a.txt")->blobId));
    EXPECT_TRUE(r.info.dirty);
}

// With core.trustctime off (as on some network file systems), a rewrite by rename that puts
// the mtime back is still seen: the inode changed.
TEST(ScanWorktree, RenameRewriteIsSeenByInode) {
    ScratchRepo repo;
    const QString name = QStringLiteral("a.txt");
    commitSettled(repo, name, "aaaaaaaaaaaaaaaaaaaa\n");
    repo.git(
        {QStringLiteral("config"), QStringLiteral("core.trustctime"), QStringLiteral("false")});
    const struct stat before = statOf(repo.filePath(name));
    repo.write(QStringLiteral("a.txt.new"), "b c d e f g h i j kl\n");
    ASSERT_EQ(::rename(QFile::encodeName(repo.filePath(QStringLiteral("a.txt.new"))).constData(),
                       QFile::encodeName(repo.filePath(name)).constData()),
              0);
    restoreMtime(repo.filePath(name), before);
    ASSERT_NE(statOf(repo.filePath(name)).st_ino, before.st_ino);
    EXPECT_TRUE(isNull(findFile(scan(repo.path()), "a.txt")->blobId));

    // core.checkStat=minimal trusts neither, like git: the entry is taken as clean.
    repo.git(
        {QStringLiteral("config"), QStringLiteral("core.checkStat"), QStringLiteral("minimal")});
    EXPECT_FALSE(isNull(findFile(scan(repo.path()), "a.txt")->blobId));
}

// Racily clean: a file changed in the same second as the index was written has a matching
// stat that proves nothing, so it is hashed, not taken from the index.
TEST(ScanWorktree, RacilyCleanEntryIsNotTrusted) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "one\n");
    repo.commitAll();
    // The index written later than the file, but within the same second (the race git guards
    // when the file system's times are coarser than its writes).
    const struct stat file = statOf(repo.filePath(QStringLiteral("a.txt")));
    ASSERT_LT(file.st_mtim.tv_nsec, 999999999L);
    const QString index = repo.filePath(QStringLiteral(".git/index"));
    const struct timespec times[2] = {file.st_atim, {file.st_mtim.tv_sec, 999999999L}};
    ASSERT_EQ(::utimensat(AT_FDCWD, QFile::encodeName(index).constData(), times, 0), 0);
    EXPECT_TRUE(isNull(findFile(scan(repo.path()), "a.txt")->blobId));
}
