// SPDX-License-Identifier: MIT
// The local models table (Model ▸ Local Models…) as a model: the model tester through
// resets, inserts and context changes; figures as people read them; the Fits icons.
#include "local/localmodelstable.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QImage>
#include <QPixmap>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace reposcope;

namespace {

TEST(LocalModelsTableTest, PassesTheModelTesterThroughResetsInsertsAndContextChanges) {
    models::LocalModelsTable table;
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::Fatal);
    llm::LocalModel a;
    a.path = QStringLiteral("/m/a.gguf");
    a.displayName = QStringLiteral("a");
    a.fileSize = 4'000'000'000;
    a.parameterCount = 8'030'000'000;
    a.trainedContext = 131072;
    a.layerCount = 32;
    a.embeddingLength = 4096;
    a.headCount = 32;
    a.headCountKv = 8;
    llm::LocalModel broken;
    broken.path = QStringLiteral("/m/b.gguf");
    broken.error = QStringLiteral("truncated");
    table.setAvailableBytes(qint64(8) << 30);
    table.setModels({a, broken});
    EXPECT_EQ(table.rowCount(), 2);
    EXPECT_EQ(table.data(table.index(0, models::LocalModelsTable::Parameters)).toString(),
              QStringLiteral("8.0 B"));
    const QString atEight = table.data(table.index(0, models::LocalModelsTable::Memory)).toString();
    table.setContextTokens(131072);
    EXPECT_NE(table.data(table.index(0, models::LocalModelsTable::Memory)).toString(), atEight);
    EXPECT_EQ(table.data(table.index(0, models::LocalModelsTable::Fits),
                         models::LocalModelsTable::kFitsRole),
              QStringLiteral("does-not-fit"));
    llm::LocalModel c = a;
    c.path = QStringLiteral("/m/c.gguf");
    EXPECT_EQ(table.addModel(c), 2);
    EXPECT_EQ(table.addModel(c), 2); // listed once
    table.setModels({});
    EXPECT_EQ(table.rowCount(), 0);
}

TEST(LocalModelsTableTest, FormatsCountsAndSizesAsPeopleReadThem) {
    EXPECT_EQ(models::LocalModelsTable::formatParameters(8'030'000'000), QStringLiteral("8.0 B"));
    EXPECT_EQ(models::LocalModelsTable::formatParameters(112'000), QStringLiteral("112.0 K"));
    EXPECT_EQ(models::LocalModelsTable::formatParameters(500), QStringLiteral("500"));
    EXPECT_EQ(models::LocalModelsTable::formatBytes(4'920'000'000), QStringLiteral("4.9 GB"));
    EXPECT_EQ(models::LocalModelsTable::formatBytes(312'500'000), QStringLiteral("312.5 MB"));
    EXPECT_EQ(models::LocalModelsTable::formatContext(8192), QStringLiteral("8K"));
    EXPECT_EQ(models::LocalModelsTable::formatContext(131072), QStringLiteral("128K"));
}

TEST(LocalModelsTableTest, FitsColumnShowsTheIconsTheViewGaveIt) {
    models::LocalModelsTable table;
    llm::LocalModel a;
    a.path = QStringLiteral("/m/a.gguf");
    a.fileSize = 1'000'000;
    a.parameterCount = 1'000'000;
    a.trainedContext = 4096;
    a.layerCount = 2;
    a.embeddingLength = 64;
    a.headCount = 2;
    a.headCountKv = 2;
    table.setAvailableBytes(qint64(8) << 30);
    table.setModels({a});
    const QModelIndex fits = table.index(0, models::LocalModelsTable::Fits);
    EXPECT_TRUE(table.data(fits, Qt::DecorationRole).value<QIcon>().isNull());
    QPixmap green(8, 8);
    green.fill(Qt::green);
    QSignalSpy changed(&table, &QAbstractItemModel::dataChanged);
    table.setFitIcons({QIcon(green), {}, {}, {}});
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(table.data(fits, models::LocalModelsTable::kFitsRole), QStringLiteral("fits"));
    EXPECT_EQ(
        table.data(fits, Qt::DecorationRole).value<QIcon>().pixmap(8, 8).toImage().pixel(1, 1),
        QColor(Qt::green).rgb());
}

} // namespace
