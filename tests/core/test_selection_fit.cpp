// SPDX-License-Identifier: MIT
// "Fit to budget" on a realistic tree: what goes first, pins, the details list; the
// selection's reset and snapshot/restore used by undo.
#include "prompt/budget.h"

#include <gtest/gtest.h>

using namespace reposcope::prompt;
using namespace reposcope::repo;
using reposcope::tokenize::FileCount;

namespace {

struct Tree {
    SnapshotPtr snap;
    std::unique_ptr<Selection> sel;
};

// Files with token counts; no overheads, so the sums are the tokens alone.
Tree treeOf(const std::vector<std::pair<QByteArray, quint32>> &files,
            const std::vector<QByteArray> &excluded = {}) {
    ScanResult r;
    r.info.rootPath = QStringLiteral("/tmp/proj");
    for (const auto &[path, tokens] : files) {
        ScannedFile f;
        f.path = path;
        f.size = tokens * 4;
        if (std::find(excluded.begin(), excluded.end(), path) != excluded.end())
            f.exclusion = Exclusion::Vendored;
        r.files.push_back(f);
    }
    Tree t;
    t.snap = RepoSnapshot::build(std::move(r));
    t.sel = std::make_unique<Selection>(t.snap, std::vector<qint32>(size_t(t.snap->nodeCount())));
    QList<FileCount> batch;
    for (const auto &[path, tokens] : files) {
        FileCount fc;
        fc.node = t.snap->find(path);
        fc.ok = true;
        fc.stats.tokens = tokens;
        fc.stats.lines = 1;
        batch << fc;
    }
    t.sel->applyCounts(batch);
    return t;
}

// A Go-like tree where the core file is by far the largest.
Tree goLikeTree() {
    return treeOf({{"net/http/server.go", 40000},
                   {"net/http/client.go", 12000},
                   {"net/http/server_test.go", 9000},
                   {"net/http/testdata/index.html", 3000},
                   {"net/http/example_test.go", 2000},
                   {"examples/hello/main.go", 1500},
                   {"bench/http_bench.go", 1200},
                   {"net/http/fixtures/req.txt", 800},
                   {"api/v1/service.pb.go", 5000},
                   {"vendor/golang.org/x/net/idna.go", 7000},
                   {"docs/http.md", 2500},
                   {"foo_test.go", 600},
                   {"README.md", 400}});
}

QStringList paths(const std::vector<DroppedFile> &details) {
    QStringList out;
    for (const DroppedFile &d : details)
        out << d.path + QLatin1Char(' ') + dropReasonLabel(d.reason);
    return out;
}

} // namespace

TEST(SelectionFit, ReasonsOnARealisticTree) {
    const std::pair<const char *, DropReason> cases[] = {
        {"net/http/testdata/x", DropReason::TestData},
        {"src/test_data/a.json", DropReason::TestData},
        {"examples/hello/main.go", DropReason::Example},
        {"samples/bpf/x.c", DropReason::Example},
        {"bench/http_bench.go", DropReason::Benchmark},
        {"benches/parse.rs", DropReason::Benchmark},
        {"tests/fixtures/a.json", DropReason::Fixture}, // fixtures before tests
        {"web/__snapshots__/a.snap", DropReason::Fixture},
        {"vendor/golang.org/x/net/idna.go", DropReason::Vendored},
        {"third_party/zlib/inflate.c", DropReason::Vendored},
        {"foo_test.go", DropReason::Test},
        {"tools/testing/selftests/a.c", DropReason::Test},
        {"docs/http.md", DropReason::Documentation},
        {"Documentation/block/blk-mq.rst", DropReason::Documentation},
        {"net/http/server.go", DropReason::Largest},
        {"block/blk-mq.c", DropReason::Largest},
        {"benchstat/main.go", DropReason::Largest}, // a folder named like it is not enough
        {"vendors.go", DropReason::Largest},
    };
    for (const auto &[path, expected] : cases)
        EXPECT_EQ(dropReasonLabel(dropReason(path)), dropReasonLabel(expected)) << path;
}

TEST(SelectionFit, DropsEverythingElseBeforeTheLargestCoreFile) {
    Tree t = goLikeTree();
    const qint64 all = t.sel->selected(0).tokens;
    ASSERT_EQ(all, 85000);
    // Room for the two core sources only: everything else must go, and
    // net/http/server.go, the largest file, must stay.
    const FitResult r = fitToBudget(*t.sel, 0, 52000);
    EXPECT_TRUE(r.fits);
    EXPECT_EQ(paths(r.details),
              (QStringList{QStringLiteral("net/http/testdata/index.html test data"),
                           QStringLiteral("net/http/example_test.go example"),
                           QStringLiteral("examples/hello/main.go example"),
                           QStringLiteral("bench/http_bench.go benchmark"),
                           QStringLiteral("net/http/fixtures/req.txt fixture"),
                           QStringLiteral("api/v1/service.pb.go generated"),
                           QStringLiteral("vendor/golang.org/x/net/idna.go vendored"),
                           QStringLiteral("net/http/server_test.go test"),
                           QStringLiteral("foo_test.go test"), QStringLiteral("docs/http.md docs"),
                           QStringLiteral("README.md docs")}));
    qint64 freed = 0;
    for (const DroppedFile &d : r.details)
        freed += d.tokens;
    EXPECT_EQ(freed, r.tokensFreed);
    EXPECT_EQ(r.details.front().tokens, 3000);
    EXPECT_EQ(r.tokensFreed, all - 52000);
    EXPECT_EQ(t.sel->checkState(t.snap->find("net/http/server.go")), Qt::Checked);
    EXPECT_EQ(t.sel->checkState(t.snap->find("net/http/client.go")), Qt::Checked);

    // Tighter: now the core sources go, largest first, marked "largest remaining".
    const FitResult tighter = fitToBudget(*t.sel, 0, 20000);
    ASSERT_EQ(tighter.details.size(), 1u);
    EXPECT_EQ(tighter.details[0].path, QStringLiteral("net/http/server.go"));
    EXPECT_EQ(dropReasonLabel(tighter.details[0].reason), QStringLiteral("largest remaining"));
    EXPECT_EQ(tighter.details[0].tokens, 40000);
}

TEST(SelectionFit, PinnedFilesAndFoldersAreKept) {
    Tree t = goLikeTree();
    const int testdata = t.snap->find("net/http/testdata");
    const int server = t.snap->find("net/http/server.go");
    ASSERT_TRUE(t.snap->isDirectory(testdata));
    t.sel->setPinned(testdata, true);
    t.sel->setPinned(server, true);
    EXPECT_TRUE(t.sel->isKept(t.snap->find("net/http/testdata/index.html")));
    EXPECT_TRUE(t.sel->isKept(server));
    EXPECT_FALSE(t.sel->isKept(t.snap->find("net/http/client.go")));
    QList<QByteArray> pinned = t.sel->pinnedPaths();
    std::sort(pinned.begin(), pinned.end());
    EXPECT_EQ(pinned, (QList<QByteArray>{"net/http/server.go", "net/http/testdata"}));

    // Only the pinned ones may remain: 40000 + 3000.
    const FitResult r = fitToBudget(*t.sel, 0, 43000);
    EXPECT_TRUE(r.fits);
    EXPECT_EQ(r.keptPinned, 2);
    EXPECT_EQ(t.sel->selected(0).tokens, 43000);
    for (const DroppedFile &d : r.details) {
        EXPECT_NE(d.path, QStringLiteral("net/http/server.go"));
        EXPECT_NE(d.path, QStringLiteral("net/http/testdata/index.html"));
    }
    // Below what the pins need, it cannot fit, and the pins still stay.
    const FitResult impossible = fitToBudget(*t.sel, 0, 1000);
    EXPECT_FALSE(impossible.fits);
    EXPECT_TRUE(impossible.details.empty());
    EXPECT_EQ(t.sel->selected(0).tokens, 43000);

    t.sel->setPinned(testdata, false);
    EXPECT_FALSE(t.sel->isKept(t.snap->find("net/http/testdata/index.html")));
    EXPECT_EQ(t.sel->pinnedPaths(), QList<QByteArray>{"net/http/server.go"});
}

TEST(SelectionFit, ResetToDefaultsAndRestoreTicks) {
    Tree t = treeOf({{"src/a.c", 10}, {"src/b.c", 20}, {"vendor/v.c", 30}}, {"vendor/v.c"});
    const int a = t.snap->find("src/a.c"), b = t.snap->find("src/b.c");
    const int v = t.snap->find("vendor/v.c");
    ASSERT_EQ(t.sel->selected(0).tokens, 30);
    const std::vector<bool> defaults = t.sel->checkedFiles();
    EXPECT_TRUE(defaults[size_t(a)]);
    EXPECT_FALSE(defaults[size_t(v)]);
    EXPECT_FALSE(defaults[0]); // folders carry no tick of their own

    t.sel->setChecked(v, true); // ticking an excluded file overrides its rule
    t.sel->setChecked(a, false);
    EXPECT_EQ(t.sel->selected(0).tokens, 50);
    t.sel->resetToDefaults();
    EXPECT_EQ(t.sel->checkedFiles(), defaults);
    EXPECT_EQ(t.sel->selected(0).tokens, 30);

    t.sel->setCheckedFiles({a, b, v}, {false, false, true});
    EXPECT_EQ(t.sel->selected(0).tokens, 30);
    EXPECT_EQ(t.sel->checkState(t.snap->find("src")), Qt::Unchecked);
    EXPECT_EQ(t.sel->checkState(v), Qt::Checked);
}
