// SPDX-License-Identifier: MIT
// formatCount and formatBytes: the one way counts and sizes are written, whatever the
// locale, with the unit chosen from the rounded value.
#include "common/figures.h"

#include <QLocale>

#include <gtest/gtest.h>

using reposcope::formatBytes;
using reposcope::formatCount;

TEST(Figures, CountsHaveThousandsSeparatorsInEveryLocale) {
    const QLocale before;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    EXPECT_EQ(formatCount(8928), QStringLiteral("8,928"));
    EXPECT_EQ(formatCount(131072), QStringLiteral("131,072"));
    EXPECT_EQ(formatCount(1'020'000), QStringLiteral("1,020,000"));
    EXPECT_EQ(formatCount(999), QStringLiteral("999"));
    EXPECT_EQ(formatCount(-4096), QStringLiteral("-4,096"));
    QLocale::setDefault(before);
}

TEST(Figures, SizesUseOneDecimalStyle) {
    EXPECT_EQ(formatBytes(0), QStringLiteral("0 B"));
    EXPECT_EQ(formatBytes(812), QStringLiteral("812 B"));
    EXPECT_EQ(formatBytes(20'100), QStringLiteral("20.1 KB"));
    // The image that read "22 kB" in one place and "23 KB" in another.
    EXPECT_EQ(formatBytes(22'800), QStringLiteral("22.8 KB"));
    EXPECT_EQ(formatBytes(312'500'000), QStringLiteral("312.5 MB"));
    EXPECT_EQ(formatBytes(4'920'000'000), QStringLiteral("4.9 GB"));
    EXPECT_EQ(formatBytes(38'000'000), QStringLiteral("38.0 MB"));
    // The unit follows the rounded value: never "1000.0 KB".
    EXPECT_EQ(formatBytes(999'949), QStringLiteral("999.9 KB"));
    EXPECT_EQ(formatBytes(999'960), QStringLiteral("1.0 MB"));
    EXPECT_EQ(formatBytes(999'999'999), QStringLiteral("1.0 GB"));
}
