// SPDX-License-Identifier: MIT
// The budget meter against a real, counted selection and the built-in model catalog.
#include "budget/budgetmeter.h"

#include "llm/catalog/modelcatalog.h"
#include "prompt/budget.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>

#include <gtest/gtest.h>

#include <memory>

using reposcope::test::ScratchRepo;
using reposcope::ui::BudgetMeter;
namespace models = reposcope::models;
namespace prompt = reposcope::prompt;
namespace workspace = reposcope::workspace;

namespace {

constexpr int kLevelOver = int(prompt::BudgetFigures::Level::Over);

class BudgetMeterTest : public reposcope::test::ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_model = std::make_unique<models::RepoTreeModel>(m_workspace.get());
        m_meter = std::make_unique<BudgetMeter>(m_workspace.get(), &m_catalog);
        // Wired as the main window wires them.
        QObject::connect(m_model.get(), &models::RepoTreeModel::selectionTotalsChanged,
                         m_meter.get(), &BudgetMeter::refresh);

        m_repo.initGit();
        // Source, tests and docs of known, distinct sizes: "Fit to budget" drops tests first.
        m_repo.write(QStringLiteral("src/engine.cpp"),
                     QByteArray("int value = compute(alpha, beta);\n").repeated(400));
        m_repo.write(QStringLiteral("tests/test_engine.cpp"),
                     QByteArray("EXPECT_EQ(compute(1, 2), 3);\n").repeated(300));
        m_repo.write(QStringLiteral("docs/design.md"),
                     QByteArray("The engine computes values.\n").repeated(200));
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        ASSERT_TRUE(m_workspace->selection()->fullyCounted());
        m_meter->refresh();
    }

    void TearDown() override {
        m_meter.reset();
        m_model.reset();
        ServicesTest::TearDown();
    }

    QSpinBox *capSpin() const {
        for (QSpinBox *spin : m_meter->findChildren<QSpinBox *>())
            if (spin->toolTip().contains(QStringLiteral("context window")))
                return spin;
        return nullptr;
    }
    QSpinBox *reserveSpin() const {
        for (QSpinBox *spin : m_meter->findChildren<QSpinBox *>())
            if (spin->toolTip().contains(QStringLiteral("answer")))
                return spin;
        return nullptr;
    }
    int level() const {
        const auto *bar = m_meter->findChild<QProgressBar *>();
        return bar ? bar->property("level").toInt() : -1;
    }
    QString figuresText() const {
        for (const QLabel *label : m_meter->findChildren<QLabel *>())
            if (label->text().startsWith(QStringLiteral("Files ")))
                return label->text();
        return {};
    }
    const prompt::Selection &selection() const { return *m_workspace->selection(); }
    // What one request needs for the current selection, given the meter's fixed part.
    qint64 needed(qint64 fixed) const {
        return fixed + selection().selected(0).tokens + selection().selected(0).overhead;
    }

    ScratchRepo m_repo;
    std::unique_ptr<models::RepoTreeModel> m_model;
    std::unique_ptr<BudgetMeter> m_meter;
};

} // namespace

TEST_F(BudgetMeterTest, ChoosingAModelTakesItsCapFromTheCatalog) {
    ASSERT_NE(capSpin(), nullptr);
    QSignalSpy changed(m_meter.get(), &BudgetMeter::modelChanged);

    m_meter->selectModel(QStringLiteral("ollama"), QStringLiteral("llama4:scout"));
    ASSERT_NE(m_meter->currentModel(), nullptr);
    EXPECT_EQ(m_meter->currentProviderId(), QStringLiteral("ollama"));
    EXPECT_EQ(m_meter->currentModel()->id, QStringLiteral("llama4:scout"));
    EXPECT_EQ(m_meter->contextCap(), 4096);
    EXPECT_GE(changed.count(), 1);
    EXPECT_TRUE(m_meter->summaryText().contains(QStringLiteral(" / ") + models::formatTokens(4096)))
        << m_meter->summaryText().toStdString();

    changed.clear();
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    ASSERT_NE(m_meter->currentModel(), nullptr);
    EXPECT_EQ(m_meter->currentProviderId(), QStringLiteral("openrouter"));
    EXPECT_EQ(m_meter->currentModel()->id, QStringLiteral("meta-llama/llama-4-scout"));
    EXPECT_EQ(m_meter->contextCap(), 1048576);
    EXPECT_EQ(
        m_meter->contextCap(),
        m_catalog.model(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"))
            ->contextTokens);
    EXPECT_EQ(capSpin()->value(), 1048576);
    EXPECT_GE(changed.count(), 1);
    EXPECT_TRUE(m_meter->summaryText().contains(QStringLiteral(" / 1.05M (")))
        << m_meter->summaryText().toStdString();
}

TEST_F(BudgetMeterTest, ACapOverrideIsRememberedPerModel) {
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    capSpin()->setValue(200000);
    EXPECT_EQ(m_meter->contextCap(), 200000);

    m_meter->selectModel(QStringLiteral("ollama"), QStringLiteral("llama4:scout"));
    EXPECT_EQ(m_meter->contextCap(), 4096);
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    EXPECT_EQ(m_meter->contextCap(), 200000);
}

TEST_F(BudgetMeterTest, ASmallCapTurnsTheMeterRedAndSaysByHowMuch) {
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    EXPECT_NE(level(), kLevelOver);
    EXPECT_FALSE(figuresText().contains(QStringLiteral("Over the cap")));
    const QLocale loc = QLocale::system();
    EXPECT_TRUE(figuresText().startsWith(QStringLiteral("Files ≈") +
                                         loc.toString(selection().selected(0).tokens)))
        << figuresText().toStdString();

    QSignalSpy fit(m_meter.get(), &BudgetMeter::fitRequested);
    m_meter->requestFit();
    ASSERT_EQ(fit.count(), 1);
    const qint64 fixed = fit.first().at(0).toLongLong();
    ASSERT_GT(needed(fixed) - 1, 1024);

    capSpin()->setValue(int(needed(fixed) - 1));
    EXPECT_EQ(level(), kLevelOver);
    EXPECT_TRUE(figuresText().contains(QStringLiteral("Over the cap by 1 tokens")))
        << figuresText().toStdString();

    capSpin()->setValue(1024);
    EXPECT_EQ(level(), kLevelOver);
    EXPECT_TRUE(figuresText().contains(
        QStringLiteral("Over the cap by %1 tokens").arg(loc.toString(needed(fixed) - 1024))))
        << figuresText().toStdString();

    capSpin()->setValue(int(needed(fixed)));
    EXPECT_NE(level(), kLevelOver);
    EXPECT_FALSE(figuresText().contains(QStringLiteral("Over the cap")));
}

TEST_F(BudgetMeterTest, FitToBudgetDropsTestsFirstUntilTheRequestFits) {
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    prompt::FitResult result;
    int fits = 0;
    QObject::connect(m_meter.get(), &BudgetMeter::fitRequested, m_model.get(),
                     [&](qint64 fixedTokens, qint64 cap, double tokensPerLine) {
                         result = prompt::fitToBudget(*m_workspace->selection(), fixedTokens, cap,
                                                      tokensPerLine);
                         m_model->refreshAll();
                         ++fits;
                     });
    QSignalSpy fit(m_meter.get(), &BudgetMeter::fitRequested);

    // At the catalog's cap everything fits already.
    const qint64 before = selection().selected(0).tokens;
    m_meter->requestFit();
    ASSERT_EQ(fits, 1);
    EXPECT_TRUE(result.fits);
    EXPECT_TRUE(result.dropped.isEmpty());
    EXPECT_EQ(selection().selected(0).tokens, before);
    EXPECT_EQ(fit.first().at(1).toLongLong(), 1048576);
    const qint64 fixed = fit.first().at(0).toLongLong();

    // One token short: the test file goes, the source and docs stay.
    const auto &snap = selection().snapshot();
    const int testFile = snap.find("tests/test_engine.cpp");
    const int docFile = snap.find("docs/design.md");
    const int srcFile = snap.find("src/engine.cpp");
    const qint64 testTokens = selection().file(testFile).stats.tokens;
    capSpin()->setValue(int(needed(fixed) - 1));
    ASSERT_EQ(level(), kLevelOver);
    m_meter->requestFit();
    ASSERT_EQ(fits, 2);
    EXPECT_TRUE(result.fits);
    EXPECT_EQ(result.dropped, QStringList{QStringLiteral("tests/test_engine.cpp")});
    EXPECT_EQ(selection().selected(0).tokens, before - testTokens);
    EXPECT_FALSE(selection().file(testFile).checked);
    EXPECT_TRUE(selection().file(docFile).checked);
    EXPECT_NE(level(), kLevelOver);
    EXPECT_LE(needed(fixed), m_meter->contextCap());

    // Only room for the source: the docs go next, the source stays.
    capSpin()->setValue(int(needed(fixed) - 1));
    m_meter->requestFit();
    EXPECT_TRUE(result.fits);
    EXPECT_EQ(result.dropped, QStringList{QStringLiteral("docs/design.md")});
    EXPECT_TRUE(selection().file(srcFile).checked);
    EXPECT_EQ(selection().selected(0).files, 1);
    EXPECT_LE(needed(fixed), m_meter->contextCap());
    EXPECT_NE(level(), kLevelOver);
    EXPECT_EQ(m_model->indexForNode(snap.find("docs")).data(Qt::CheckStateRole).toInt(),
              int(Qt::Unchecked));
}

TEST_F(BudgetMeterTest, TheReserveForTheAnswerCounts) {
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    ASSERT_NE(reserveSpin(), nullptr);
    QSignalSpy fit(m_meter.get(), &BudgetMeter::fitRequested);
    reserveSpin()->setValue(0);
    m_meter->requestFit();
    reserveSpin()->setValue(100000);
    m_meter->requestFit();
    ASSERT_EQ(fit.count(), 2);
    EXPECT_EQ(fit.at(1).at(0).toLongLong() - fit.at(0).at(0).toLongLong(), 100000);
    EXPECT_TRUE(figuresText().contains(QStringLiteral("reserved for the answer ") +
                                       QLocale::system().toString(100000)))
        << figuresText().toStdString();
}

TEST_F(BudgetMeterTest, TheLocalEngineReservesAtMostItsMaximumOutputAndHalfItsContext) {
    m_meter->selectModel(QStringLiteral("local"), QStringLiteral("gguf"));
    ASSERT_NE(reserveSpin(), nullptr);
    reserveSpin()->setValue(8192);
    const reposcope::llm::ModelEntry *model = m_meter->currentModel();
    ASSERT_NE(model, nullptr);
    ASSERT_GT(model->maxOutputTokens, 0);
    ASSERT_LT(model->maxOutputTokens, 8192);
    EXPECT_EQ(m_meter->reservedOutput(), int(model->maxOutputTokens));
    // Started with a 2K context, the engine keeps half of it for the answer at most.
    m_meter->setLiveCap(2048, QStringLiteral("the local engine"));
    EXPECT_EQ(m_meter->reservedOutput(), 1024);
    EXPECT_TRUE(figuresText().contains(QStringLiteral("reserved for the answer ") +
                                       QLocale::system().toString(1024)))
        << figuresText().toStdString();
    // A hosted model keeps the user's reserve as it is.
    m_meter->selectModel(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    EXPECT_EQ(m_meter->reservedOutput(), 8192);
}
