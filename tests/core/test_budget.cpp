// SPDX-License-Identifier: MIT
// Budget figures, drop priorities and "Fit to budget".
#include "prompt/budget.h"

#include <gtest/gtest.h>

using namespace reposcope::prompt;
using namespace reposcope::repo;
using reposcope::tokenize::FileCount;
using Level = BudgetFigures::Level;

namespace {

struct Built {
    SnapshotPtr snap;
    std::unique_ptr<Selection> sel;
};

// Files with token and line counts; overheads: 0 for folders, `fileOverhead` per file.
Built build(const std::vector<std::tuple<QByteArray, quint32, quint32>> &files,
            qint32 fileOverhead = 0, qint32 dirOverhead = 0) {
    ScanResult r;
    r.info.rootPath = QStringLiteral("/tmp/proj");
    for (const auto &[path, tokens, lines] : files) {
        ScannedFile f;
        f.path = path;
        f.size = tokens * 4;
        r.files.push_back(f);
    }
    Built b;
    b.snap = RepoSnapshot::build(std::move(r));
    std::vector<qint32> overheads(size_t(b.snap->nodeCount()));
    for (int n = 1; n < b.snap->nodeCount(); ++n)
        overheads[size_t(n)] = b.snap->isDirectory(n) ? dirOverhead : fileOverhead;
    b.sel = std::make_unique<Selection>(b.snap, overheads);
    QList<FileCount> batch;
    for (const auto &[path, tokens, lines] : files) {
        FileCount fc;
        fc.node = b.snap->find(path);
        fc.ok = true;
        fc.stats.tokens = tokens;
        fc.stats.lines = lines;
        batch << fc;
    }
    b.sel->applyCounts(batch);
    return b;
}

} // namespace

TEST(Budget, SumsEveryPartAndPricesTheInput) {
    BudgetInput in;
    in.contentTokens = 1000;
    in.packOverheadTokens = 200;
    in.lineNumberTokens = 30;
    in.systemPromptTokens = 40;
    in.imageTokens = 5;
    in.reservedOutputTokens = 725;
    in.contextCap = 4000;
    in.inputPricePerMillion = 2.5;
    const BudgetFigures f = computeBudget(in);
    EXPECT_EQ(f.inputTokens, 1275);
    EXPECT_EQ(f.usedTokens, 2000);
    EXPECT_EQ(f.contextCap, 4000);
    EXPECT_DOUBLE_EQ(f.fraction, 0.5);
    EXPECT_EQ(f.level, Level::Comfortable);
    ASSERT_TRUE(f.inputCost.has_value());
    EXPECT_DOUBLE_EQ(*f.inputCost, 1275 * 2.5 / 1e6);
    EXPECT_EQ(f.overBy(), 0);

    in.inputPricePerMillion.reset();
    EXPECT_FALSE(computeBudget(in).inputCost.has_value()) << "unknown price: no cost shown";
}

TEST(Budget, LevelsNearFrom85PercentOverPast100) {
    BudgetInput in;
    in.contextCap = 1000;
    const auto levelAt = [&](qint64 used) {
        in.contentTokens = used;
        return computeBudget(in).level;
    };
    EXPECT_EQ(levelAt(0), Level::Comfortable);
    EXPECT_EQ(levelAt(849), Level::Comfortable);
    EXPECT_EQ(levelAt(850), Level::Near);
    EXPECT_EQ(levelAt(999), Level::Near);
    EXPECT_EQ(levelAt(1000), Level::Near);
    EXPECT_EQ(levelAt(1001), Level::Over);
    in.contentTokens = 1500;
    EXPECT_EQ(computeBudget(in).overBy(), 500);
    EXPECT_DOUBLE_EQ(computeBudget(in).fraction, 1.5);
    // Reserved output counts against the cap, not as input.
    in.contentTokens = 900;
    in.reservedOutputTokens = 200;
    const BudgetFigures f = computeBudget(in);
    EXPECT_EQ(f.inputTokens, 900);
    EXPECT_EQ(f.level, Level::Over);
    EXPECT_EQ(f.overBy(), 100);
}

TEST(Budget, UnknownCapIsNeverOver) {
    BudgetInput in;
    in.contentTokens = 123456;
    const BudgetFigures f = computeBudget(in);
    EXPECT_EQ(f.fraction, 0.0);
    EXPECT_EQ(f.level, Level::Comfortable);
}

TEST(Budget, DropReasons) {
    const std::pair<const char *, DropReason> cases[] = {
        {"web/app.min.js", DropReason::Generated}, {"api/v1/service.pb.go", DropReason::Generated},
        {"py/msg_pb2.py", DropReason::Generated},  {"src/generated/x.ts", DropReason::Generated},
        {"gen/a.c", DropReason::Generated},        {"Foo.Generated.cs", DropReason::Generated},
        {"tests/test_x.py", DropReason::Test},     {"test/a.c", DropReason::Test},
        {"pkg/a_test.go", DropReason::Test},       {"web/a.test.ts", DropReason::Test},
        {"web/a.spec.ts", DropReason::Test},       {"src/__tests__/a.js", DropReason::Test},
        {"test_main.py", DropReason::Test},        {"testdata/input.txt", DropReason::TestData},
        {"README.md", DropReason::Documentation},  {"docs/guide.html", DropReason::Documentation},
        {"doc/x.rst", DropReason::Documentation},  {"LICENSE", DropReason::Documentation},
        {"CHANGELOG", DropReason::Documentation},  {"notes.txt", DropReason::Documentation},
        {"src/main.c", DropReason::Largest},       {"generator.c", DropReason::Largest},
        {"src/gentle.c", DropReason::Largest},     {"latest/x.c", DropReason::Largest},
        {"mydocs/a.c", DropReason::Largest},
    };
    for (const auto &[path, expected] : cases)
        EXPECT_EQ(int(dropReason(path)), int(expected)) << path;
}

TEST(Budget, FitDropsGeneratedThenTestsThenDocsThenLargestUntilItFits) {
    Built b = build({{"src/big.c", 500, 0},
                     {"src/small.c", 100, 0},
                     {"src/mid.c", 300, 0},
                     {"README.md", 50, 0},
                     {"docs/guide.md", 80, 0},
                     {"tests/test_a.py", 40, 0},
                     {"tests/test_b.py", 60, 0},
                     {"web/app.min.js", 20, 0}});
    ASSERT_EQ(b.sel->selected(0).tokens, 1150);

    // Enough room already: nothing dropped.
    FitResult none = fitToBudget(*b.sel, 50, 1200);
    EXPECT_TRUE(none.fits);
    EXPECT_TRUE(none.dropped.isEmpty());
    EXPECT_EQ(none.tokensFreed, 0);

    // 1150 + 50 fixed = 1200; cap 1000: needs 200 freed.
    // Order: app.min.js (20), test_b (60), test_a (40), guide.md (80) → 200 freed exactly.
    FitResult r = fitToBudget(*b.sel, 50, 1000);
    EXPECT_TRUE(r.fits);
    EXPECT_EQ(r.dropped,
              (QStringList{QStringLiteral("web/app.min.js"), QStringLiteral("tests/test_b.py"),
                           QStringLiteral("tests/test_a.py"), QStringLiteral("docs/guide.md")}));
    EXPECT_EQ(r.tokensFreed, 200);
    EXPECT_EQ(b.sel->selected(0).tokens, 950);
    EXPECT_EQ(b.sel->checkState(b.snap->find("tests")), Qt::Unchecked);

    // Now into the sources, largest first: README (docs) goes before any source.
    FitResult more = fitToBudget(*b.sel, 50, 400);
    EXPECT_EQ(more.dropped, (QStringList{QStringLiteral("README.md"), QStringLiteral("src/big.c"),
                                         QStringLiteral("src/mid.c")}));
    EXPECT_TRUE(more.fits);
    EXPECT_EQ(more.tokensFreed, 850);
    EXPECT_EQ(b.sel->selected(0).tokens, 100);

    // The fixed part alone does not fit: everything goes and it still does not fit.
    FitResult impossible = fitToBudget(*b.sel, 500, 400);
    EXPECT_FALSE(impossible.fits);
    EXPECT_EQ(impossible.dropped, QStringList{QStringLiteral("src/small.c")});
    EXPECT_EQ(b.sel->selected(0).files, 0);
}

TEST(Budget, FitCountsOverheadFolderLinesAndLineNumbers) {
    // Each file costs its tokens + 10 overhead + lines * 0.5; each folder line costs 7.
    Built b = build({{"a/x.c", 100, 40}, {"b/y.c", 100, 40}, {"b/z.c", 10, 2}}, 10, 7);
    // Selected: 210 tokens + 30 file overhead + 14 folder lines + ceil(82 * 0.5) = 41 → 295.
    const Totals &t = b.sel->selected(0);
    ASSERT_EQ(t.tokens + t.overhead, 254);
    FitResult r = fitToBudget(*b.sel, 0, 200, 0.5);
    // a/x.c and b/y.c tie at 100 tokens: stable order keeps pre-order (a/x.c first).
    // Dropping a/x.c frees 100 + 10 + 7 (its folder line) + 20 = 137 → 158 ≤ 200.
    EXPECT_EQ(r.dropped, QStringList{QStringLiteral("a/x.c")});
    EXPECT_EQ(r.tokensFreed, 137);
    EXPECT_TRUE(r.fits);
}
