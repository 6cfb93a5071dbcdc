// SPDX-License-Identifier: MIT
// The budget meter while counts fill in, the cap above a model's limit, and the default
// model: a real workspace counting a real repository, the built-in catalog.
#include "budget/budgetmeter.h"

#include "llm/catalog/modelcatalog.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

using reposcope::test::ScratchRepo;
using reposcope::ui::BudgetMeter;
namespace models = reposcope::models;
namespace repo = reposcope::repo;
namespace tokenize = reposcope::tokenize;
namespace workspace = reposcope::workspace;

namespace {

// A second, genuinely different tokenizer: one token per byte.
struct ByteCounter final : tokenize::Tokenizer {
    QString id() const override { return QStringLiteral("bytes-v1"); }
    QString displayName() const override { return QStringLiteral("bytes"); }
    bool isExact() const override { return true; }
    qint64 count(std::string_view utf8) const override { return qint64(utf8.size()); }
};

// What the meter shows at one moment.
struct Shown {
    bool counting = false;
    int level = 0;
    QString format;
    QString styleSheet;
    bool fitEnabled = false;
    QString fitTip;
};

class BudgetMeterCountingTest : public reposcope::test::ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_model = std::make_unique<models::RepoTreeModel>(m_workspace.get());
        m_meter = std::make_unique<BudgetMeter>(m_workspace.get(), &m_catalog);
        QObject::connect(m_model.get(), &models::RepoTreeModel::selectionTotalsChanged,
                         m_meter.get(), &BudgetMeter::refresh);
        m_meter->selectModel(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b"));
        m_repo.initGit();
        for (int i = 0; i < 120; ++i)
            m_repo.write(QStringLiteral("src/f%1.cpp").arg(i),
                         QByteArray("int value = compute(alpha, beta);\n").repeated(20 + i));
        m_repo.commitAll();
    }
    void TearDown() override {
        m_meter.reset();
        m_model.reset();
        ServicesTest::TearDown();
    }
    Shown shown() const {
        Shown s;
        const auto *bar = m_meter->findChild<QProgressBar *>();
        s.counting = bar->property("counting").toBool();
        s.level = bar->property("level").toInt();
        s.format = bar->format();
        s.styleSheet = bar->styleSheet();
        for (const QPushButton *b : m_meter->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Fit to budget")) {
                s.fitEnabled = b->isEnabled();
                s.fitTip = b->toolTip();
            }
        return s;
    }
    QSpinBox *capSpin() const {
        for (QSpinBox *spin : m_meter->findChildren<QSpinBox *>())
            if (spin->toolTip().contains(QStringLiteral("context window")))
                return spin;
        return nullptr;
    }
    QString figuresText() const {
        for (const QLabel *label : m_meter->findChildren<QLabel *>())
            if (label->text().startsWith(QStringLiteral("Files ")))
                return label->text();
        return {};
    }
    // Records what the meter shows each time the count state changes while counting.
    void recordWhileCounting() {
        QObject::connect(m_workspace.get(), &workspace::Workspace::countStateChanged, m_meter.get(),
                         [this] {
                             const workspace::CountState st = m_workspace->countState();
                             if (st.phase == workspace::CountState::Phase::Counting)
                                 m_whileCounting.push_back({st, shown()});
                         });
    }
    void expectCountingLook(const Shown &s) {
        EXPECT_TRUE(s.counting);
        EXPECT_EQ(s.level, -1); // none of Comfortable / Near / Over
        EXPECT_TRUE(s.format.startsWith(QStringLiteral("counting… "))) << s.format.toStdString();
        EXPECT_TRUE(s.format.endsWith(QStringLiteral("% of files"))) << s.format.toStdString();
        for (const char *normal : {"#2e86c1", "#d68910", "#c0392b"})
            EXPECT_FALSE(s.styleSheet.contains(QLatin1String(normal)))
                << s.styleSheet.toStdString();
        EXPECT_FALSE(s.fitEnabled);
        EXPECT_FALSE(s.fitTip.isEmpty());
    }

    ScratchRepo m_repo;
    std::unique_ptr<models::RepoTreeModel> m_model;
    std::unique_ptr<BudgetMeter> m_meter;
    std::vector<std::pair<workspace::CountState, Shown>> m_whileCounting;
};

} // namespace

TEST_F(BudgetMeterCountingTest, ShowsCountingWithTheShareUntilEveryFileIsCountedThenTheBudget) {
    recordWhileCounting();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    // The count's start is reported before any file is counted: at least that moment was
    // seen, with the share as the workspace stated it.
    ASSERT_FALSE(m_whileCounting.empty());
    for (const auto &[state, s] : m_whileCounting) {
        expectCountingLook(s);
        if (state.total > 0) {
            EXPECT_TRUE(s.format.contains(
                QStringLiteral("%1% of files").arg(int(std::floor(state.share() * 100)))))
                << s.format.toStdString();
        }
    }
    EXPECT_TRUE(std::any_of(m_whileCounting.begin(), m_whileCounting.end(),
                            [](const auto &e) { return e.first.total == 120; }));

    // Finished: the normal figures, colour and Fit to budget.
    ASSERT_TRUE(m_meter->countsComplete());
    EXPECT_TRUE(m_meter->countsPendingReason().isEmpty());
    const Shown done = shown();
    EXPECT_FALSE(done.counting);
    EXPECT_GE(done.level, 0);
    EXPECT_TRUE(done.format.contains(QStringLiteral(" / "))) << done.format.toStdString();
    EXPECT_TRUE(done.format.endsWith(QStringLiteral("%)"))) << done.format.toStdString();
    EXPECT_TRUE(done.styleSheet.contains(QStringLiteral("#2e86c1")));
    EXPECT_TRUE(done.fitEnabled);
    EXPECT_EQ(m_meter->figures().inputTokens > 0, true);
}

TEST_F(BudgetMeterCountingTest, ATokenizerSwitchEntersCountingAgainAndFitWaits) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    ASSERT_TRUE(m_meter->countsComplete());
    const qint64 estimated = m_workspace->selection()->selected(0).tokens;

    QSignalSpy finished(m_workspace.get(), &workspace::Workspace::countingFinished);
    QSignalSpy fit(m_meter.get(), &BudgetMeter::fitRequested);
    recordWhileCounting();
    m_workspace->setTokenizer(std::make_shared<const ByteCounter>(), true);
    // At once: the figures on screen are the old tokenizer's, so they are not final.
    EXPECT_FALSE(m_meter->countsComplete());
    expectCountingLook(shown());
    EXPECT_FALSE(m_meter->countsPendingReason().isEmpty());
    EXPECT_TRUE(figuresText().contains(m_meter->countsPendingReason().toHtmlEscaped()))
        << figuresText().toStdString();
    // Fit to budget (also reachable from the menu) does not run on a partial sum; it says so.
    m_meter->requestFit();
    EXPECT_EQ(fit.count(), 0);
    EXPECT_TRUE(figuresText().contains(QStringLiteral("Fit to budget did not run")))
        << figuresText().toStdString();

    ASSERT_TRUE(finished.wait(60000));
    ASSERT_FALSE(finished.first().at(0).toBool());
    ASSERT_FALSE(m_whileCounting.empty());
    for (const auto &entry : m_whileCounting)
        expectCountingLook(entry.second);
    EXPECT_TRUE(m_meter->countsComplete());
    const Shown done = shown();
    EXPECT_FALSE(done.counting);
    EXPECT_TRUE(done.fitEnabled);
    EXPECT_FALSE(figuresText().contains(QStringLiteral("Fit to budget did not run")));
    // The new figures are the byte counter's.
    const qint64 bytes = m_workspace->selection()->selected(0).tokens;
    EXPECT_NE(bytes, estimated);
    EXPECT_EQ(bytes, m_workspace->selection()->selected(0).bytes);
    m_meter->requestFit();
    EXPECT_EQ(fit.count(), 1);
}

TEST_F(BudgetMeterCountingTest, AStoppedCountStaysNeutralAndSaysWhatIsLeftOut) {
    // A folder large enough that the cancel lands while most files are still queued.
    ScratchRepo folder;
    for (int i = 0; i < 4000; ++i)
        folder.write(QStringLiteral("d%1/f%2.txt").arg(i / 100).arg(i),
                     QByteArray("some words to count ").repeated(1 + i % 50));
    QSignalSpy finished(m_workspace.get(), &workspace::Workspace::countingFinished);
    repo::ScanOptions options;
    options.path = folder.path();
    // Cancel as soon as the count starts, before any result can arrive.
    QObject::connect(m_workspace.get(), &workspace::Workspace::opened, m_meter.get(), [this] {
        QObject::connect(m_workspace.get(), &workspace::Workspace::countingProgress, m_meter.get(),
                         [this] { m_workspace->cancel(); });
    });
    m_workspace->open(options);
    ASSERT_TRUE(finished.wait(60000));
    const workspace::CountState st = m_workspace->countState();
    if (!finished.first().at(0).toBool() || st.done == st.total)
        GTEST_SKIP() << "every file was counted before the cancel took effect";
    EXPECT_EQ(st.phase, workspace::CountState::Phase::Stopped);
    EXPECT_FALSE(m_meter->countsComplete());
    const Shown s = shown();
    EXPECT_TRUE(s.counting);
    EXPECT_EQ(s.level, -1);
    EXPECT_TRUE(s.format.startsWith(QStringLiteral("counting stopped at ")))
        << s.format.toStdString();
    EXPECT_FALSE(s.fitEnabled);
    EXPECT_TRUE(m_meter->countsPendingReason().contains(QStringLiteral("stopped")));
}

TEST_F(BudgetMeterCountingTest, ACapAboveTheModelsLimitIsKeptWithAVisibleWarning) {
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
    const QLocale loc = QLocale::system();
    // The default cap is the model's limit, and then there is nothing to warn about.
    EXPECT_EQ(m_meter->contextCap(), 131072);
    EXPECT_EQ(m_meter->knownLimit(), 131072);
    EXPECT_TRUE(m_meter->capWarning().isEmpty());
    EXPECT_FALSE(figuresText().contains(QStringLiteral("is above")));

    capSpin()->setValue(99'999'999);
    EXPECT_EQ(m_meter->contextCap(), 99'999'999); // accepted…
    const QString expected = QStringLiteral("cap %1 is above this model's %2 limit")
                                 .arg(loc.toString(99'999'999), loc.toString(131072));
    EXPECT_TRUE(m_meter->capWarning().startsWith(expected)) << m_meter->capWarning().toStdString();
    EXPECT_TRUE(figuresText().contains(expected.toHtmlEscaped())) // …with the warning shown
        << figuresText().toStdString();
    EXPECT_TRUE(m_meter->summaryText().contains(QStringLiteral("cap above the model's limit")))
        << m_meter->summaryText().toStdString();

    // A live server's figure is the limit once known.
    m_meter->setLiveCap(32768, QStringLiteral("GET /props"));
    EXPECT_EQ(m_meter->contextCap(), 32768);
    EXPECT_TRUE(m_meter->capWarning().isEmpty());
    capSpin()->setValue(65536);
    EXPECT_TRUE(
        m_meter->capWarning().startsWith(QStringLiteral("cap %1 is above the server's %2 limit")
                                             .arg(loc.toString(65536), loc.toString(32768))))
        << m_meter->capWarning().toStdString();
    capSpin()->setValue(32768);
    EXPECT_TRUE(m_meter->capWarning().isEmpty());
}

TEST_F(BudgetMeterCountingTest, TheDefaultModelExistsAndRetiredOnesAreLastLabelledOnce) {
    // A provider never chosen before: the first available model, not the retired Scout
    // (the catalog's first entry).
    auto *provider = m_meter->findChildren<QComboBox *>().at(0);
    provider->setCurrentIndex(provider->findData(QStringLiteral("openrouter")));
    QSettings().remove(QStringLiteral("budget/model/groq"));
    provider->setCurrentIndex(provider->findData(QStringLiteral("groq")));
    ASSERT_NE(m_meter->currentModel(), nullptr);
    EXPECT_FALSE(m_meter->currentModel()->isRetired());
    EXPECT_EQ(m_meter->currentModel()->id, QStringLiteral("openai/gpt-oss-120b"));

    QComboBox *models = m_meter->findChildren<QComboBox *>().at(1);
    ASSERT_GE(models->count(), 3);
    EXPECT_EQ(models->itemData(models->count() - 1).toString(),
              QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    EXPECT_EQ(models->itemText(models->count() - 1),
              QStringLiteral("Llama 4 Scout — retired 2026-07-17"));
    for (int i = 0; i < models->count(); ++i)
        EXPECT_LE(models->itemText(i).count(QStringLiteral("retired")), 1)
            << models->itemText(i).toStdString();

    // Scout remembered from the time it was Groq's first entry: the default takes over.
    QSettings().setValue(QStringLiteral("budget/model/groq"),
                         QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    provider->setCurrentIndex(provider->findData(QStringLiteral("openrouter")));
    provider->setCurrentIndex(provider->findData(QStringLiteral("groq")));
    EXPECT_EQ(m_meter->currentModel()->id, QStringLiteral("openai/gpt-oss-120b"));
    // It can still be chosen by hand (history), and then it is the model.
    m_meter->selectModel(QStringLiteral("groq"),
                         QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    EXPECT_TRUE(m_meter->currentModel()->isRetired());
}
