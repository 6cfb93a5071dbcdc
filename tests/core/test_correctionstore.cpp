// SPDX-License-Identifier: MIT
#include "tokenize/correctionstore.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using reposcope::tokenize::CorrectionStore;

TEST(CorrectionStore, LearnsTheRatioOfReportedToCountedTokens) {
    CorrectionStore store({});
    const QString key = CorrectionStore::keyFor(QStringLiteral("groq"), QStringLiteral("m"),
                                                QStringLiteral("o200k:1"));
    EXPECT_EQ(store.correction(key).samples, 0);
    EXPECT_DOUBLE_EQ(store.correction(key).factor, 1.0);
    store.record(key, 1000, 1100);
    store.record(key, 3000, 3200);
    EXPECT_EQ(store.correction(key).samples, 2);
    EXPECT_DOUBLE_EQ(store.correction(key).factor, 4300.0 / 4000.0);
}

TEST(CorrectionStore, IgnoresNonsenseSamples) {
    CorrectionStore store({});
    const QString key = QStringLiteral("k");
    store.record(key, 0, 100);
    store.record(key, 100, 0);
    store.record(key, 100, 1000); // 10x: the request held far more than the counted text
    store.record(key, 1000, 100);
    EXPECT_EQ(store.correction(key).samples, 0);
}

TEST(CorrectionStore, PersistsAcrossInstances) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("sub/corrections.json"));
    {
        CorrectionStore store(file);
        store.record(QStringLiteral("a"), 200, 210);
    }
    CorrectionStore again(file);
    EXPECT_EQ(again.correction(QStringLiteral("a")).samples, 1);
    EXPECT_DOUBLE_EQ(again.correction(QStringLiteral("a")).factor, 1.05);
    EXPECT_EQ(again.correction(QStringLiteral("b")).samples, 0);
}
