// SPDX-License-Identifier: MIT
#include "transcript/markdownrenderer.h"

#include <KSyntaxHighlighting/Repository>

#include <QSet>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextList>
#include <QTextTable>

#include <gtest/gtest.h>

#include <memory>

using reposcope::ui::MarkdownRenderer;
using reposcope::ui::MarkdownSegment;
using reposcope::ui::splitMarkdown;

namespace {

class MarkdownRendererTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_repository = std::make_unique<KSyntaxHighlighting::Repository>();
    }
    static void TearDownTestSuite() { s_repository.reset(); }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_repository;
};

QTextBlock findBlock(const QTextDocument &document, const QString &text) {
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        if (block.text() == text)
            return block;
    }
    return {};
}

bool inCodeBox(const QTextBlock &block) {
    return QTextCursor(block).currentTable() != nullptr &&
           block.blockFormat().hasProperty(QTextFormat::BlockCodeLanguage);
}

// Distinct formats (colour, weight, slant) of the characters of `block`; every character must carry
// a foreground colour.
QSet<QString> codeFormats(const QTextBlock &block, bool *allCarryOne) {
    QSet<QString> formats;
    *allCarryOne = true;
    for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QTextCharFormat format = it.fragment().charFormat();
        if (format.foreground().style() == Qt::NoBrush)
            *allCarryOne = false;
        formats.insert(format.foreground().color().name() + QString::number(format.fontWeight()) +
                       (format.fontItalic() ? QStringLiteral("i") : QString()));
    }
    return formats;
}

QSet<QRgb> foregrounds(const QTextBlock &block, bool *allCarryOne) {
    QSet<QRgb> colours;
    *allCarryOne = true;
    for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QBrush brush = it.fragment().charFormat().foreground();
        if (brush.style() == Qt::NoBrush)
            *allCarryOne = false;
        else
            colours.insert(brush.color().rgba());
    }
    return colours;
}

const QString sample = QStringLiteral("# Findings\n"
                                      "\n"
                                      "Intro with a [link](src/main.cpp#L12) and `code`.\n"
                                      "\n"
                                      "- first\n"
                                      "- second\n"
                                      "\n"
                                      "1. one\n"
                                      "\n"
                                      "2. two\n"
                                      "\n"
                                      "```cpp\n"
                                      "int answer = 42; // the answer\n"
                                      "return answer;\n"
                                      "```\n"
                                      "\n"
                                      "After the code.\n"
                                      "\n"
                                      "~~~~ src/tool.py\n"
                                      "def f():\n"
                                      "    return 1\n"
                                      "~~~~\n"
                                      "Tail paragraph.\n");

} // namespace

TEST(MarkdownSplitTest, SeparatesProseAndFencedCode) {
    const QList<MarkdownSegment> segments = splitMarkdown(sample, 0, true);
    QStringList kinds;
    for (const MarkdownSegment &segment : segments)
        kinds << (segment.kind == MarkdownSegment::Kind::Code
                      ? QStringLiteral("code:") + segment.info
                      : QStringLiteral("prose"));
    // Cuts at blank lines before column-0 paragraphs, never inside the loose ordered list.
    EXPECT_EQ(kinds, (QStringList{QStringLiteral("prose"), QStringLiteral("prose"),
                                  QStringLiteral("code:cpp"), QStringLiteral("prose"),
                                  QStringLiteral("code:src/tool.py"), QStringLiteral("prose")}));
    for (const MarkdownSegment &segment : segments)
        EXPECT_TRUE(segment.closed);
    const MarkdownSegment &cpp = segments[2];
    EXPECT_EQ(sample.mid(cpp.bodyBegin, cpp.bodyEnd - cpp.bodyBegin),
              QStringLiteral("int answer = 42; // the answer\nreturn answer;\n"));
    EXPECT_TRUE(sample.mid(segments[1].begin, segments[1].end - segments[1].begin)
                    .contains(QStringLiteral("2. two")));
    // Segments tile the text.
    qsizetype at = 0;
    for (const MarkdownSegment &segment : segments) {
        EXPECT_EQ(segment.begin, at);
        at = segment.end;
    }
    EXPECT_EQ(at, sample.size());
}

TEST(MarkdownSplitTest, ClosedSegmentsNeverChangeAsTextArrives) {
    const QList<MarkdownSegment> full = splitMarkdown(sample, 0, true);
    for (qsizetype length = 0; length <= sample.size(); ++length) {
        const QList<MarkdownSegment> partial = splitMarkdown(QStringView(sample).left(length));
        for (qsizetype i = 0; i < partial.size(); ++i) {
            if (!partial[i].closed)
                continue;
            ASSERT_LT(i, full.size()) << length;
            EXPECT_EQ(partial[i].begin, full[i].begin) << "prefix " << length;
            EXPECT_EQ(partial[i].end, full[i].end) << "prefix " << length;
            EXPECT_EQ(partial[i].kind, full[i].kind) << "prefix " << length;
        }
        // Only the last segment of a growing text may be open.
        for (qsizetype i = 0; i + 1 < partial.size(); ++i)
            EXPECT_TRUE(partial[i].closed) << "prefix " << length;
        // Resuming after the closed segments gives the same split as starting over.
        qsizetype resume = 0;
        for (const MarkdownSegment &segment : partial) {
            if (segment.closed)
                resume = segment.end;
        }
        const QList<MarkdownSegment> resumed =
            splitMarkdown(QStringView(sample).left(length), resume);
        const QList<MarkdownSegment> open = partial.mid(
            std::count_if(partial.begin(), partial.end(), [](auto &s) { return s.closed; }));
        ASSERT_EQ(resumed.size(), open.size()) << length;
    }
}

TEST(MarkdownSplitTest, UnclosedFenceRunsToTheEndAndHidesAClosingFenceOnItsWay) {
    const QString text = QStringLiteral("Intro\n\n```python\ndef f():\n    return 1\n``");
    const QList<MarkdownSegment> segments = splitMarkdown(text);
    ASSERT_EQ(segments.size(), 2);
    EXPECT_TRUE(segments[0].closed);
    const MarkdownSegment &code = segments[1];
    EXPECT_EQ(code.kind, MarkdownSegment::Kind::Code);
    EXPECT_FALSE(code.closed);
    EXPECT_EQ(code.info, QStringLiteral("python"));
    EXPECT_EQ(text.mid(code.bodyBegin, code.bodyEnd - code.bodyBegin),
              QStringLiteral("def f():\n    return 1\n"));
}

TEST_F(MarkdownRendererTest, RendersHeadingsListsLinksAndInlineCode) {
    MarkdownRenderer renderer(s_repository.get());
    QTextDocument document;
    renderer.render(&document, sample);

    const QTextBlock heading = findBlock(document, QStringLiteral("Findings"));
    ASSERT_TRUE(heading.isValid());
    EXPECT_EQ(heading.blockFormat().headingLevel(), 1);

    const QTextBlock first = findBlock(document, QStringLiteral("first"));
    const QTextBlock second = findBlock(document, QStringLiteral("second"));
    ASSERT_TRUE(first.isValid() && second.isValid());
    ASSERT_NE(first.textList(), nullptr);
    EXPECT_EQ(first.textList(), second.textList());
    const QTextBlock two = findBlock(document, QStringLiteral("two"));
    ASSERT_NE(two.textList(), nullptr);
    EXPECT_EQ(two.textList(), findBlock(document, QStringLiteral("one")).textList())
        << "a loose ordered list stays one list";
    EXPECT_EQ(two.textList()->itemNumber(two), 1);

    const QTextBlock intro = findBlock(document, QStringLiteral("Intro with a link and code."));
    ASSERT_TRUE(intro.isValid());
    bool sawLink = false;
    bool sawInlineCode = false;
    for (auto it = intro.begin(); !it.atEnd(); ++it) {
        const QTextCharFormat format = it.fragment().charFormat();
        if (it.fragment().text() == QStringLiteral("link")) {
            sawLink =
                format.isAnchor() && format.anchorHref() == QStringLiteral("src/main.cpp#L12");
        }
        if (it.fragment().text() == QStringLiteral("code"))
            sawInlineCode = format.fontFixedPitch() || format.fontFamilies().isValid();
    }
    EXPECT_TRUE(sawLink);
    EXPECT_TRUE(sawInlineCode);
    EXPECT_TRUE(findBlock(document, QStringLiteral("Tail paragraph.")).isValid());
    EXPECT_FALSE(document.toPlainText().contains(QStringLiteral("```")));
}

TEST_F(MarkdownRendererTest, HighlightsFencedCodeByLanguage) {
    MarkdownRenderer renderer(s_repository.get());
    QTextDocument document;
    renderer.render(&document, sample);

    const QTextBlock line = findBlock(document, QStringLiteral("int answer = 42; // the answer"));
    ASSERT_TRUE(line.isValid());
    EXPECT_TRUE(inCodeBox(line));
    EXPECT_EQ(line.blockFormat().property(QTextFormat::BlockCodeLanguage).toString(),
              QStringLiteral("cpp"));
    bool allCarryOne = false;
    const QSet<QRgb> colours = foregrounds(line, &allCarryOne);
    EXPECT_TRUE(allCarryOne);
    // Keyword, number and comment differ from plain text: highlighted, not just coloured.
    EXPECT_GE(colours.size(), 3);

    // The file-name info string picks the definition by extension.
    const QTextBlock python = findBlock(document, QStringLiteral("def f():"));
    ASSERT_TRUE(python.isValid());
    EXPECT_TRUE(inCodeBox(python));
    EXPECT_GE(codeFormats(python, &allCarryOne).size(), 2); // the keyword is bold
    EXPECT_TRUE(allCarryOne);
    // The fence's indentation is not code, the code's own is kept.
    EXPECT_TRUE(findBlock(document, QStringLiteral("    return 1")).isValid());
}

TEST_F(MarkdownRendererTest, UnclosedFenceMidStreamRendersAsCodeSoFar) {
    MarkdownRenderer renderer(s_repository.get());
    QTextDocument document;
    renderer.render(&document, QStringLiteral("Look:\n\n```rust\nfn main() {\n    let x = 1;\n``"),
                    false);
    const QTextBlock fn = findBlock(document, QStringLiteral("fn main() {"));
    ASSERT_TRUE(fn.isValid());
    EXPECT_TRUE(inCodeBox(fn));
    bool allCarryOne = false;
    EXPECT_GE(codeFormats(fn, &allCarryOne).size(), 2);
    EXPECT_TRUE(inCodeBox(findBlock(document, QStringLiteral("    let x = 1;"))));
    EXPECT_TRUE(findBlock(document, QStringLiteral("Look:")).isValid());
    EXPECT_FALSE(document.toPlainText().contains(QStringLiteral("``")));
}

TEST_F(MarkdownRendererTest, FindsDefinitionsByNameAliasOrFileName) {
    MarkdownRenderer renderer(s_repository.get());
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("python")).name(), QStringLiteral("Python"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("py")).name(), QStringLiteral("Python"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("C++")).name(), QStringLiteral("C++"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("cpp")).name(), QStringLiteral("C++"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("src/server/main.go")).name(),
              QStringLiteral("Go"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("{.rust}")).name(), QStringLiteral("Rust"));
    EXPECT_EQ(renderer.definitionFor(QStringLiteral("js title=app.js")).name(),
              QStringLiteral("JavaScript"));
    EXPECT_FALSE(renderer.definitionFor(QStringLiteral("no-such-language")).isValid());
    EXPECT_FALSE(renderer.definitionFor(QString()).isValid());
}

TEST_F(MarkdownRendererTest, DarkPaletteUsesTheDarkTheme) {
    MarkdownRenderer renderer(s_repository.get());
    QTextDocument light;
    renderer.render(&light, QStringLiteral("```cpp\nint x;\n```\n"));
    renderer.setDark(true);
    EXPECT_TRUE(renderer.isDark());
    QTextDocument dark;
    renderer.render(&dark, QStringLiteral("```cpp\nint x;\n```\n"));
    const QTextTable *lightBox =
        QTextCursor(findBlock(light, QStringLiteral("int x;"))).currentTable();
    const QTextTable *darkBox =
        QTextCursor(findBlock(dark, QStringLiteral("int x;"))).currentTable();
    ASSERT_TRUE(lightBox && darkBox);
    EXPECT_GT(lightBox->format().background().color().lightness(), 128);
    EXPECT_LT(darkBox->format().background().color().lightness(), 128);
}

TEST(MarkdownRendererPlainTest, WithoutARepositoryCodeIsMonospaceAndUnhighlighted) {
    MarkdownRenderer renderer(nullptr);
    QTextDocument document;
    renderer.render(&document, QStringLiteral("```cpp\nint x = 1;\n```\n"));
    const QTextBlock line = findBlock(document, QStringLiteral("int x = 1;"));
    ASSERT_TRUE(line.isValid());
    EXPECT_TRUE(inCodeBox(line));
    EXPECT_TRUE(line.begin().fragment().charFormat().fontFixedPitch());
    EXPECT_FALSE(renderer.definitionFor(QStringLiteral("cpp")).isValid());
}
