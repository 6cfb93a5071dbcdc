// SPDX-License-Identifier: MIT
// Model ▸ Local Models…: generated GGUF models (and a broken file) in a folder
// of the test's own, discovery on the pool, the Fits column against an injected
// amount of free memory, live re-estimates when the context changes, the help
// text when nothing is found, and Load asking first when the model does not
// fit.
#include "ggufwriter.h"
#include "local/localmodelsdialog.h"
#include "local/localmodelstable.h"
#include "uitestsupport.h"

#include <QBrush>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using reposcope::models::LocalModelsTable;
using reposcope::test::GgufWriter;
using reposcope::test::ModalCloser;
using reposcope::test::TinyLlamaOptions;
using reposcope::ui::LocalModelsDialog;
namespace models = reposcope::models;
namespace llm = reposcope::llm;
namespace models = reposcope::models;

namespace {

constexpr qint64 kPlentyOfMemory = qint64(64) << 30;

class LocalModelsDialogTest : public reposcope::test::ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_models.isValid());
        ASSERT_TRUE(m_empty.isValid());
    }

    void TearDown() override {
        m_dialog.reset();
        ServicesTest::TearDown();
    }

    QString modelPath(const QString &name) const { return m_models.filePath(name); }

    // A tiny model that llama.cpp could load, written into the models folder.
    void writeModel(const QString &name, const TinyLlamaOptions &options = {}) {
        ASSERT_TRUE(reposcope::test::tinyLlama(options).write(modelPath(name)));
    }

    // The first 40 bytes of a valid model: the reader must report it, not crash.
    void writeTruncated(const QString &name) {
        const QByteArray bytes = reposcope::test::tinyLlama().build();
        QFile f(modelPath(name));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(bytes.left(40));
    }

    // Opens the dialog on `folder` only (plus the user's saved folders; none of
    // the real caches) with `memory` bytes free, and waits for the search.
    void openDialog(const QString &folder, qint64 memory) {
        m_memory = memory;
        m_dialog = std::make_unique<LocalModelsDialog>(
            &m_pool, nullptr,
            [folder](const QStringList &userFolders) {
                llm::DiscoveryRoots roots;
                roots.folders = QStringList{folder} + userFolders;
                return roots;
            },
            [this] { return m_memory; });
        waitForSearch();
    }

    void waitForSearch() {
        if (!m_dialog->isSearching())
            return; // finished already; its signal was delivered
        QSignalSpy spy(m_dialog.get(), &LocalModelsDialog::searchFinished);
        ASSERT_TRUE(spy.wait(60000));
    }

    int rowOf(const QString &name) const {
        const models::LocalModelsTable *table = m_dialog->table();
        for (int row = 0; row < table->rowCount(); ++row)
            if (table->model(row).path == modelPath(name))
                return row;
        return -1;
    }

    QVariant cell(int row, int column, int role = Qt::DisplayRole) const {
        const models::LocalModelsTable *table = m_dialog->table();
        return table->data(table->index(row, column), role);
    }

    QSpinBox *contextSpin() const {
        for (QSpinBox *spin : m_dialog->findChildren<QSpinBox *>())
            if (spin->toolTip().contains(QStringLiteral("context size")))
                return spin;
        return nullptr;
    }

    QTemporaryDir m_models;
    QTemporaryDir m_empty;
    qint64 m_memory = -1;
    std::unique_ptr<LocalModelsDialog> m_dialog;
};

TEST_F(LocalModelsDialogTest, ListsEveryModelWithItsShapeAndTheBrokenFileGreyed) {
    writeModel(QStringLiteral("tiny.gguf"));
    TinyLlamaOptions bigger;
    bigger.blocks = 2;
    bigger.context = 4096;
    writeModel(QStringLiteral("tiny-2-blocks.gguf"), bigger);
    writeTruncated(QStringLiteral("broken.gguf"));
    ASSERT_NO_FATAL_FAILURE(openDialog(m_models.path(), kPlentyOfMemory));

    ASSERT_EQ(m_dialog->table()->rowCount(), 3);
    const int tiny = rowOf(QStringLiteral("tiny.gguf"));
    const int two = rowOf(QStringLiteral("tiny-2-blocks.gguf"));
    const int broken = rowOf(QStringLiteral("broken.gguf"));
    ASSERT_GE(tiny, 0);
    ASSERT_GE(two, 0);
    ASSERT_GE(broken, 0);

    EXPECT_EQ(cell(tiny, models::LocalModelsTable::Name).toString(), QStringLiteral("tiny"));
    EXPECT_EQ(cell(tiny, models::LocalModelsTable::Source).toString(), llm::modelsource::folder());
    EXPECT_EQ(cell(tiny, models::LocalModelsTable::Architecture).toString(),
              QStringLiteral("llama"));
    EXPECT_EQ(cell(tiny, models::LocalModelsTable::Quantization).toString(), QStringLiteral("F32"));
    EXPECT_EQ(cell(two, models::LocalModelsTable::TrainedContext).toString(),
              QLocale().toString(4096));
    const llm::LocalModel &model = m_dialog->table()->model(tiny);
    EXPECT_GT(model.parameterCount, 0);
    EXPECT_TRUE(cell(tiny, models::LocalModelsTable::Parameters)
                    .toString()
                    .endsWith(models::LocalModelsTable::formatParameters(model.parameterCount)));
    EXPECT_EQ(cell(tiny, models::LocalModelsTable::FileSize).toString(),
              models::LocalModelsTable::formatBytes(
                  QFileInfo(modelPath(QStringLiteral("tiny.gguf"))).size()));
    EXPECT_EQ(cell(tiny, models::LocalModelsTable::Fits).toString(), QStringLiteral("Fits"));
    EXPECT_EQ(
        cell(tiny, models::LocalModelsTable::Fits, models::LocalModelsTable::kFitsRole).toString(),
        QStringLiteral("fits"));
    // The tooltip gives the estimate and its split.
    const QString tip = cell(tiny, models::LocalModelsTable::Fits, Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("KV cache"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("weights"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(m_dialog->table()->estimate(tiny).summary)) << tip.toStdString();

    // The broken file: listed, greyed, its error as tooltip, not loadable.
    EXPECT_EQ(cell(broken, models::LocalModelsTable::Fits, models::LocalModelsTable::kFitsRole)
                  .toString(),
              QStringLiteral("unreadable"));
    EXPECT_FALSE(m_dialog->table()->model(broken).error.isEmpty());
    EXPECT_TRUE(cell(broken, models::LocalModelsTable::Name, Qt::ToolTipRole)
                    .toString()
                    .contains(m_dialog->table()->model(broken).error));
    EXPECT_EQ(
        cell(broken, models::LocalModelsTable::Name, Qt::ForegroundRole).value<QBrush>().color(),
        cell(broken, models::LocalModelsTable::Fits, Qt::ForegroundRole).value<QBrush>().color());
    EXPECT_TRUE(m_dialog->selectModel(modelPath(QStringLiteral("broken.gguf"))));
    auto *status = m_dialog->findChild<QLabel *>(QStringLiteral("localModelsStatus"));
    ASSERT_NE(status, nullptr);
    EXPECT_TRUE(status->text().contains(QStringLiteral("3 model(s) found")))
        << status->text().toStdString();
    EXPECT_TRUE(m_dialog->choice().path.endsWith(QStringLiteral("broken.gguf")));
    m_dialog->accept();
    EXPECT_NE(m_dialog->result(), int(QDialog::Accepted));
}

TEST_F(LocalModelsDialogTest, FitsColumnFollowsTheFreeMemoryAndTheContext) {
    // A long trained context: its KV cache at the full context is many megabytes.
    TinyLlamaOptions longContext;
    longContext.blocks = 4;
    longContext.context = 1 << 20;
    writeModel(QStringLiteral("long.gguf"), longContext);
    const llm::LocalModel model = llm::inspectLocalModel(
        modelPath(QStringLiteral("long.gguf")), llm::modelsource::folder(), QStringLiteral("long"));
    ASSERT_TRUE(model.error.isEmpty()) << model.error.toStdString();
    const qint64 at8k = llm::estimateMemory(model, 8192, -1).totalBytes;
    const qint64 atFull = llm::estimateMemory(model, 1 << 20, -1).totalBytes;
    ASSERT_GT(atFull, at8k + (qint64(1) << 21));
    // Room for the 8K context, not for the full one.
    ASSERT_NO_FATAL_FAILURE(openDialog(m_models.path(), at8k + (qint64(1) << 20)));
    const int row = rowOf(QStringLiteral("long.gguf"));
    ASSERT_GE(row, 0);

    QSpinBox *context = contextSpin();
    ASSERT_NE(context, nullptr);
    EXPECT_EQ(context->value(), 8192); // min(trained, 8192)
    EXPECT_EQ(context->maximum(), 1 << 20);
    EXPECT_EQ(cell(row, models::LocalModelsTable::Fits).toString(), QStringLiteral("Fits"));
    EXPECT_EQ(cell(row, models::LocalModelsTable::Memory).toString(),
              models::LocalModelsTable::formatBytes(at8k));
    EXPECT_EQ(
        m_dialog->table()->headerData(models::LocalModelsTable::Memory, Qt::Horizontal).toString(),
        QStringLiteral("Memory at 8K context"));

    QSignalSpy changed(m_dialog->table(), &QAbstractItemModel::dataChanged);
    context->setValue(1 << 20);
    EXPECT_GE(changed.count(), 1);
    EXPECT_EQ(cell(row, models::LocalModelsTable::Fits).toString(), QStringLiteral("Does not fit"));
    EXPECT_EQ(
        cell(row, models::LocalModelsTable::Fits, models::LocalModelsTable::kFitsRole).toString(),
        QStringLiteral("does-not-fit"));
    EXPECT_EQ(cell(row, models::LocalModelsTable::Memory).toString(),
              models::LocalModelsTable::formatBytes(atFull));
    EXPECT_EQ(
        m_dialog->table()->headerData(models::LocalModelsTable::Memory, Qt::Horizontal).toString(),
        QStringLiteral("Memory at 1024K context"));
    EXPECT_NE(cell(row, models::LocalModelsTable::Fits, Qt::ForegroundRole).value<QBrush>().color(),
              QColor());

    // Load asks first; closing the question keeps the dialog open.
    {
        ModalCloser closer;
        m_dialog->accept();
        EXPECT_NE(m_dialog->result(), int(QDialog::Accepted));
        ASSERT_EQ(closer.texts().size(), 1);
        EXPECT_TRUE(closer.texts().first().contains(QStringLiteral("does not fit")))
            << closer.texts().first().toStdString();
    }
    // Back to 8K: it loads at once, with the chosen settings.
    context->setValue(8192);
    EXPECT_EQ(cell(row, models::LocalModelsTable::Fits).toString(), QStringLiteral("Fits"));
    m_dialog->accept();
    EXPECT_EQ(m_dialog->result(), int(QDialog::Accepted));
    const reposcope::ui::LocalModelChoice choice = m_dialog->choice();
    EXPECT_EQ(choice.path, modelPath(QStringLiteral("long.gguf")));
    EXPECT_EQ(choice.contextSize, 8192);
    EXPECT_EQ(choice.trainedContext, 1 << 20);
    EXPECT_EQ(choice.gpu, QStringLiteral("cpu"));
    EXPECT_GE(choice.threads, 1);
}

TEST_F(LocalModelsDialogTest, ContextIsCappedAtWhatTheModelWasTrainedFor) {
    writeModel(QStringLiteral("short.gguf")); // trained for 256 tokens
    ASSERT_NO_FATAL_FAILURE(openDialog(m_models.path(), kPlentyOfMemory));
    QSpinBox *context = contextSpin();
    ASSERT_NE(context, nullptr);
    EXPECT_EQ(context->maximum(), 256);
    EXPECT_EQ(context->value(), 256);
    EXPECT_EQ(m_dialog->table()->estimate(0).contextTokens, 256);
}

TEST_F(LocalModelsDialogTest, UnknownFreeMemoryIsSaidAndDoesNotBlockLoading) {
    writeModel(QStringLiteral("tiny.gguf"));
    ASSERT_NO_FATAL_FAILURE(openDialog(m_models.path(), -1));
    EXPECT_EQ(
        cell(0, models::LocalModelsTable::Fits, models::LocalModelsTable::kFitsRole).toString(),
        QStringLiteral("unknown"));
    auto *memory = m_dialog->findChild<QLabel *>(QStringLiteral("localModelsMemory"));
    ASSERT_NE(memory, nullptr);
    EXPECT_TRUE(memory->text().contains(QStringLiteral("unknown")));
    m_dialog->accept();
    EXPECT_EQ(m_dialog->result(), int(QDialog::Accepted));
}

TEST_F(LocalModelsDialogTest, NothingFoundSaysWhereItLookedAndHowToGetAModel) {
    ASSERT_NO_FATAL_FAILURE(openDialog(m_empty.path(), kPlentyOfMemory));
    EXPECT_EQ(m_dialog->table()->rowCount(), 0);
    auto *help = m_dialog->findChild<QLabel *>(QStringLiteral("localModelsHelp"));
    ASSERT_NE(help, nullptr);
    auto *stack = m_dialog->findChild<QStackedWidget *>();
    ASSERT_NE(stack, nullptr);
    EXPECT_EQ(stack->currentWidget(), help);
    EXPECT_TRUE(help->text().contains(m_empty.path())) << help->text().toStdString();
    EXPECT_TRUE(help->text().contains(QStringLiteral("Download a GGUF model")));
    EXPECT_TRUE(help->text().contains(QStringLiteral("Add folder")));
    EXPECT_TRUE(m_dialog->choice().path.isEmpty());
}

TEST_F(LocalModelsDialogTest, AddedFolderIsRememberedAndSearched) {
    ASSERT_NO_FATAL_FAILURE(openDialog(m_empty.path(), kPlentyOfMemory));
    EXPECT_EQ(m_dialog->table()->rowCount(), 0);
    writeModel(QStringLiteral("found-later.gguf"));
    LocalModelsDialog::setUserFolders({m_models.path()});
    m_dialog->rescan();
    ASSERT_NO_FATAL_FAILURE(waitForSearch());
    EXPECT_EQ(m_dialog->table()->rowCount(), 1);
    EXPECT_EQ(LocalModelsDialog::userFolders(), QStringList{m_models.path()});
    // A new dialog finds it too: the folder is kept in the settings.
    ASSERT_NO_FATAL_FAILURE(openDialog(m_empty.path(), kPlentyOfMemory));
    EXPECT_GE(rowOf(QStringLiteral("found-later.gguf")), 0);
}

TEST_F(LocalModelsDialogTest, OpenedFileIsListedSelectedAndKeptAcrossSearches) {
    ASSERT_NO_FATAL_FAILURE(openDialog(m_empty.path(), kPlentyOfMemory));
    writeModel(QStringLiteral("picked.gguf"));
    QSignalSpy added(m_dialog.get(), &LocalModelsDialog::modelFileAdded);
    m_dialog->addModelFile(modelPath(QStringLiteral("picked.gguf")));
    ASSERT_TRUE(added.wait(60000));
    EXPECT_EQ(m_dialog->table()->rowCount(), 1);
    EXPECT_EQ(m_dialog->choice().path, modelPath(QStringLiteral("picked.gguf")));
    m_dialog->rescan();
    ASSERT_NO_FATAL_FAILURE(waitForSearch());
    EXPECT_EQ(m_dialog->table()->rowCount(), 1);
}

TEST_F(LocalModelsDialogTest, ClosingWhileSearchingCancelsAndWaits) {
    for (int i = 0; i < 20; ++i)
        writeModel(QStringLiteral("m%1.gguf").arg(i));
    m_dialog = std::make_unique<LocalModelsDialog>(
        &m_pool, nullptr,
        [this](const QStringList &) {
            llm::DiscoveryRoots roots;
            roots.folders = {m_models.path()};
            return roots;
        },
        [] { return kPlentyOfMemory; });
    m_dialog.reset(); // must neither crash nor leave work touching the dialog
    m_pool.waitForDone();
    SUCCEED();
}

} // namespace
