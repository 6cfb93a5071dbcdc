// SPDX-License-Identifier: MIT
// The Llama 4 tile rule of PROVIDERS.md "Images" (the worked example, one tile, the
// 16-tile maximum) and the explicit default for an unknown rule.
#include "images/imagetokens.h"

#include <gtest/gtest.h>

using namespace reposcope::images;

namespace {

const QString kRule = QStringLiteral("llama4-tiles");

// PROVIDERS.md: one tile 144 + 3; an r×c grid 144·(r·c+1) + (r·c − r) + r + 3.
qint64 providersFormula(QSize grid) {
    const qint64 r = grid.height();
    const qint64 tiles = qint64(grid.width()) * r;
    return tiles == 1 ? 147 : 144 * (tiles + 1) + (tiles - r) + r + 3;
}

} // namespace

TEST(ImageTokens, WorkedExample512IsATwoByTwoGridOf727Tokens) {
    EXPECT_EQ(llama4TileGrid(QSize(512, 512)), QSize(2, 2));
    const ImageTokens t = imageTokens(QSize(512, 512), kRule);
    EXPECT_EQ(t.tokens, 727);
    EXPECT_TRUE(t.exact);
    EXPECT_EQ(t.rule, kRule);
}

TEST(ImageTokens, OneTileCosts147AndHasNoGlobalTile) {
    for (const QSize size : {QSize(336, 336), QSize(100, 40), QSize(1, 1), QSize(300, 336)}) {
        EXPECT_EQ(llama4TileGrid(size), QSize(1, 1)) << size.width() << "x" << size.height();
        EXPECT_EQ(imageTokens(size, kRule).tokens, 147);
    }
}

TEST(ImageTokens, SixteenTilesIsTheMaximum) {
    EXPECT_EQ(llama4TileGrid(QSize(5000, 5000)), QSize(4, 4));
    EXPECT_EQ(imageTokens(QSize(5000, 5000), kRule).tokens, 2467); // "≈ 2,470"
    EXPECT_EQ(llama4TileGrid(QSize(336 * 16, 336)), QSize(16, 1));
    EXPECT_EQ(imageTokens(QSize(336 * 16, 336), kRule).tokens, 2467);
    // No size ever costs more, and every grid stays within 16 tiles.
    for (int w = 1; w <= 6000; w += 397) {
        for (int h = 1; h <= 6000; h += 431) {
            const QSize grid = llama4TileGrid(QSize(w, h));
            ASSERT_LE(grid.width() * grid.height(), 16);
            ASSERT_GE(grid.width() * grid.height(), 1);
            const qint64 tokens = imageTokens(QSize(w, h), kRule).tokens;
            ASSERT_LE(tokens, 2467);
            ASSERT_EQ(tokens, providersFormula(grid));
        }
    }
}

TEST(ImageTokens, GridFollowsTheAspectRatioWithoutUpscalingPastTheSmallestFit) {
    // A wide strip fits one row; just over one tile wide needs two columns.
    EXPECT_EQ(llama4TileGrid(QSize(337, 336)), QSize(2, 1));
    EXPECT_EQ(imageTokens(QSize(337, 336), kRule).tokens, 144 * 3 + 2 + 3);
    EXPECT_EQ(llama4TileGrid(QSize(1344, 896)), QSize(4, 3));
    EXPECT_EQ(llama4TileGrid(QSize(896, 1344)), QSize(3, 4));
    // Rows and columns are symmetric under transposition.
    EXPECT_EQ(imageTokens(QSize(1344, 896), kRule).tokens,
              imageTokens(QSize(896, 1344), kRule).tokens);
}

TEST(ImageTokens, UnknownRuleIsAnExplicitDefaultMarkedInexact) {
    for (const QString &rule : {QString(), QStringLiteral("gpt4o-tiles")}) {
        const ImageTokens t = imageTokens(QSize(512, 512), rule);
        EXPECT_EQ(t.tokens, kDefaultImageTokens);
        EXPECT_FALSE(t.exact);
        EXPECT_EQ(t.rule, QStringLiteral("default"));
    }
}
