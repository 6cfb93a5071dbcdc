// SPDX-License-Identifier: MIT
// The Go standard library tree (~13k files, vendor/ folders, testdata with odd names)
// scanned and compared with git itself. Skipped where Go's sources are not installed.
#include "repo/reposcanner.h"
#include "scratchrepo.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>

#include <gtest/gtest.h>

using namespace reposcope::repo;
using reposcope::test::ScratchRepo;

TEST(ScanGoTree, MatchesGitLsFiles) {
    const QString source = QStringLiteral("/usr/share/go-1.19/src");
    if (!QDir(source).exists())
        GTEST_SKIP() << "no Go sources at " << source.toStdString();
    ScratchRepo repo;
    const QString dest = repo.filePath(QStringLiteral("src"));
    ASSERT_EQ(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), source, dest}), 0);
    ScratchRepo *r = &repo;
    auto git = [&](const QStringList &args) {
        return r->git(QStringList{QStringLiteral("-C"), dest} + args);
    };
    git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
         QStringLiteral("main")});
    git({QStringLiteral("config"), QStringLiteral("user.email"),
         QStringLiteral("t@example.invalid")});
    git({QStringLiteral("config"), QStringLiteral("user.name"), QStringLiteral("Test")});
    git({QStringLiteral("add"), QStringLiteral("-A")});
    git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
         QStringLiteral("go")});
    repo.write(QStringLiteral("src/untracked.txt"), "x");
    repo.write(QStringLiteral("src/net/http/new_untracked.go"), "package http\n");
    repo.write(QStringLiteral("src/fresh/dir/a.go"), "package dir\n");

    const QByteArray out =
        git({QStringLiteral("ls-files"), QStringLiteral("-z"), QStringLiteral("--cached"),
             QStringLiteral("--others"), QStringLiteral("--exclude-standard")});
    QList<QByteArray> expected;
    for (const QByteArray &p : out.split('\0'))
        if (!p.isEmpty())
            expected << p;
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());

    ScanOptions opts;
    opts.path = dest;
    QElapsedTimer timer;
    timer.start();
    const auto result = scanRepository(opts);
    const qint64 ms = timer.elapsed();
    ASSERT_TRUE(result.ok()) << result.error().message.toStdString();
    QList<QByteArray> got;
    int vendored = 0;
    int withBlob = 0;
    for (const ScannedFile &f : result->files) {
        got << f.path;
        vendored += f.exclusion == Exclusion::Vendored;
        withBlob += !isNull(f.blobId);
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected);
    for (qsizetype i = 0; i < std::min(got.size(), expected.size()); ++i)
        if (got[i] != expected[i]) {
            ADD_FAILURE() << "first difference: " << got[i].data() << " vs " << expected[i].data();
            break;
        }
    EXPECT_GT(vendored, 0);
    EXPECT_TRUE(result->info.dirty);
    std::printf("[ go tree ] %lld files, %d with index blob ids, scanned in %lld ms\n",
                static_cast<long long>(got.size()), withBlob, static_cast<long long>(ms));
}
