// SPDX-License-Identifier: MIT
// Images through the whole window against a loopback server: attached to the next question
// (one good, one corrupt), counted in the budget, sent as an image_url part after the text,
// cleared from the strip once the turn starts and shown in the transcript under the question.
#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "attachments/imagepreviewdialog.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "contentparts.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "mainwindow.h"
#include "repository/repopanel.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>
#include <QUrl>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

QByteArray erdPng() {
    QImage image(512, 512, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setPen(QPen(Qt::black, 3));
    painter.drawRect(20, 20, 180, 120);
    painter.drawRect(300, 340, 180, 120);
    painter.drawLine(200, 80, 300, 400);
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

class AttachmentsWindowTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        llm::ProviderEntry provider =
            loopbackProvider(m_server.baseUrl(), QStringLiteral("test-vision"),
                             QStringLiteral("Test vision server"));
        provider.images.maxImagesPerRequest = 4;
        llm::ModelEntry model;
        model.id = QStringLiteral("scout");
        model.name = QStringLiteral("Scout");
        model.contextTokens = 65536;
        model.maxOutputTokens = 512;
        model.vision = true;
        model.imageTokenRule = QStringLiteral("llama4-tiles");
        model.tokenizer = QStringLiteral("estimate");
        provider.models = {model};
        useProvider(m_catalog, provider);

        m_repo.initGit();
        m_repo.write(QStringLiteral("app/models.py"),
                     "class Invoice:\n    customer_id = ForeignKey('Customer')\n");
        m_repo.write(QStringLiteral("docs/erd.png"), erdPng());
        m_repo.commitAll();

        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_F(AttachmentsWindowTest, SendsTheGoodImageAfterTheTextAndShowsItInTheTranscript) {
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(pane && pane->attachments());
    ui::AttachmentController *attachments = pane->attachments();
    ASSERT_TRUE(attachments->canAttach());

    // "Attach as Image" on the tree's docs/erd.png, read through the snapshot; and a corrupt file.
    const repo::SnapshotPtr snapshot = m_workspace->snapshot();
    const int node = snapshot->find("docs/erd.png");
    ASSERT_GT(node, 0);
    Q_EMIT m_window->repoPanel()->attachImageRequested(node);
    ASSERT_TRUE(m_files.isValid());
    const QString corrupt = m_files.filePath(QStringLiteral("broken.jpg"));
    {
        QFile file(corrupt);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("\xFF\xD8\xFF\xE0 this is not really a JPEG");
    }
    attachments->addFile(corrupt);
    ASSERT_TRUE(processEventsUntil(
        [&] { return attachments->attachments().size() == 2 && !attachments->isPreparing(); }));
    EXPECT_EQ(attachments->attachments()[0].name, QStringLiteral("erd.png"));
    EXPECT_EQ(attachments->attachments()[1].state, ui::Attachment::State::Failed);
    // 512×512 costs Llama 4 727 tokens (PROVIDERS.md); the budget includes them until sent.
    const qint64 withImage = m_window->budgetMeter()->figures().inputTokens;

    m_server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(QStringLiteral("`Invoice.customer_id` matches.")),
         sse::finishChunk(), sse::usageChunk(900, 6), sse::done()}));
    auto *composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    ASSERT_TRUE(composer && send);
    composer->setPlainText(QStringLiteral("Does the ORM match the ERD?"));
    ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
    send->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return pane->lastAnswerMarkdown().contains(QStringLiteral("matches")) && !pane->isBusy();
    }));

    ASSERT_EQ(m_server.requestCount(), 1);
    const QJsonArray content = lastMessageParts(m_server.requests()[0].body);
    ASSERT_EQ(content.size(), 2); // the text, then the one good image; the corrupt one stayed out
    EXPECT_EQ(content[0].toObject().value(QStringLiteral("type")).toString(),
              QStringLiteral("text"));
    EXPECT_TRUE(content[0]
                    .toObject()
                    .value(QStringLiteral("text"))
                    .toString()
                    .endsWith(QStringLiteral("Does the ORM match the ERD?")));
    EXPECT_EQ(content[1].toObject().value(QStringLiteral("type")).toString(),
              QStringLiteral("image_url"));
    const QString url = imageUrlOf(content[1]);
    const DataUrl data = parseDataUrl(url);
    ASSERT_EQ(data.mimeType, "image/png") << url.left(40).toStdString();
    const QImage sent = QImage::fromData(data.bytes, "PNG");
    EXPECT_EQ(sent.size(), QSize(512, 512));

    // The images now belong to the turn: the strip is empty, the transcript shows a thumbnail.
    EXPECT_TRUE(attachments->isEmpty());
    EXPECT_FALSE(pane->attachmentStrip()->isVisible());
    EXPECT_EQ(withImage - m_window->budgetMeter()->figures().inputTokens, 727);
    const QString turn = pane->transcript()->renderedTurnText(0);
    EXPECT_TRUE(turn.contains(QChar::ObjectReplacementCharacter)) << turn.toStdString();
    // Its link opens the preview of what was sent.
    Q_EMIT pane->transcript()->linkActivated(QUrl(QStringLiteral("reposcope:image/0/0")));
    auto *preview = pane->findChild<ui::ImagePreviewDialog *>();
    ASSERT_TRUE(preview);
    EXPECT_EQ(preview->image().size(), QSize(512, 512));
}
