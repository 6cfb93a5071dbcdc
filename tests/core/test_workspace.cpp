// SPDX-License-Identifier: MIT
// Workspace: open → opened → counting → countingFinished, failures, re-opening, cache.
#include "scratchrepo.h"
#include "tokenize/estimatortokenizer.h"
#include "tokenize/tokencache.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace reposcope;
using namespace reposcope::workspace;
using reposcope::test::ScratchRepo;

namespace {

repo::ScanOptions optionsFor(const QString &path) {
    repo::ScanOptions o;
    o.path = path;
    return o;
}

// Waits until countingFinished arrives with cancelled == false.
bool waitForCounts(QSignalSpy &finished) {
    for (;;) {
        for (const QList<QVariant> &args : std::as_const(finished))
            if (!args.at(0).toBool())
                return true;
        if (!finished.wait(60000))
            return false;
    }
}

// Selected totals computed independently: EstimatorTokenizer over each file's bytes.
qint64 expectedTokens(const ScratchRepo &repo, const prompt::Selection &sel) {
    const tokenize::EstimatorTokenizer tok;
    qint64 sum = 0;
    for (int n : sel.selectedFiles()) {
        QFile f(repo.filePath(QString::fromUtf8(sel.snapshot().path(n))));
        EXPECT_TRUE(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        sum += tok.count(std::string_view(content.constData(), size_t(content.size())));
    }
    return sum;
}

} // namespace

TEST(Workspace, OpenScansThenCountsEverything) {
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("src/main.c"), "int main(void) {\n    return 0;\n}\n");
    repo.write(QStringLiteral("src/util.c"), "static int x = 42;\n");
    repo.write(QStringLiteral("README.md"), "# Title\n\nSome words here.\n");
    repo.write(QStringLiteral("logo.png"), QByteArray("\x89PNG\0\0\0", 7));
    repo.write(QStringLiteral("package-lock.json"), "{}\n");
    repo.commitAll();
    QTemporaryDir cacheDir;
    QThreadPool pool;
    Workspace ws(&pool, std::make_shared<tokenize::EstimatorTokenizer>(), cacheDir.path());
    QSignalSpy started(&ws, &Workspace::scanStarted);
    QSignalSpy opened(&ws, &Workspace::opened);
    QSignalSpy applied(&ws, &Workspace::countsApplied);
    QSignalSpy finished(&ws, &Workspace::countingFinished);
    QSignalSpy failed(&ws, &Workspace::scanFailed);
    ws.open(optionsFor(repo.path()));
    EXPECT_EQ(started.size(), 1);
    EXPECT_TRUE(ws.isBusy());
    ASSERT_TRUE(waitForCounts(finished));
    EXPECT_EQ(opened.size(), 1);
    EXPECT_TRUE(failed.isEmpty());
    EXPECT_FALSE(ws.isBusy());

    prompt::Selection *sel = ws.selection();
    ASSERT_NE(sel, nullptr);
    const repo::RepoSnapshot &snap = sel->snapshot();
    EXPECT_TRUE(sel->fullyCounted());
    EXPECT_EQ(sel->countedFiles(), 5);
    QSet<int> appliedNodes;
    for (const QList<QVariant> &args : std::as_const(applied))
        for (int n : args.at(0).value<QList<int>>())
            appliedNodes.insert(n);
    EXPECT_EQ(appliedNodes.size(), 5);
    // The binary file was excluded by its content; the lock file by the scan.
    EXPECT_EQ(sel->exclusion(snap.find("logo.png")), repo::Exclusion::Binary);
    EXPECT_EQ(sel->exclusion(snap.find("package-lock.json")), repo::Exclusion::LockFile);
    const std::vector<int> expectedSelection{snap.find("src/main.c"), snap.find("src/util.c"),
                                             snap.find("README.md")};
    EXPECT_EQ(sel->selectedFiles(), expectedSelection);
    EXPECT_EQ(sel->selected(0).tokens, expectedTokens(repo, *sel));
    EXPECT_GT(sel->selected(0).tokens, 0);
    EXPECT_GT(ws.fixedOverhead(), 0);
    EXPECT_TRUE(ws.cacheProblem().isEmpty());
    EXPECT_EQ(ws.snapshot().get(), &snap);
}

TEST(Workspace, MissingPathFailsTheScan) {
    QTemporaryDir dir;
    QThreadPool pool;
    Workspace ws(&pool, std::make_shared<tokenize::EstimatorTokenizer>(), QString());
    QSignalSpy opened(&ws, &Workspace::opened);
    QSignalSpy failed(&ws, &Workspace::scanFailed);
    ws.open(optionsFor(dir.path() + QStringLiteral("/does/not/exist")));
    ASSERT_TRUE(failed.wait(60000));
    const auto error = failed.first().first().value<reposcope::Error>();
    EXPECT_EQ(error.code, reposcope::Error::Code::NotFound);
    EXPECT_FALSE(error.message.isEmpty());
    EXPECT_TRUE(opened.isEmpty());
    EXPECT_EQ(ws.selection(), nullptr);
    EXPECT_FALSE(ws.isBusy());
}

TEST(Workspace, SecondOpenWhileBusyReplacesTheFirst) {
    ScratchRepo first, second;
    for (int i = 0; i < 1500; ++i)
        first.write(QStringLiteral("d%1/f%2.txt").arg(i % 10).arg(i),
                    QByteArray("some text\n").repeated(20));
    second.write(QStringLiteral("only.txt"), "just one file\n");
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    Workspace ws(&pool, std::make_shared<tokenize::EstimatorTokenizer>(), QString());
    QSignalSpy opened(&ws, &Workspace::opened);
    QSignalSpy finished(&ws, &Workspace::countingFinished);

    // While the first is still scanning.
    ws.open(optionsFor(first.path()));
    ws.open(optionsFor(second.path()));
    ASSERT_TRUE(waitForCounts(finished));
    QCoreApplication::processEvents(); // deliver anything stale from the first open
    EXPECT_EQ(opened.size(), 1);
    ASSERT_NE(ws.selection(), nullptr);
    EXPECT_EQ(ws.snapshot()->info().rootPath, second.path());
    EXPECT_EQ(ws.snapshot()->fileCount(), 1);
    EXPECT_EQ(ws.selection()->selected(0).tokens, expectedTokens(second, *ws.selection()));

    // While the first is counting.
    ws.open(optionsFor(first.path()));
    ASSERT_TRUE(opened.wait(60000));
    EXPECT_EQ(ws.snapshot()->fileCount(), 1500);
    const qsizetype before = finished.size();
    ws.open(optionsFor(second.path()));
    ASSERT_TRUE(opened.wait(60000));
    // Wait for the second's uncancelled finish, after whatever the first reported.
    for (;;) {
        bool done = false;
        for (qsizetype i = before; i < finished.size(); ++i)
            done = done || !finished.at(i).at(0).toBool();
        if (done)
            break;
        ASSERT_TRUE(finished.wait(60000));
    }
    EXPECT_EQ(ws.snapshot()->info().rootPath, second.path());
    EXPECT_TRUE(ws.selection()->fullyCounted());
    EXPECT_EQ(ws.selection()->selected(0).tokens, expectedTokens(second, *ws.selection()));
    EXPECT_FALSE(ws.isBusy());
}

// Counts survive the workspace: a second session over the same cache folder gets every
// file from the cache.
TEST(Workspace, CountsAreCachedForTheNextSession) {
    ScratchRepo repo;
    for (int i = 0; i < 40; ++i)
        repo.write(QStringLiteral("src/f%1.c").arg(i),
                   "int f" + QByteArray::number(i) + "(void);\n");
    QTemporaryDir cacheDir;
    QThreadPool pool;
    const auto tokenizer = std::make_shared<tokenize::EstimatorTokenizer>();
    qint64 firstTokens = 0;
    {
        Workspace ws(&pool, tokenizer, cacheDir.path());
        QSignalSpy finished(&ws, &Workspace::countingFinished);
        ws.open(optionsFor(repo.path()));
        ASSERT_TRUE(waitForCounts(finished));
        firstTokens = ws.selection()->selected(0).tokens;
        EXPECT_EQ(firstTokens, expectedTokens(repo, *ws.selection()));
    }
    // The next session, observed through its own CountJob on the same cache folder.
    auto opened = openRepository(optionsFor(repo.path()), *tokenizer,
                                 prompt::PackFormat(prompt::PackOptions{}), nullptr);
    ASSERT_TRUE(opened.ok());
    auto cache = std::make_shared<tokenize::TokenCache>(cacheDir.path(), tokenizer->id());
    // The 40 files, and the price of each node's distinct pack text (folders of one name at
    // one depth share theirs).
    const prompt::PackFormat format{prompt::PackOptions{}};
    QSet<QByteArray> texts;
    for (int node = 1; node < opened->snapshot->nodeCount(); ++node)
        texts.insert(format.nodeOverheadText(*opened->snapshot, node));
    EXPECT_EQ(cache->size(), 40 + texts.size());
    tokenize::CountJob job(opened->snapshot, tokenizer, cache, &pool);
    int reports = 0, fromCache = 0;
    qint64 tokens = 0;
    QObject::connect(&job, &tokenize::CountJob::batchReady, &job,
                     [&](const QList<tokenize::FileCount> &b) {
                         for (const tokenize::FileCount &fc : b) {
                             ++reports;
                             fromCache += fc.fromCache;
                             tokens += fc.stats.tokens;
                         }
                     });
    QSignalSpy done(&job, &tokenize::CountJob::finished);
    job.start();
    if (done.isEmpty()) {
        ASSERT_TRUE(done.wait(60000));
    }
    EXPECT_EQ(reports, 40);
    EXPECT_EQ(fromCache, 40);
    EXPECT_EQ(tokens, firstTokens);

    // And a second Workspace on that folder reaches the same totals.
    Workspace again(&pool, tokenizer, cacheDir.path());
    QSignalSpy finished(&again, &Workspace::countingFinished);
    again.open(optionsFor(repo.path()));
    ASSERT_TRUE(waitForCounts(finished));
    EXPECT_EQ(again.selection()->selected(0).tokens, firstTokens);
}

TEST(Workspace, OpenRepositoryPricesEveryNode) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a/b.txt"), "b\n");
    repo.write(QStringLiteral("c.txt"), "c\n");
    const tokenize::EstimatorTokenizer tok;
    const prompt::PackFormat format{prompt::PackOptions{}};
    auto opened = openRepository(optionsFor(repo.path()), tok, format, nullptr);
    ASSERT_TRUE(opened.ok()) << opened.error().message.toStdString();
    const repo::RepoSnapshot &snap = *opened->snapshot;
    ASSERT_EQ(opened->nodeOverheads.size(), size_t(snap.nodeCount()));
    EXPECT_EQ(opened->nodeOverheads[0], 0);
    // Folder "a": its tree line "a/\n".
    const int a = snap.find("a");
    EXPECT_EQ(opened->nodeOverheads[size_t(a)], tok.count("a/\n"));
    // File "a/b.txt": tree line + file header and footer.
    const int b = snap.find("a/b.txt");
    EXPECT_EQ(opened->nodeOverheads[size_t(b)],
              tok.count("  b.txt\n<file path=\"a/b.txt\">\n</file>\n\n"));
    EXPECT_EQ(opened->fixedOverhead, format.fixedOverhead(snap.name(0), tok));

    std::atomic_bool cancel{true};
    auto cancelled = openRepository(optionsFor(repo.path()), tok, format, &cancel);
    ASSERT_FALSE(cancelled.ok());
    EXPECT_EQ(cancelled.error().code, reposcope::Error::Code::Cancelled);
}

// Prices come from the cache when it knows them (a seeded, deliberately wrong figure shows
// that the lookup is used), and what is priced is remembered there.
TEST(Workspace, PricesGoThroughTheCache) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a/b.txt"), "b\n");
    repo.write(QStringLiteral("a/c/d.txt"), "d\n");
    repo.write(QStringLiteral("e.txt"), "e\n");
    const tokenize::EstimatorTokenizer tok;
    const prompt::PackFormat format{prompt::PackOptions{}};
    auto plain = openRepository(optionsFor(repo.path()), tok, format, nullptr);
    ASSERT_TRUE(plain.ok());
    const repo::RepoSnapshot &snap = *plain->snapshot;
    const int b = snap.find("a/b.txt");

    tokenize::TokenCache cache(QString(), tok.id()); // in memory
    tokenize::ContentStats seeded;
    seeded.tokens = 4242;
    cache.insert(tokenize::textKey(format.nodeOverheadText(snap, b)), seeded);
    auto cached = openRepository(optionsFor(repo.path()), tok, format, nullptr, &cache);
    ASSERT_TRUE(cached.ok());
    ASSERT_EQ(cached->nodeOverheads.size(), plain->nodeOverheads.size());
    for (int node = 0; node < snap.nodeCount(); ++node) {
        if (node == b)
            EXPECT_EQ(cached->nodeOverheads[size_t(node)], 4242);
        else
            EXPECT_EQ(cached->nodeOverheads[size_t(node)], plain->nodeOverheads[size_t(node)])
                << snap.path(node).toStdString();
    }
    EXPECT_EQ(cache.size(), snap.nodeCount() - 1); // every node but the root
    // A file's content equal to a pack text does not meet its price.
    EXPECT_FALSE(cache.find(tokenize::contentKey(format.nodeOverheadText(snap, b))));
}

TEST(WorkspaceTokenizer, SwitchingTokenizerKeepsTheSelectionAndRecounts) {
    using namespace reposcope;
    test::ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("a.txt"), "alpha beta gamma\n");
    repo.write(QStringLiteral("b.txt"), "delta\n");
    repo.write(QStringLiteral("c/d.txt"), "epsilon zeta\n");
    repo.commitAll();
    QTemporaryDir cache;
    QThreadPool pool;
    workspace::Workspace ws(&pool, std::make_shared<const tokenize::EstimatorTokenizer>(),
                            cache.path());
    QSignalSpy finished(&ws, &workspace::Workspace::countingFinished);
    repo::ScanOptions options;
    options.path = repo.path();
    ws.open(options);
    ASSERT_TRUE(finished.wait(60000));
    ws.selection()->setChecked(ws.snapshot()->find("b.txt"), false);

    // A tokenizer that counts bytes: different id, different figures.
    struct ByteCounter final : tokenize::Tokenizer {
        QString id() const override { return QStringLiteral("bytes-v1"); }
        QString displayName() const override { return QStringLiteral("bytes"); }
        bool isExact() const override { return true; }
        qint64 count(std::string_view utf8) const override { return qint64(utf8.size()); }
    };
    ws.setTokenizer(std::make_shared<const ByteCounter>(), true);
    EXPECT_TRUE(ws.countsAreExact());
    ASSERT_TRUE(finished.wait(60000));
    EXPECT_EQ(ws.tokenizer().id(), QStringLiteral("bytes-v1"));
    const prompt::Selection &sel = *ws.selection();
    EXPECT_TRUE(sel.file(ws.snapshot()->find("a.txt")).checked);
    EXPECT_FALSE(sel.file(ws.snapshot()->find("b.txt")).checked);
    EXPECT_TRUE(sel.file(ws.snapshot()->find("c/d.txt")).checked);
    EXPECT_EQ(sel.selected(0).tokens,
              qint64(sizeof("alpha beta gamma\n") - 1 + sizeof("epsilon zeta\n") - 1));
}

// While the chosen model's tokenizer loads, the figures on screen may be the old tokenizer's:
// the count state says Counting until the tokenizer arrives, and Complete again when it turns
// out to be the same one.
TEST(WorkspaceTokenizer, APendingTokenizerMakesTheCountsProvisional) {
    using namespace reposcope;
    test::ScratchRepo repo;
    repo.write(QStringLiteral("a.txt"), "alpha beta gamma\n");
    QTemporaryDir cache;
    QThreadPool pool;
    const auto estimator = std::make_shared<const tokenize::EstimatorTokenizer>();
    workspace::Workspace ws(&pool, estimator, cache.path());
    QSignalSpy finished(&ws, &workspace::Workspace::countingFinished);
    repo::ScanOptions options;
    options.path = repo.path();
    ws.open(options);
    ASSERT_TRUE(waitForCounts(finished));
    ASSERT_EQ(ws.countState().phase, workspace::CountState::Phase::Complete);

    QSignalSpy changed(&ws, &workspace::Workspace::countStateChanged);
    ws.setTokenizerPending();
    EXPECT_EQ(ws.countState().phase, workspace::CountState::Phase::Counting);
    EXPECT_EQ(changed.size(), 1);
    ws.setTokenizerPending(); // still the same pending load: nothing new to say
    EXPECT_EQ(changed.size(), 1);

    ws.setTokenizer(estimator, false); // the same tokenizer: the figures were final after all
    EXPECT_EQ(ws.countState().phase, workspace::CountState::Phase::Complete);
    EXPECT_EQ(changed.size(), 2);
}

// The reported fault: a file rewritten with the same size and its old mtime put back kept the
// old content's cached count while the pack sent the new content. The next open counts the
// new bytes.
TEST(Workspace, RewriteWithSameSizeAndMtimeIsRecounted) {
    ScratchRepo repo;
    repo.initGit();
    const QString name = QStringLiteral("a.txt");
    const QByteArray oldText = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    const QByteArray newText = "a, b; c. d! e? f: g- h+ i= j* k/ l% m& n| o^ p~ q< r> s@ t# u$$\n";
    ASSERT_EQ(oldText.size(), newText.size());
    const tokenize::EstimatorTokenizer tok;
    ASSERT_NE(tok.count(std::string_view(oldText.constData(), size_t(oldText.size()))),
              tok.count(std::string_view(newText.constData(), size_t(newText.size()))));
    repo.write(name, oldText);
    repo.commitAll();
    repo.settleIndex();

    QTemporaryDir cacheDir;
    QThreadPool pool;
    const auto tokenizer = std::make_shared<tokenize::EstimatorTokenizer>();
    {
        Workspace ws(&pool, tokenizer, cacheDir.path());
        QSignalSpy finished(&ws, &Workspace::countingFinished);
        ws.open(optionsFor(repo.path()));
        ASSERT_TRUE(waitForCounts(finished));
        EXPECT_EQ(ws.selection()->selected(0).tokens, expectedTokens(repo, *ws.selection()));
    }
    const QByteArray path = QFile::encodeName(repo.filePath(name));
    struct stat before {};
    ASSERT_EQ(::stat(path.constData(), &before), 0);
    sleep(1); // a ctime of its own
    repo.write(name, newText);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.constData(), times, 0), 0);

    Workspace again(&pool, tokenizer, cacheDir.path());
    QSignalSpy finished(&again, &Workspace::countingFinished);
    again.open(optionsFor(repo.path()));
    ASSERT_TRUE(waitForCounts(finished));
    EXPECT_EQ(again.selection()->selected(0).tokens,
              tok.count(std::string_view(newText.constData(), size_t(newText.size()))));
}
