// SPDX-License-Identifier: MIT
// Selection: tri-state ticks, per-folder sums, globs; checked against a brute-force model.
#include "prompt/selection.h"

#include <QRandomGenerator>

#include <gtest/gtest.h>

#include <map>

using namespace reposcope::prompt;
using namespace reposcope::repo;
using reposcope::tokenize::ContentStats;
using reposcope::tokenize::FileCount;

namespace {

struct Spec {
    QByteArray path;
    qint64 size = 10;
    Exclusion exclusion = Exclusion::None;
    EntryKind kind = EntryKind::File;
};

SnapshotPtr snapshotOf(const std::vector<Spec> &specs) {
    ScanResult r;
    r.info.rootPath = QStringLiteral("/tmp/proj");
    for (const Spec &s : specs) {
        ScannedFile f;
        f.path = s.path;
        f.size = s.size;
        f.exclusion = s.exclusion;
        f.kind = s.kind;
        r.files.push_back(f);
    }
    return RepoSnapshot::build(std::move(r));
}

// Distinct overheads per node so a wrong sum cannot cancel out by accident.
std::vector<qint32> overheadsOf(const RepoSnapshot &s) {
    std::vector<qint32> o(size_t(s.nodeCount()));
    for (int n = 0; n < s.nodeCount(); ++n)
        o[size_t(n)] = n == 0 ? 0 : (s.isDirectory(n) ? 100 + n : 1000 + 7 * n);
    return o;
}

FileCount countOf(int node, quint32 tokens, quint32 lines, bool binary = false,
                  bool generated = false) {
    FileCount fc;
    fc.node = node;
    fc.ok = true;
    fc.stats.tokens = tokens;
    fc.stats.lines = lines;
    fc.stats.binary = binary;
    fc.stats.generated = generated;
    return fc;
}

// The model: what each file should be, maintained by the test from the documented rules.
struct ModelFile {
    bool checked = false;
    Exclusion exclusion = Exclusion::None;
    quint32 tokens = 0;
    quint32 lines = 0;
    bool counted = false;
    bool binary = false; // counted as binary: never selected
};

class Model {
public:
    Model(const RepoSnapshot &s, std::vector<qint32> overheads)
        : snap(s)
        , overhead(std::move(overheads)) {
        for (int n = 0; n < s.nodeCount(); ++n) {
            if (s.isDirectory(n))
                continue;
            ModelFile f;
            f.exclusion = s.file(n).exclusion;
            f.checked = f.exclusion == Exclusion::None;
            files[n] = f;
        }
    }

    void setChecked(int node, bool checked) {
        if (!snap.isDirectory(node)) {
            files[node].checked = checked && !files[node].binary;
            return;
        }
        for (int i = node; i < snap.subtreeEnd(node); ++i)
            if (!snap.isDirectory(i))
                files[i].checked = checked && files[i].exclusion == Exclusion::None;
    }
    void invert() {
        for (auto &[n, f] : files)
            f.checked = !f.checked && f.exclusion == Exclusion::None;
    }
    int glob(const QRegularExpression &rx, bool checked) {
        int changed = 0;
        for (auto &[n, f] : files) {
            if (f.checked == checked || (checked && f.exclusion != Exclusion::None))
                continue;
            if (rx.match(QString::fromUtf8(snap.path(n))).hasMatch()) {
                f.checked = checked;
                ++changed;
            }
        }
        return changed;
    }
    void apply(const FileCount &fc, bool excludeGenerated) {
        ModelFile &f = files[fc.node];
        f.counted = true;
        f.tokens = fc.ok ? fc.stats.tokens : 0;
        f.lines = fc.ok ? fc.stats.lines : 0;
        f.binary = fc.ok && fc.stats.binary;
        if (!fc.ok) {
            // Not counted: not packed either.
            if (f.exclusion == Exclusion::None)
                f.exclusion = Exclusion::Unreadable;
            f.checked = false;
        } else if (fc.stats.binary) {
            f.exclusion = Exclusion::Binary; // even when ticked explicitly
            f.checked = false;
        } else if (f.exclusion == Exclusion::None) {
            if (fc.stats.generated && excludeGenerated)
                f.exclusion = Exclusion::Generated;
            if (f.exclusion != Exclusion::None)
                f.checked = false;
        }
    }

    // Brute force over the whole subtree, no incremental bookkeeping.
    Totals sums(int node, bool selectedOnly) const {
        Totals t;
        for (int i = node; i < snap.subtreeEnd(node); ++i) {
            if (snap.isDirectory(i)) {
                bool any = !selectedOnly;
                for (int j = i; j < snap.subtreeEnd(i) && !any; ++j)
                    any = !snap.isDirectory(j) && files.at(j).checked;
                if (any)
                    t.overhead += overhead[size_t(i)];
                continue;
            }
            const ModelFile &f = files.at(i);
            if (selectedOnly && !f.checked)
                continue;
            t.tokens += f.tokens;
            t.lines += f.lines;
            t.bytes += snap.file(i).size;
            t.overhead += overhead[size_t(i)];
            t.files += 1;
        }
        return t;
    }
    Qt::CheckState state(int node) const {
        if (!snap.isDirectory(node))
            return files.at(node).checked ? Qt::Checked : Qt::Unchecked;
        int eligible = 0, eligibleSel = 0, sel = 0, all = 0;
        for (int i = node; i < snap.subtreeEnd(node); ++i) {
            if (snap.isDirectory(i))
                continue;
            const ModelFile &f = files.at(i);
            ++all;
            sel += f.checked;
            eligible += f.exclusion == Exclusion::None;
            eligibleSel += f.exclusion == Exclusion::None && f.checked;
        }
        if (sel == 0)
            return Qt::Unchecked;
        if ((eligible > 0 && eligibleSel == eligible) || sel == all)
            return Qt::Checked;
        return Qt::PartiallyChecked;
    }

    const RepoSnapshot &snap;
    std::vector<qint32> overhead;
    std::map<int, ModelFile> files;
};

void expectTotalsEq(const Totals &a, const Totals &b, const std::string &what) {
    EXPECT_EQ(a.tokens, b.tokens) << what;
    EXPECT_EQ(a.bytes, b.bytes) << what;
    EXPECT_EQ(a.lines, b.lines) << what;
    EXPECT_EQ(a.overhead, b.overhead) << what;
    EXPECT_EQ(a.files, b.files) << what;
}

void expectMatchesModel(const Selection &sel, const Model &model, const std::string &step) {
    const RepoSnapshot &s = sel.snapshot();
    std::vector<int> expectedSelected;
    int counted = 0;
    for (int n = 0; n < s.nodeCount(); ++n) {
        const std::string where = step + " node " + s.path(n).toStdString();
        expectTotalsEq(sel.selected(n), model.sums(n, true), where + " selected");
        expectTotalsEq(sel.total(n), model.sums(n, false), where + " total");
        EXPECT_EQ(sel.checkState(n), model.state(n)) << where;
        if (!s.isDirectory(n)) {
            const ModelFile &f = model.files.at(n);
            EXPECT_EQ(sel.exclusion(n), f.exclusion) << where;
            EXPECT_EQ(sel.file(n).checked, f.checked) << where;
            if (f.checked)
                expectedSelected.push_back(n);
            counted += f.counted;
        }
    }
    EXPECT_EQ(sel.selectedFiles(), expectedSelected) << step;
    EXPECT_EQ(sel.countedFiles(), counted) << step;
}

} // namespace

TEST(Selection, InitialSelectionIsEveryNonExcludedFile) {
    const auto snap = snapshotOf({{"src/a.c", 5},
                                  {"src/b.c", 7},
                                  {"vendor/x.c", 11, Exclusion::Vendored},
                                  {"package-lock.json", 13, Exclusion::LockFile},
                                  {"README", 17}});
    Selection sel(snap, overheadsOf(*snap));
    const int src = snap->find("src"), vendor = snap->find("vendor");
    EXPECT_EQ(sel.checkState(0), Qt::Checked);
    EXPECT_EQ(sel.checkState(src), Qt::Checked);
    EXPECT_EQ(sel.checkState(vendor), Qt::Unchecked);
    EXPECT_EQ(sel.checkState(snap->find("package-lock.json")), Qt::Unchecked);
    EXPECT_EQ(sel.selected(0).files, 3);
    EXPECT_EQ(sel.selected(0).bytes, 5 + 7 + 17);
    EXPECT_EQ(sel.total(0).files, 5);
    EXPECT_EQ(sel.total(0).bytes, 5 + 7 + 11 + 13 + 17);
    // Overheads: selected files plus the src folder line; vendor's line only in the total.
    const auto o = overheadsOf(*snap);
    const auto at = [&](const char *p) { return qint64(o[size_t(snap->find(p))]); };
    EXPECT_EQ(sel.selected(0).overhead, at("src") + at("src/a.c") + at("src/b.c") + at("README"));
    EXPECT_EQ(sel.total(0).overhead, at("src") + at("vendor") + at("src/a.c") + at("src/b.c") +
                                         at("vendor/x.c") + at("package-lock.json") + at("README"));
    EXPECT_FALSE(sel.fullyCounted());
    EXPECT_EQ(sel.countedFiles(), 0);
}

TEST(Selection, TriStateTransitions) {
    const auto snap = snapshotOf({{"d/a"},
                                  {"d/b"},
                                  {"d/gen.min.js", 10, Exclusion::Generated},
                                  {"e/only-excluded", 10, Exclusion::Vendored}});
    Selection sel(snap, overheadsOf(*snap));
    const int d = snap->find("d"), a = snap->find("d/a"), b = snap->find("d/b");
    const int gen = snap->find("d/gen.min.js"), e = snap->find("e"),
              ex = snap->find("e/only-excluded");

    // Every eligible file selected, the excluded one not: still Checked.
    EXPECT_EQ(sel.checkState(d), Qt::Checked);
    sel.setChecked(a, false);
    EXPECT_EQ(sel.checkState(d), Qt::PartiallyChecked);
    EXPECT_EQ(sel.checkState(0), Qt::PartiallyChecked);
    sel.setChecked(b, false);
    EXPECT_EQ(sel.checkState(d), Qt::Unchecked);
    EXPECT_EQ(sel.checkState(0), Qt::Unchecked);
    EXPECT_EQ(sel.selected(d).overhead, 0); // no folder line without a selected file
    sel.setChecked(d, true);
    EXPECT_EQ(sel.checkState(d), Qt::Checked);
    EXPECT_TRUE(sel.file(a).checked);
    EXPECT_TRUE(sel.file(b).checked);
    EXPECT_FALSE(sel.file(gen).checked) << "ticking a folder must not select excluded files";
    // Ticking the excluded file overrides its reason; the folder stays Checked.
    sel.setChecked(gen, true);
    EXPECT_TRUE(sel.file(gen).checked);
    EXPECT_EQ(sel.exclusion(gen), Exclusion::Generated);
    EXPECT_EQ(sel.checkState(d), Qt::Checked);
    EXPECT_EQ(sel.selected(d).files, 3);
    sel.setChecked(a, false);
    EXPECT_EQ(sel.checkState(d), Qt::PartiallyChecked);
    sel.setChecked(d, false);
    EXPECT_EQ(sel.checkState(d), Qt::Unchecked);
    EXPECT_FALSE(sel.file(gen).checked);
    EXPECT_EQ(sel.selected(d).files, 0);

    // A folder of excluded files only: ticking the folder selects nothing...
    sel.setChecked(e, true);
    EXPECT_EQ(sel.checkState(e), Qt::Unchecked);
    EXPECT_EQ(sel.selected(e).files, 0);
    // ...ticking the file does, and then everything in the folder is selected.
    sel.setChecked(ex, true);
    EXPECT_EQ(sel.checkState(e), Qt::Checked);
    EXPECT_EQ(sel.checkState(0), Qt::PartiallyChecked);
    sel.setChecked(0, true);
    EXPECT_EQ(sel.checkState(0), Qt::Checked);
    EXPECT_FALSE(sel.file(ex).checked) << "ticking the root re-applies exclusions";
    EXPECT_EQ(sel.checkState(e), Qt::Unchecked);
}

TEST(Selection, ApplyCountsUpdatesSumsAndExcludesBinaryAndGenerated) {
    const auto snap = snapshotOf({{"src/a.c", 100},
                                  {"src/logo.png", 200},
                                  {"src/gen.c", 300},
                                  {"src/big.c", 400},
                                  {"lib/v.c", 50, Exclusion::Vendored}});
    const auto overheads = overheadsOf(*snap);
    Selection sel(snap, overheads);
    Model model(*snap, overheads);
    const int a = snap->find("src/a.c"), logo = snap->find("src/logo.png"),
              gen = snap->find("src/gen.c");
    const int big = snap->find("src/big.c"), v = snap->find("lib/v.c");

    // The user ticks the vendored file before its count arrives: counts never undo that.
    sel.setChecked(v, true);
    model.setChecked(v, true);
    QList<FileCount> batch{countOf(a, 30, 3), countOf(logo, 0, 0, true),
                           countOf(v, 9, 1, false, true)};
    sel.applyCounts(batch);
    for (const FileCount &fc : batch)
        model.apply(fc, true);
    expectMatchesModel(sel, model, "first batch");
    EXPECT_EQ(sel.exclusion(logo), Exclusion::Binary);
    EXPECT_FALSE(sel.file(logo).checked);
    EXPECT_TRUE(sel.file(v).checked);
    EXPECT_EQ(sel.exclusion(v), Exclusion::Vendored);
    EXPECT_EQ(sel.selected(0).tokens, 30 + 9);

    // Generated by content, but the caller keeps generated files: stays selected.
    FileCount g = countOf(gen, 50, 5, false, true);
    FileCount failed;
    failed.node = big;
    failed.ok = false;
    failed.stats.tokens = 999; // must be ignored when not ok
    failed.error = QStringLiteral("permission denied");
    sel.applyCounts({g, failed}, false);
    model.apply(g, false);
    model.apply(failed, false);
    expectMatchesModel(sel, model, "second batch");
    EXPECT_EQ(sel.exclusion(gen), Exclusion::None);
    EXPECT_TRUE(sel.file(gen).checked);
    EXPECT_EQ(sel.file(big).problem, QStringLiteral("permission denied"));
    EXPECT_EQ(sel.file(big).stats.tokens, 0u);
    EXPECT_FALSE(sel.file(big).checked) << "what cannot be counted is not packed";
    EXPECT_EQ(sel.exclusion(big), Exclusion::Unreadable);
    EXPECT_TRUE(sel.uncountedSelected().empty());
    sel.setChecked(big, true); // ticked explicitly: selected, and named as uncounted
    model.setChecked(big, true);
    expectMatchesModel(sel, model, "uncounted ticked");
    ASSERT_EQ(sel.uncountedSelected(), std::vector<int>{big});
    EXPECT_EQ(sel.uncountedReason(big), QStringLiteral("permission denied"));
    sel.setChecked(logo, true); // binary: never selected as text
    EXPECT_FALSE(sel.file(logo).checked);
    EXPECT_TRUE(sel.fullyCounted());
    EXPECT_EQ(sel.countedFiles(), 5);

    // A recount of the same file replaces, never adds.
    sel.applyCounts({countOf(a, 40, 4)});
    model.apply(countOf(a, 40, 4), true);
    expectMatchesModel(sel, model, "recount");
    EXPECT_EQ(sel.countedFiles(), 5);
    EXPECT_EQ(sel.selected(snap->find("src")).tokens, 40 + 50);

    // Generated by content with the default rule: excluded and deselected.
    sel.applyCounts({countOf(gen, 50, 5, false, true)});
    model.apply(countOf(gen, 50, 5, false, true), true);
    expectMatchesModel(sel, model, "generated");
    EXPECT_EQ(sel.exclusion(gen), Exclusion::Generated);
}

TEST(Selection, CountableFilesExcludeSymlinksSubmodulesAndGitDir) {
    const auto snap = snapshotOf({{"a"},
                                  {"link", 4, Exclusion::Symlink, EntryKind::Symlink},
                                  {"sub", 0, Exclusion::SubmoduleEntry, EntryKind::Submodule},
                                  {"unreadable", 0, Exclusion::Unreadable}});
    Selection sel(snap, overheadsOf(*snap));
    EXPECT_FALSE(sel.fullyCounted());
    sel.applyCounts({countOf(snap->find("a"), 1, 1)});
    EXPECT_TRUE(sel.fullyCounted());
}

TEST(Selection, InvertFlipsEligibleFilesOnly) {
    const auto snap = snapshotOf({{"a"}, {"b"}, {"x/c"}, {"x/v", 10, Exclusion::Vendored}});
    const auto overheads = overheadsOf(*snap);
    Selection sel(snap, overheads);
    Model model(*snap, overheads);
    sel.setChecked(snap->find("a"), false);
    model.setChecked(snap->find("a"), false);
    sel.setChecked(snap->find("x/v"), true); // an explicit override is dropped by invert
    model.setChecked(snap->find("x/v"), true);
    sel.invert();
    model.invert();
    expectMatchesModel(sel, model, "invert");
    EXPECT_TRUE(sel.file(snap->find("a")).checked);
    EXPECT_FALSE(sel.file(snap->find("b")).checked);
    EXPECT_FALSE(sel.file(snap->find("x/c")).checked);
    EXPECT_FALSE(sel.file(snap->find("x/v")).checked);
    EXPECT_EQ(sel.checkState(snap->find("x")), Qt::Unchecked);
}

TEST(Selection, GlobToRegexIsGitignoreLike) {
    struct Case {
        const char *glob;
        const char *path;
        bool match;
    };
    const Case cases[] = {
        {"*.go", "main.go", true},
        {"*.go", "cmd/tool/main.go", true},
        {"*.go", "main.go.txt", false},
        {"*.go", "main.goo", false},
        {"src/**", "src/a/b/c.txt", true},
        {"src/**", "src/a", true},
        {"src/**", "lib/src/a", false},
        {"src/**", "srcx/a", false},
        {"**/test/*", "test/a.c", true},
        {"**/test/*", "x/y/test/a.c", true},
        {"**/test/*", "x/testing/a.c", false},
        {"/top.txt", "top.txt", true},
        {"/top.txt", "sub/top.txt", false},
        {"top.txt", "sub/top.txt", true},
        {"docs/", "docs/a.md", true},
        {"docs/", "docs/x/b.md", true},
        {"docs/", "mydocs/a.md", false},
        {"a/*.c", "a/b.c", true},
        {"a/*.c", "a/x/b.c", false},
        {"a/*.c", "z/a/b.c", false},
        {"?.c", "x.c", true},
        {"?.c", "xy.c", false},
        {"[ab].c", "a.c", true},
        {"[ab].c", "c.c", false},
        {"[!ab].c", "c.c", true},
        {"[!ab].c", "a.c", false},
        {"a+b(1).txt", "a+b(1).txt", true},
        {"a+b(1).txt", "aab(1).txt", false},
        {"file.txt", "filextxt", false},
        {"[unclosed", "[unclosed", true},
        {"a/**/b", "a/b", true},
        {"a/**/b", "a/x/y/b", true},
        {"a/**/b", "a/xb", false},
        {"build", "build/out/x.o", true}, // a folder's name covers its contents
        {"  *.md  ", "x.md", true},
    };
    for (const Case &c : cases) {
        const QRegularExpression rx = Selection::globToRegex(QString::fromUtf8(c.glob));
        EXPECT_TRUE(rx.isValid()) << c.glob;
        EXPECT_EQ(rx.match(QString::fromUtf8(c.path)).hasMatch(), c.match)
            << "glob " << c.glob << " path " << c.path << " regex " << rx.pattern().toStdString();
    }
}

TEST(Selection, SetCheckedByGlobCountsChangesAndSkipsExcludedWhenSelecting) {
    const auto snap = snapshotOf({{"cmd/main.go"},
                                  {"pkg/a.go"},
                                  {"pkg/a_test.go"},
                                  {"README.md"},
                                  {"vendor/dep.go", 10, Exclusion::Vendored}});
    const auto overheads = overheadsOf(*snap);
    Selection sel(snap, overheads);
    Model model(*snap, overheads);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("*.go"), false), 3);
    model.glob(Selection::globToRegex(QStringLiteral("*.go")), false);
    expectMatchesModel(sel, model, "untick go");
    EXPECT_EQ(sel.selected(0).files, 1);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("*.go"), false), 0) << "nothing left to change";
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("*.go"), true), 3)
        << "the vendored file stays out";
    EXPECT_FALSE(sel.file(snap->find("vendor/dep.go")).checked);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("**/*_test.go"), false), 1);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("pkg/"), false), 1);
    EXPECT_EQ(sel.checkState(snap->find("pkg")), Qt::Unchecked);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("nothing-matches"), true), 0);
    // Unticking by glob does reach an explicitly ticked excluded file.
    sel.setChecked(snap->find("vendor/dep.go"), true);
    EXPECT_EQ(sel.setCheckedByGlob(QStringLiteral("vendor/**"), false), 1);
    EXPECT_EQ(sel.checkState(snap->find("vendor")), Qt::Unchecked);
}

TEST(Selection, SelectOnlySelectsExactlyThosePaths) {
    const auto snap = snapshotOf({{"a"}, {"b/c"}, {"b/d"}, {"v/x", 10, Exclusion::Vendored}});
    Selection sel(snap, overheadsOf(*snap));
    EXPECT_EQ(sel.selectOnly({"b/c", "v/x", "not/there"}), 2);
    EXPECT_EQ(sel.selectedFiles(), (std::vector<int>{snap->find("b/c"), snap->find("v/x")}));
    EXPECT_EQ(sel.checkState(snap->find("b")), Qt::PartiallyChecked);
    EXPECT_EQ(sel.checkState(snap->find("v")), Qt::Checked);
    EXPECT_EQ(sel.selectOnly({}), 0);
    EXPECT_EQ(sel.selected(0).files, 0);
    EXPECT_EQ(sel.selected(0).overhead, 0);
    EXPECT_EQ(sel.checkState(0), Qt::Unchecked);
}

// Property test: a 200-file generated tree, many random operations (fixed seed); after
// every step every node's sums and state equal a brute-force recomputation.
TEST(Selection, RandomOperationsKeepEveryFolderSumExact) {
    QRandomGenerator rng(424242);
    const QList<QByteArray> dirNames{"src", "lib", "test", "docs", "gen", "a", "b"};
    const QList<QByteArray> exts{".c", ".h", ".go", ".md", ".min.js", ".txt"};
    std::vector<Spec> specs;
    QSet<QByteArray> seen;
    const Exclusion reasons[] = {Exclusion::Vendored, Exclusion::LockFile, Exclusion::TooLarge,
                                 Exclusion::UserExcluded};
    while (specs.size() < 200) {
        QByteArray p;
        const int depth = int(rng.bounded(5));
        for (int d = 0; d < depth; ++d)
            p += dirNames[int(rng.bounded(int(dirNames.size())))] + '/';
        p += "f" + QByteArray::number(rng.bounded(40)) + exts[int(rng.bounded(int(exts.size())))];
        if (seen.contains(p))
            continue;
        seen.insert(p);
        Spec s;
        s.path = p;
        s.size = 1 + rng.bounded(100000);
        if (rng.bounded(8) == 0)
            s.exclusion = reasons[rng.bounded(4)];
        specs.push_back(s);
    }
    const auto snap = snapshotOf(specs);
    ASSERT_EQ(snap->fileCount(), 200);
    const auto overheads = overheadsOf(*snap);
    Selection sel(snap, overheads);
    Model model(*snap, overheads);
    expectMatchesModel(sel, model, "initial");

    std::vector<int> fileNodes, dirNodes;
    for (int n = 0; n < snap->nodeCount(); ++n)
        (snap->isDirectory(n) ? dirNodes : fileNodes).push_back(n);
    const QStringList globs{QStringLiteral("*.c"),       QStringLiteral("src/**"),
                            QStringLiteral("**/test/*"), QStringLiteral("docs/"),
                            QStringLiteral("/f1*"),      QStringLiteral("a/*/f?.h"),
                            QStringLiteral("*.min.js"),  QStringLiteral("[ab]/**")};

    for (int step = 0; step < 400; ++step) {
        const int op = int(rng.bounded(7));
        std::string what;
        if (op == 0) {
            const int n = dirNodes[rng.bounded(int(dirNodes.size()))];
            const bool c = rng.bounded(2);
            sel.setChecked(n, c);
            model.setChecked(n, c);
            what = "folder " + snap->path(n).toStdString();
        } else if (op == 1 || op == 2) {
            const int n = fileNodes[rng.bounded(int(fileNodes.size()))];
            const bool c = rng.bounded(2);
            sel.setChecked(n, c);
            model.setChecked(n, c);
            what = "file " + snap->path(n).toStdString();
        } else if (op == 3) {
            const QString g = globs[rng.bounded(int(globs.size()))];
            const bool c = rng.bounded(2);
            const int expected = model.glob(Selection::globToRegex(g), c);
            EXPECT_EQ(sel.setCheckedByGlob(g, c), expected) << g.toStdString();
            what = "glob " + g.toStdString();
        } else if (op == 4) {
            QList<FileCount> batch;
            const int size = 1 + int(rng.bounded(20));
            const bool excludeGenerated = rng.bounded(2);
            for (int i = 0; i < size; ++i) {
                const int n = fileNodes[rng.bounded(int(fileNodes.size()))];
                FileCount fc = countOf(n, rng.bounded(5000), rng.bounded(300), rng.bounded(10) == 0,
                                       rng.bounded(6) == 0);
                if (rng.bounded(15) == 0) {
                    fc.ok = false;
                    fc.error = QStringLiteral("unreadable");
                }
                batch.append(fc);
            }
            sel.applyCounts(batch, excludeGenerated);
            for (const FileCount &fc : batch)
                model.apply(fc, excludeGenerated);
            what = "counts";
        } else if (op == 5) {
            if (rng.bounded(4) == 0) {
                sel.invert();
                model.invert();
                what = "invert";
            } else {
                continue;
            }
        } else {
            QList<QByteArray> paths;
            for (int i = 0, k = int(rng.bounded(10)); i < k; ++i)
                paths << snap->path(fileNodes[rng.bounded(int(fileNodes.size()))]);
            if (rng.bounded(3) != 0)
                continue; // keep selectOnly rare: it resets everything
            const int got = sel.selectOnly(paths);
            int expected = 0;
            for (auto &[n, f] : model.files) {
                f.checked = paths.contains(snap->path(n)) && !f.binary; // binary: never
                expected += f.checked;
            }
            EXPECT_EQ(got, expected);
            what = "selectOnly";
        }
        expectMatchesModel(sel, model, "step " + std::to_string(step) + " " + what);
        if (::testing::Test::HasFailure())
            return;
    }
}
