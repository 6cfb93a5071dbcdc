// SPDX-License-Identifier: MIT
// EstimatorTokenizer: exact figures for the documented splitting rules.
#include "tokenize/estimatortokenizer.h"

#include <QtConcurrent/QtConcurrentMap>

#include <gtest/gtest.h>

#include <string>

using reposcope::tokenize::EstimatorTokenizer;

namespace {

qint64 count(std::string_view s) {
    return EstimatorTokenizer().count(s);
}

} // namespace

TEST(EstimatorTokenizer, Identity) {
    const EstimatorTokenizer tok;
    EXPECT_EQ(tok.id(), QStringLiteral("estimate-v1"));
    EXPECT_FALSE(tok.isExact());
    EXPECT_FALSE(tok.displayName().isEmpty());
}

TEST(EstimatorTokenizer, LetterRuns) {
    EXPECT_EQ(count(""), 0);
    EXPECT_EQ(count("a"), 1);
    EXPECT_EQ(count("hello"), 1);
    EXPECT_EQ(count("abcdefg"), 1);         // 7 letters: one token
    EXPECT_EQ(count("abcdefgh"), 2);        // 8: 1 + 6/6
    EXPECT_EQ(count("abcdefghijklm"), 2);   // 13: 1 + 11/6
    EXPECT_EQ(count("abcdefghijklmn"), 3);  // 14: 1 + 12/6
    EXPECT_EQ(count("snake_case_name"), 3); // '_' is a letter: 15 -> 1 + 13/6
}

TEST(EstimatorTokenizer, DigitGroupsOfThree) {
    EXPECT_EQ(count("1"), 1);
    EXPECT_EQ(count("123"), 1);
    EXPECT_EQ(count("1234"), 2);
    EXPECT_EQ(count("123456"), 2);
    EXPECT_EQ(count("1234567"), 3);
}

TEST(EstimatorTokenizer, SpacesNewlinesAndPunctuation) {
    EXPECT_EQ(count("hello world"), 2);  // a single space joins the next word
    EXPECT_EQ(count("hello  world"), 3); // a run of spaces is its own token
    EXPECT_EQ(count("a "), 2);           // trailing space counts
    EXPECT_EQ(count("a \n"), 3);         // space before a newline counts
    EXPECT_EQ(count("\n"), 1);
    EXPECT_EQ(count("\r\n\r\n"), 1); // one newline run
    EXPECT_EQ(count("a\n    b"), 3); // newline + indentation is one token
    EXPECT_EQ(count("\t\t"), 1);
    EXPECT_EQ(count("("), 1);
    EXPECT_EQ(count("()"), 1);
    EXPECT_EQ(count("();"), 2);
    EXPECT_EQ(count("{}}}"), 2);
    EXPECT_EQ(count("int x = 42;\n"), 6); // int, x, =, 42, ;, \n
    EXPECT_EQ(count("foo(bar, 1);"), 6);  // foo ( bar ,_1 → foo,(,bar,",",1,");"
}

TEST(EstimatorTokenizer, NonAsciiAboutOneTokenPerCharacter) {
    EXPECT_EQ(count("\xC3\xA9"), 1);                             // é: 2 bytes
    EXPECT_EQ(count("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), 3); // 日本語: 9 bytes
    EXPECT_EQ(count("caf\xC3\xA9"), 2);                          // letters, then é
}

TEST(EstimatorTokenizer, CountsAreAdditiveAcrossNewlineSeparatedLines) {
    // Each "x = 1;\n" line: x, =, 1, ;, newline (the newline absorbs the next indentation).
    std::string text;
    for (int i = 0; i < 100; ++i)
        text += "x = 1;\n";
    EXPECT_EQ(count(text), 500);
}

TEST(EstimatorTokenizer, SameResultFromManyThreads) {
    const EstimatorTokenizer tok;
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += "void f" + std::to_string(i) + "(int a, int b) { return a + b; }\n";
    const qint64 expected = tok.count(text);
    QList<int> runs(32);
    const QList<qint64> results =
        QtConcurrent::blockingMapped(runs, [&](int) { return tok.count(text); });
    for (qint64 r : results)
        EXPECT_EQ(r, expected);
}
