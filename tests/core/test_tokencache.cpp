// SPDX-License-Identifier: MIT
// TokenCache: persistence, corrupt and truncated files, and failures to persist.
#include "tokenize/tokencache.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentMap>

#include <gtest/gtest.h>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace reposcope::tokenize;
using reposcope::text::Encoding;

namespace {

constexpr qint64 kHeader = 8;
constexpr qint64 kRecord = 36;

ContentStats statsFor(int i) {
    ContentStats s;
    s.tokens = quint32(1000 + i);
    s.lines = quint32(10 + i);
    s.replacedBytes = quint32(i % 3);
    s.encoding = Encoding(i % 5);
    s.binary = i % 7 == 0;
    s.generated = i % 4 == 1;
    return s;
}

ContentKey keyFor(int i) {
    return contentKey(QByteArray(QByteArray("content #") + QByteArray::number(i)));
}

void expectStatsEq(const ContentStats &a, const ContentStats &b) {
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_EQ(a.lines, b.lines);
    EXPECT_EQ(a.replacedBytes, b.replacedBytes);
    EXPECT_EQ(a.encoding, b.encoding);
    EXPECT_EQ(a.binary, b.binary);
    EXPECT_EQ(a.generated, b.generated);
}

void expectHolds(const TokenCache &cache, int from, int to) {
    for (int i = from; i < to; ++i) {
        const auto hit = cache.find(keyFor(i));
        ASSERT_TRUE(hit.has_value()) << i;
        expectStatsEq(*hit, statsFor(i));
    }
}

qint64 fileSize(const QString &path) {
    return QFileInfo(path).size();
}

} // namespace

TEST(TokenCache, ContentKeyIsStableDistinctAndMarked) {
    const ContentKey a = contentKey("hello"), b = contentKey("hello"), c = contentKey("hello!");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(contentKey(""), contentKey(QByteArray(1, '\0')));
    for (int i = 16; i < 20; ++i)
        EXPECT_EQ(a[size_t(i)], 0xFF) << "content keys are marked so they never equal a blob id";
}

TEST(TokenCache, InMemoryWhenFolderIsEmpty) {
    TokenCache cache(QString(), QStringLiteral("estimate-v1"));
    EXPECT_EQ(cache.size(), 0);
    EXPECT_FALSE(cache.find(keyFor(1)).has_value());
    cache.insert(keyFor(1), statsFor(1));
    cache.insert(keyFor(1), statsFor(2)); // same key: replaced
    EXPECT_EQ(cache.size(), 1);
    expectStatsEq(*cache.find(keyFor(1)), statsFor(2));
    EXPECT_TRUE(cache.filePath().isEmpty());
    EXPECT_TRUE(cache.persistenceProblem().isEmpty());
    cache.flush();
}

TEST(TokenCache, PersistsAcrossInstancesOneFilePerTokenizer) {
    QTemporaryDir dir;
    const QString folder = dir.path() + QStringLiteral("/nested/cache");
    QString path;
    {
        TokenCache cache(folder, QStringLiteral("hf:org/model v2"));
        path = cache.filePath();
        EXPECT_EQ(path, folder + QStringLiteral("/hf_org_model_v2.bin"));
        for (int i = 0; i < 20; ++i)
            cache.insert(keyFor(i), statsFor(i));
        EXPECT_TRUE(cache.persistenceProblem().isEmpty());
    } // destructor flushes
    EXPECT_EQ(fileSize(path), kHeader + 20 * kRecord);
    {
        TokenCache cache(folder, QStringLiteral("hf:org/model v2"));
        EXPECT_EQ(cache.size(), 20);
        expectHolds(cache, 0, 20);
        cache.insert(keyFor(20), statsFor(20));
        cache.flush();
        EXPECT_EQ(fileSize(path), kHeader + 21 * kRecord) << "appends, does not rewrite";
    }
    TokenCache other(folder, QStringLiteral("estimate-v1"));
    EXPECT_EQ(other.size(), 0) << "another tokenizer never sees these counts";
    EXPECT_NE(other.filePath(), path);
    TokenCache again(folder, QStringLiteral("hf:org/model v2"));
    EXPECT_EQ(again.size(), 21);
    expectHolds(again, 0, 21);
}

TEST(TokenCache, TruncatedFileKeepsWholeRecordsAndIsRewritten) {
    QTemporaryDir dir;
    QString path;
    {
        TokenCache cache(dir.path(), QStringLiteral("t"));
        path = cache.filePath();
        for (int i = 0; i < 3; ++i)
            cache.insert(keyFor(i), statsFor(i));
    }
    ASSERT_TRUE(QFile::resize(path, kHeader + 2 * kRecord + 10)); // a torn third record
    {
        TokenCache cache(dir.path(), QStringLiteral("t"));
        EXPECT_EQ(cache.size(), 2);
        expectHolds(cache, 0, 2);
        EXPECT_FALSE(cache.find(keyFor(2)).has_value());
        EXPECT_TRUE(cache.persistenceProblem().isEmpty());
        EXPECT_EQ(fileSize(path), kHeader + 2 * kRecord) << "the torn record is gone";
        cache.insert(keyFor(2), statsFor(2));
    }
    TokenCache reopened(dir.path(), QStringLiteral("t"));
    EXPECT_EQ(reopened.size(), 3);
    expectHolds(reopened, 0, 3);
}

TEST(TokenCache, CorruptFileIsIgnoredAndRewritten) {
    QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/t.bin");
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is not a cache file at all, just some text") +
                QByteArray(200, 'x'));
    }
    {
        TokenCache cache(dir.path(), QStringLiteral("t"));
        EXPECT_EQ(cache.filePath(), path);
        EXPECT_EQ(cache.size(), 0);
        EXPECT_TRUE(cache.persistenceProblem().isEmpty());
        cache.insert(keyFor(7), statsFor(7));
    }
    EXPECT_EQ(fileSize(path), kHeader + kRecord) << "the garbage is gone";
    TokenCache reopened(dir.path(), QStringLiteral("t"));
    EXPECT_EQ(reopened.size(), 1);
    expectHolds(reopened, 7, 8);
}

TEST(TokenCache, FolderThatCannotExistReportsAProblemAndCountsInMemory) {
    QTemporaryDir dir;
    // A regular file where the folder should be: fails for root too.
    const QString blocker = dir.path() + QStringLiteral("/file");
    {
        QFile f(blocker);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    }
    TokenCache cache(blocker + QStringLiteral("/cache"), QStringLiteral("t"));
    // Constructing does no I/O; the problem is known once the cache is first used.
    EXPECT_TRUE(cache.persistenceProblem().isEmpty());
    for (int i = 0; i < 5; ++i)
        cache.insert(keyFor(i), statsFor(i));
    EXPECT_FALSE(cache.persistenceProblem().isEmpty());
    cache.flush();
    EXPECT_EQ(cache.size(), 5);
    expectHolds(cache, 0, 5);
}

TEST(TokenCache, ReadOnlyFolderReportsAProblem) {
    if (geteuid() == 0)
        GTEST_SKIP() << "root ignores permission bits";
    QTemporaryDir dir;
    ASSERT_EQ(chmod(QFile::encodeName(dir.path()).constData(), 0500), 0);
    TokenCache cache(dir.path(), QStringLiteral("t"));
    EXPECT_FALSE(cache.persistenceProblem().isEmpty());
    cache.insert(keyFor(1), statsFor(1));
    expectHolds(cache, 1, 2);
    chmod(QFile::encodeName(dir.path()).constData(), 0700);
}

// A full disk, simulated with RLIMIT_FSIZE: writes past the limit fail (EFBIG) for
// every user, root included. (A symlink to /dev/full cannot be used: the cache reads
// its file first, and /dev/full reads as endless zeros.)
TEST(TokenCache, FullDiskDisablesPersistenceButNotCounting) {
    QTemporaryDir dir;
    TokenCache cache(dir.path(), QStringLiteral("t"));
    ASSERT_TRUE(cache.persistenceProblem().isEmpty());

    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = old;
    limited.rlim_cur = rlim_t(kHeader + kRecord); // room for one record
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    for (int i = 0; i < 10; ++i)
        cache.insert(keyFor(i), statsFor(i));
    cache.flush();
    const QString problem = cache.persistenceProblem();
    cache.insert(keyFor(10), statsFor(10)); // after the failure: memory only, no new error
    cache.flush();
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);

    EXPECT_FALSE(problem.isEmpty());
    EXPECT_TRUE(problem.contains(QStringLiteral("not saved"))) << problem.toStdString();
    EXPECT_EQ(cache.size(), 11);
    expectHolds(cache, 0, 11);
    EXPECT_LE(fileSize(cache.filePath()), kHeader + kRecord);

    // What did reach the disk is still a usable cache.
    TokenCache reopened(dir.path(), QStringLiteral("t"));
    EXPECT_TRUE(reopened.persistenceProblem().isEmpty());
    EXPECT_LE(reopened.size(), 1);
    if (reopened.size() == 1) {
        EXPECT_TRUE(reopened.find(keyFor(0)).has_value());
    }
}

TEST(TokenCache, ConcurrentInsertsAndLookups) {
    QTemporaryDir dir;
    QList<int> items;
    for (int i = 0; i < 4000; ++i)
        items << i;
    {
        TokenCache cache(dir.path(), QStringLiteral("t"));
        QtConcurrent::blockingMap(items, [&](int i) {
            cache.insert(keyFor(i), statsFor(i));
            const auto hit = cache.find(keyFor(i));
            EXPECT_TRUE(hit.has_value());
        });
        EXPECT_EQ(cache.size(), 4000);
    }
    TokenCache reopened(dir.path(), QStringLiteral("t"));
    EXPECT_EQ(reopened.size(), 4000);
    expectHolds(reopened, 0, 4000);
}
