// SPDX-License-Identifier: MIT
#include "repo/exclusionrules.h"
#include "repo/ignorerules.h"
#include "repo/wildmatch.h"

#include <gtest/gtest.h>

using namespace reposcope::repo;

TEST(Wildmatch, MatchesLikeGit) {
    EXPECT_TRUE(wildmatch("*.c", "foo.c", true));
    EXPECT_FALSE(wildmatch("*.c", "dir/foo.c", true));
    EXPECT_TRUE(wildmatch("*.c", "dir/foo.c", false));
    EXPECT_TRUE(wildmatch("**/foo", "a/b/foo", true));
    EXPECT_TRUE(wildmatch("**/foo", "foo", true));
    EXPECT_TRUE(wildmatch("a/**/b", "a/b", true));
    EXPECT_TRUE(wildmatch("a/**/b", "a/x/y/b", true));
    EXPECT_FALSE(wildmatch("a/**/b", "a/xb", true));
    EXPECT_TRUE(wildmatch("abc/**", "abc/x/y", true));
    EXPECT_FALSE(wildmatch("abc/**", "abc", true));
    EXPECT_TRUE(wildmatch("foo?ar", "foobar", true));
    EXPECT_FALSE(wildmatch("foo?ar", "foo/ar", true));
    EXPECT_TRUE(wildmatch("[a-c]x", "bx", true));
    EXPECT_FALSE(wildmatch("[!a-c]x", "bx", true));
    EXPECT_TRUE(wildmatch("[^a-c]x", "dx", true));
    EXPECT_TRUE(wildmatch("[]]", "]", true));
    EXPECT_TRUE(wildmatch("[[:digit:]]*", "7up", true));
    EXPECT_TRUE(wildmatch("\\#x", "#x", true));
    EXPECT_TRUE(wildmatch("\\*", "*", true));
    EXPECT_FALSE(wildmatch("\\*", "a", true));
    EXPECT_TRUE(wildmatch("a*/b", "abc/b", true));
    EXPECT_FALSE(wildmatch("a*/b", "abc/d/b", true));
    EXPECT_TRUE(wildmatch("**", "a/b/c", true));
    EXPECT_FALSE(wildmatch("[[:bogus:]]", "a", true));
}

TEST(IgnoreRules, ParsesLikeGit) {
    const IgnoreList list = IgnoreList::parse(
        "\xEF\xBB\xBF# comment\r\n*.o\r\n!keep.o\nbuild/\n/root.txt\n\\#hash\ntrail  \n"
        "esc\\ \n\n",
        {});
    ASSERT_EQ(list.patterns.size(), 7u);
    EXPECT_EQ(list.patterns[0].pattern, "*.o");
    EXPECT_TRUE(list.patterns[0].endsWith);
    EXPECT_TRUE(list.patterns[1].negative);
    EXPECT_TRUE(list.patterns[2].mustBeDir);
    EXPECT_TRUE(list.patterns[2].noDir);
    EXPECT_EQ(list.patterns[3].pattern, "root.txt");
    EXPECT_FALSE(list.patterns[3].noDir);
    EXPECT_EQ(list.patterns[4].pattern, "\\#hash");
    EXPECT_EQ(list.patterns[5].pattern, "trail");
    EXPECT_EQ(list.patterns[6].pattern, "esc\\ ");

    IgnoreStack stack;
    stack.push(std::make_shared<IgnoreList>(list));
    EXPECT_TRUE(stack.isIgnored("a.o", false));
    EXPECT_FALSE(stack.isIgnored("keep.o", false));
    EXPECT_TRUE(stack.isIgnored("build", true));
    EXPECT_FALSE(stack.isIgnored("build", false));
    EXPECT_TRUE(stack.isIgnored("root.txt", false));
    EXPECT_FALSE(stack.isIgnored("sub/root.txt", false));
    EXPECT_TRUE(stack.isIgnored("#hash", false));
    EXPECT_TRUE(stack.isIgnored("esc ", false));
}

TEST(IgnoreRules, DeeperListsWinOverGlobals) {
    IgnoreStack stack;
    IgnoreList global;
    global.addPattern("*.log");
    stack.addGlobal(global);
    stack.push(std::make_shared<IgnoreList>(IgnoreList::parse("*.tmp\n", {})));
    EXPECT_TRUE(stack.isIgnored("a.log", false));
    // Inside d/: its own list comes first.
    stack.push(std::make_shared<IgnoreList>(IgnoreList::parse("!*.log\n/x.tmp\n!y.tmp\n", "d/")));
    EXPECT_FALSE(stack.isIgnored("d/a.log", false));
    EXPECT_TRUE(stack.isIgnored("d/x.tmp", false));
    EXPECT_FALSE(stack.isIgnored("d/y.tmp", false));
    EXPECT_TRUE(stack.isIgnored("d/z.tmp", false));
    stack.pop();
    EXPECT_TRUE(stack.isIgnored("x.tmp", false));
}

TEST(ExclusionRules, DefaultsAndGlobs) {
    ScanOptions opts;
    opts.sizeCap = 100;
    opts.excludeGlobs = {QStringLiteral("docs/"), QStringLiteral("**/test/*")};
    const ExclusionRules rules(opts);
    EXPECT_EQ(rules.classify("src/main.cpp", 10), Exclusion::None);
    EXPECT_EQ(rules.classify("src/main.cpp", 101), Exclusion::TooLarge);
    EXPECT_EQ(rules.classify("web/package-lock.json", 10), Exclusion::LockFile);
    EXPECT_EQ(rules.classify("x/foo.lock", 10), Exclusion::LockFile);
    EXPECT_EQ(rules.classify("go.sum", 10), Exclusion::LockFile);
    EXPECT_EQ(rules.classify("static/app.min.js", 10), Exclusion::Generated);
    EXPECT_EQ(rules.classify("api/x.pb.go", 10), Exclusion::Generated);
    EXPECT_EQ(rules.classify("api/x_pb2.py", 10), Exclusion::Generated);
    EXPECT_EQ(rules.classify("a/node_modules/x/index.js", 10), Exclusion::Vendored);
    EXPECT_EQ(rules.classify("cmd/vendor/golang.org/x.go", 10), Exclusion::Vendored);
    EXPECT_EQ(rules.classify("vendorized.go", 10), Exclusion::None);
    EXPECT_EQ(rules.classify("docs/a/b.md", 10), Exclusion::UserExcluded);
    EXPECT_EQ(rules.classify("a/test/b.c", 10), Exclusion::UserExcluded);
    EXPECT_EQ(rules.classify("test/b.c", 10), Exclusion::UserExcluded);

    ScanOptions inc;
    inc.includeGlobs = {QStringLiteral("*.go"), QStringLiteral("src/**")};
    inc.excludeVendored = false;
    inc.excludeLockFiles = false;
    const ExclusionRules incRules(inc);
    EXPECT_EQ(incRules.classify("a/b.go", 1), Exclusion::None);
    EXPECT_EQ(incRules.classify("src/x/y.txt", 1), Exclusion::None);
    EXPECT_EQ(incRules.classify("README.md", 1), Exclusion::UserExcluded);
    EXPECT_EQ(incRules.classify("vendor/a.go", 1), Exclusion::None);
    EXPECT_EQ(incRules.classify("src/Cargo.lock", 1), Exclusion::None);
}

TEST(ExclusionRules, ContentChecks) {
    EXPECT_EQ(contentExclusion(QByteArrayView("abc\0def", 7)), Exclusion::Binary);
    EXPECT_EQ(contentExclusion("// Code generated by protoc. DO NOT EDIT.\npackage x\n"),
              Exclusion::Generated);
    EXPECT_EQ(contentExclusion(QByteArray(5000, 'x')), Exclusion::Generated);
    EXPECT_EQ(contentExclusion("int main() {}\n"), Exclusion::None);
}

TEST(ScanTypes, LabelsAndIds) {
    EXPECT_EQ(exclusionLabel(Exclusion::TooLarge), QStringLiteral("over size cap"));
    EXPECT_EQ(exclusionLabel(Exclusion::Symlink), QStringLiteral("symlink (not followed)"));
    EXPECT_TRUE(exclusionLabel(Exclusion::None).isEmpty());
    ObjectId id{};
    EXPECT_TRUE(isNull(id));
    id[0] = 0xab;
    id[19] = 0x01;
    EXPECT_FALSE(isNull(id));
    EXPECT_EQ(toHex(id), QStringLiteral("ab00000000000000000000000000000000000001"));
}
