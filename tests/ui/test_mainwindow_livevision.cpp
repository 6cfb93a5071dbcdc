// SPDX-License-Identifier: MIT
// What the live server says about images wins over the catalog's entry: a llama-server
// started with --mmproj reports a vision projector in /props, and the window then accepts
// attachments for "Loaded model", whose catalog entry cannot know that; a server that says
// it reads no images turns a vision entry off.
#include "mainwindow.h"

#include "attachments/attachmentcontroller.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "scriptedserver.h"
#include "uitestsupport.h"

#include <KSyntaxHighlighting/Repository>

#include <QNetworkAccessManager>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class LiveVisionTest : public ServicesTest {
protected:
    void openWindow(bool catalogVision, const char *props) {
        ASSERT_TRUE(m_server.isListening());
        llm::ProviderEntry provider = loopbackProvider(m_server.baseUrl());
        provider.capSource = QStringLiteral("llama-server-props");
        provider.models[0].vision = catalogVision;
        useProvider(m_catalog, provider);
        m_server.enqueue(ScriptedResponse::json(200, props));

        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        auto *pane = m_window->findChild<ui::ChatPane *>();
        ASSERT_TRUE(pane && pane->attachments());
        m_attachments = pane->attachments();
        ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; }));
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::AttachmentController *m_attachments = nullptr;
};

} // namespace

TEST_F(LiveVisionTest, AServerWithAVisionProjectorAcceptsImagesForTheLoadedModel) {
    ASSERT_NO_FATAL_FAILURE(openWindow(
        false, R"({"default_generation_settings":{"n_ctx":65536},"modalities":{"vision":true}})"));
    EXPECT_EQ(m_server.requests()[0].target, "/props");
    ASSERT_TRUE(processEventsUntil([&] { return m_attachments->canAttach(); }))
        << m_attachments->disabledReason().toStdString();
    EXPECT_TRUE(m_attachments->disabledReason().isEmpty());
}

TEST_F(LiveVisionTest, AServerWithoutVisionRefusesImagesEvenForAVisionEntry) {
    ASSERT_NO_FATAL_FAILURE(openWindow(
        true, R"({"default_generation_settings":{"n_ctx":65536},"modalities":{"vision":false}})"));
    ASSERT_TRUE(processEventsUntil([&] { return !m_attachments->canAttach(); }));
    EXPECT_TRUE(m_attachments->disabledReason().contains(QStringLiteral("does not read images")))
        << m_attachments->disabledReason().toStdString();
}

TEST_F(LiveVisionTest, AServerThatDoesNotSayKeepsTheCatalogsEntry) {
    ASSERT_NO_FATAL_FAILURE(
        openWindow(false, R"({"default_generation_settings":{"n_ctx":65536}})"));
    // Once the probe's answer has changed the cap, the entry's vision stays as it was.
    auto *budget = m_window->findChild<ui::BudgetMeter *>();
    ASSERT_TRUE(budget);
    ASSERT_TRUE(processEventsUntil([&] { return budget->contextCap() == 65536; }));
    EXPECT_FALSE(m_attachments->canAttach());
}
