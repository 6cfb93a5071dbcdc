// SPDX-License-Identifier: MIT
// MapWeights::fromSelection over real scans and real counts (Workspace, EstimatorTokenizer):
// estimates from bytes before counts, exact tokens after, the rule for excluded files; and
// the classifyFileKind table.
#include "prompt/selection.h"
#include "scratchrepo.h"
#include "tokenize/countjob.h"
#include "tokenmap/tokenmaplayout.h"
#include "workspace/workspace.h"
#include "workspacetest.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace reposcope;
using models::FileKind;
using models::MapWeights;
using test::ScratchRepo;

namespace {

class TokenMapWeightsTest : public test::WorkspaceTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
        m_repo.initGit();
        for (int i = 0; i < 12; ++i)
            m_repo.write(QStringLiteral("src/mod%1.go").arg(i),
                         QByteArray("func Handle(w http.ResponseWriter) { w.Write(nil) }\n")
                             .repeated(10 + 15 * i));
        m_repo.write(QStringLiteral("docs/intro.md"),
                     QByteArray("The quick brown fox reads the manual.\n").repeated(80));
        m_repo.write(QStringLiteral("vendor/lib/lib.go"),
                     QByteArray("package lib // vendored\n").repeated(50));
        m_repo.write(QStringLiteral("empty.go"), "");
        // A binary by content (NUL bytes), under the size cap, and one far over it.
        QByteArray binary(200 * 1024, '\0');
        for (int i = 0; i < binary.size(); i += 3)
            binary[i] = char(i * 7);
        m_repo.write(QStringLiteral("assets/blob.bin"), binary);
        m_repo.write(QStringLiteral("assets/huge.dat"), binary.repeated(16)); // 3.2 MB
        m_repo.commitAll();
    }

    qint64 weightOf(const MapWeights &w, const char *path) const {
        const int node = m_workspace->snapshot()->find(path);
        EXPECT_GE(node, 0) << path;
        return node < 0 ? -1 : w.weight[size_t(node)];
    }

    // Folder weights are the sums of their children's.
    static void expectFolderSums(const repo::RepoSnapshot &snap, const MapWeights &w) {
        for (int node = 0; node < snap.nodeCount(); ++node) {
            if (!snap.isDirectory(node))
                continue;
            qint64 sum = 0;
            bool estimated = false;
            for (int row = 0; row < snap.childCount(node); ++row) {
                sum += w.weight[size_t(snap.child(node, row))];
                estimated = estimated || w.estimated[size_t(snap.child(node, row))];
            }
            EXPECT_EQ(w.weight[size_t(node)], sum) << snap.path(node).toStdString();
            EXPECT_EQ(w.estimated[size_t(node)], estimated) << snap.path(node).toStdString();
        }
    }

    ScratchRepo m_repo;
};

TEST_F(TokenMapWeightsTest, EstimatesBeforeCountsThenExactTokensAfter) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    const prompt::Selection &counted = *m_workspace->selection();
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    ASSERT_TRUE(counted.fullyCounted());

    // Before any count: bytes × 0.25, all marked estimated.
    prompt::Selection fresh(snap, std::vector<qint32>(size_t(snap->nodeCount()), 0));
    const auto before = MapWeights::fromSelection(fresh, 3);
    EXPECT_EQ(before->generation, 3u);
    ASSERT_EQ(before->weight.size(), size_t(snap->nodeCount()));
    const int mod5 = snap->find("src/mod5.go");
    EXPECT_EQ(before->weight[size_t(mod5)], std::llround(snap->file(mod5).size * 0.25));
    EXPECT_TRUE(before->estimated[size_t(mod5)]);
    EXPECT_TRUE(before->estimated[0]);
    EXPECT_EQ(weightOf(*before, "empty.go"), 0);
    expectFolderSums(*snap, *before);

    // Half counted (the real counts of src/mod0..5): the rest is estimated at their ratio.
    QList<tokenize::FileCount> batch;
    qint64 tokens = 0, bytes = 0;
    for (int i = 0; i < 6; ++i) {
        tokenize::FileCount fc;
        fc.node = snap->find("src/mod" + QByteArray::number(i) + ".go");
        fc.ok = true;
        fc.stats = counted.file(fc.node).stats;
        ASSERT_GT(fc.stats.tokens, 0u);
        tokens += fc.stats.tokens;
        bytes += snap->file(fc.node).size;
        batch.append(fc);
    }
    fresh.applyCounts(batch);
    const auto half = MapWeights::fromSelection(fresh, 4);
    const double ratio = double(tokens) / double(bytes);
    EXPECT_NE(ratio, 0.25);
    const int mod9 = snap->find("src/mod9.go");
    EXPECT_EQ(half->weight[size_t(mod9)], std::llround(double(snap->file(mod9).size) * ratio));
    EXPECT_TRUE(half->estimated[size_t(mod9)]);
    EXPECT_EQ(half->weight[size_t(mod5)], qint64(counted.file(mod5).stats.tokens));
    EXPECT_FALSE(half->estimated[size_t(mod5)]);
    expectFolderSums(*snap, *half);

    // Fully counted: every text file weighs its tokens, nothing is estimated.
    const auto after = MapWeights::fromSelection(counted, 5);
    for (int node = 0; node < snap->nodeCount(); ++node) {
        EXPECT_FALSE(after->estimated[size_t(node)]) << snap->path(node).toStdString();
        if (snap->isDirectory(node) || counted.exclusion(node) == repo::Exclusion::Binary ||
            counted.exclusion(node) == repo::Exclusion::TooLarge)
            continue;
        EXPECT_EQ(after->weight[size_t(node)], counted.total(node).tokens)
            << snap->path(node).toStdString();
    }
    EXPECT_GT(weightOf(*after, "vendor/lib/lib.go"), 0); // vendored but counted: its tokens
    EXPECT_EQ(counted.exclusion(snap->find("vendor/lib/lib.go")), repo::Exclusion::Vendored);
    expectFolderSums(*snap, *after);
}

// Binary and over-cap files stay on the map (weight > 0, their reason intact) but weigh
// no more than the largest text file and never more than kOpaqueCapTokens.
TEST_F(TokenMapWeightsTest, ExcludedFilesStayVisibleWithoutSwallowingTheMap) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    const prompt::Selection &sel = *m_workspace->selection();
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    const int blob = snap->find("assets/blob.bin");
    const int huge = snap->find("assets/huge.dat");
    EXPECT_EQ(sel.exclusion(blob), repo::Exclusion::Binary);
    // Over the cap by the scan; the count may have found it binary too.
    EXPECT_TRUE(sel.exclusion(huge) == repo::Exclusion::TooLarge ||
                sel.exclusion(huge) == repo::Exclusion::Binary);
    const auto w = MapWeights::fromSelection(sel, 1);
    qint64 largestText = 0;
    for (int i = 0; i < 12; ++i)
        largestText = std::max(
            largestText,
            weightOf(*w, QByteArray("src/mod" + QByteArray::number(i) + ".go").constData()));
    largestText = std::max(largestText, weightOf(*w, "docs/intro.md"));
    for (int node : {blob, huge}) {
        EXPECT_GT(w->weight[size_t(node)], 0);
        EXPECT_LE(w->weight[size_t(node)], largestText);
        EXPECT_LE(w->weight[size_t(node)], MapWeights::kOpaqueCapTokens);
        EXPECT_FALSE(w->estimated[size_t(node)]);
    }
    // Their bytes alone would have been most of the map.
    EXPECT_GT(snap->file(huge).size / 4, w->weight[0]);
    // And they are on the map, where a click finds them.
    const models::MapLayout layout = models::layoutTokenMap(*snap, *w, 0, {1200, 800});
    bool blobShown = false, hugeShown = false;
    for (const models::MapRect &r : layout.rects) {
        blobShown = blobShown || r.node == blob;
        hugeShown = hugeShown || r.node == huge;
    }
    EXPECT_TRUE(blobShown);
    EXPECT_TRUE(hugeShown);
}

// Before counting, a binary is only known as over the cap (or not at all): the over-cap
// one is capped at once; the small one is estimated like text until its count says binary.
TEST_F(TokenMapWeightsTest, OverCapFilesAreCappedBeforeCounting) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    const repo::SnapshotPtr s = m_workspace->snapshot();
    const prompt::Selection fresh(s, std::vector<qint32>(size_t(s->nodeCount()), 0));
    const auto w = MapWeights::fromSelection(fresh, 1);
    const int huge = s->find("assets/huge.dat");
    EXPECT_EQ(fresh.exclusion(huge), repo::Exclusion::TooLarge);
    EXPECT_LE(w->weight[size_t(huge)], MapWeights::kOpaqueCapTokens);
    EXPECT_GT(w->weight[size_t(huge)], 0);
    EXPECT_FALSE(w->estimated[size_t(huge)]);
    const int blob = s->find("assets/blob.bin");
    EXPECT_TRUE(w->estimated[size_t(blob)]);
}

struct KindCase {
    const char *path;
    repo::Exclusion exclusion;
    FileKind kind;
};

TEST(ClassifyFileKind, Table) {
    using E = repo::Exclusion;
    const KindCase cases[] = {
        {"kernel/sched/core.c", E::None, FileKind::Code},
        {"include/linux/sched.h", E::None, FileKind::Code},
        {"arch/x86/entry/entry_64.S", E::None, FileKind::Code},
        {"src/App.tsx", E::None, FileKind::Code},
        {"main.go", E::None, FileKind::Code},
        {"net/http/server_test.go", E::None, FileKind::Tests},
        {"pkg/test_parser.py", E::None, FileKind::Tests},
        {"web/button.test.ts", E::None, FileKind::Tests},
        {"web/button.spec.js", E::None, FileKind::Tests},
        {"src/main/java/com/acme/ParserTest.java", E::None, FileKind::Tests},
        {"tests/helpers.rs", E::None, FileKind::Tests},
        {"src/test/java/Util.java", E::None, FileKind::Tests},
        {"internal/testdata/input.json", E::None, FileKind::Tests},
        {"ui/__tests__/App.jsx", E::None, FileKind::Tests},
        {"spec/models/user_spec.rb", E::None, FileKind::Tests},
        {"tools/testing/selftests/bpf/prog.c", E::None, FileKind::Tests},
        {"docs/examples/test_demo.py", E::None, FileKind::Tests}, // tests win over docs
        {"README.md", E::None, FileKind::Docs},
        {"Documentation/admin-guide/README.rst", E::None, FileKind::Docs},
        {"docs/conf.py", E::None, FileKind::Docs},
        {"notes.txt", E::None, FileKind::Docs},
        {"guide.adoc", E::None, FileKind::Docs},
        {"LICENSE", E::None, FileKind::Docs},
        {"COPYING", E::None, FileKind::Docs},
        {"package.json", E::None, FileKind::Config},
        {"config/app.yaml", E::None, FileKind::Config},
        {".github/workflows/ci.yml", E::None, FileKind::Config},
        {"Cargo.toml", E::None, FileKind::Config},
        {"setup.ini", E::None, FileKind::Config},
        {"pom.xml", E::None, FileKind::Config},
        {"Makefile", E::None, FileKind::Config},
        {"drivers/net/Kconfig", E::None, FileKind::Config},
        {"CMakeLists.txt", E::None, FileKind::Config}, // not a .txt document
        {"deploy/Dockerfile", E::None, FileKind::Config},
        {".gitignore", E::None, FileKind::Config},
        {"package-lock.json", E::LockFile, FileKind::Generated},
        {"dist/app.min.js", E::Generated, FileKind::Generated},
        {"node_modules/react/index.js", E::Vendored, FileKind::Vendored},
        {"vendor/github.com/x/y_test.go", E::Vendored, FileKind::Vendored},
        {"assets/logo.png", E::None, FileKind::Other},
        {"bin/tool", E::None, FileKind::Other},
        {"latest.c", E::None, FileKind::Code}, // "test" inside a word is not a test
        {"contest/main.c", E::None, FileKind::Code},
        {"Protest.java", E::None, FileKind::Code}, // "…test" needs a capital T after a lowercase
    };
    for (const KindCase &c : cases) {
        EXPECT_EQ(models::classifyFileKind(QByteArray(c.path), c.exclusion), c.kind) << c.path;
    }
}

} // namespace
