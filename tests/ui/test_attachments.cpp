// SPDX-License-Identifier: MIT
// Images attached to a question: prepared on the pool for the chosen model, shown in the strip,
// refused for a model without vision, counted in the budget (test_attachments_e2e.cpp sends them).
#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "attachments/imagepreviewdialog.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "images/imageprep.h"
#include "images/imagetokens.h"
#include "llm/catalog/modelcatalog.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QClipboard>
#include <QDropEvent>
#include <QFile>
#include <QFrame>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QUrl>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

using namespace reposcope;
using namespace reposcope::test;
using ui::Attachment;
using ui::AttachmentController;

namespace {

const QString kGroq = QStringLiteral("groq");
const QString kScout = QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct");
const QString kGptOss = QStringLiteral("openai/gpt-oss-120b");

// An "ERD": two tables joined by a line, on white.
QImage diagram(QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setPen(QPen(Qt::black, 3));
    painter.drawRect(20, 20, size.width() / 3, size.height() / 3);
    painter.drawRect(size.width() / 2, size.height() / 2, size.width() / 3, size.height() / 3);
    painter.drawLine(20 + size.width() / 3, 20 + size.height() / 6, size.width() / 2,
                     size.height() / 2 + size.height() / 6);
    return image;
}

// A drag entering `target` then dropped there, as the window system delivers it.
void dropOn(QWidget *target, const QMimeData *mime) {
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    return path;
}

QString writePng(const QTemporaryDir &dir, const QString &name, QSize size) {
    const QString path = dir.filePath(name);
    EXPECT_TRUE(diagram(size).save(path, "PNG"));
    return path;
}

class AttachmentsTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_files.isValid());
        m_controller = std::make_unique<AttachmentController>(&m_pool);
        useModel(kGroq, kScout);
    }
    void TearDown() override {
        m_pane.reset();
        m_controller.reset();
        ServicesTest::TearDown();
    }

    void useModel(const QString &provider, const QString &model) {
        m_controller->setModel(m_catalog.provider(provider), m_catalog.model(provider, model));
    }
    // Every attachment prepared or failed, sent or not.
    bool waitPrepared() {
        return processEventsUntil([&] {
            const QList<Attachment> &items = m_controller->attachments();
            return std::none_of(items.cbegin(), items.cend(), [](const Attachment &a) {
                return a.state == Attachment::State::Preparing;
            });
        });
    }
    ui::ChatPane *pane() {
        if (!m_pane) {
            m_pane = std::make_unique<ui::ChatPane>();
            m_pane->setAttachments(m_controller.get());
        }
        return m_pane.get();
    }

    QTemporaryDir m_files;
    std::unique_ptr<AttachmentController> m_controller;
    std::unique_ptr<ui::ChatPane> m_pane;
};

} // namespace

TEST_F(AttachmentsTest, PreparesFilesOnThePoolAndCountsThemByTheModelsRule) {
    const QString first = writePng(m_files, QStringLiteral("erd.png"), QSize(512, 512));
    const QString second = writePng(m_files, QStringLiteral("wide.png"), QSize(900, 300));
    QSignalSpy tokens(m_controller.get(), &AttachmentController::tokensChanged);
    EXPECT_GT(m_controller->addFile(first), 0);
    EXPECT_GT(m_controller->addFile(second), 0);
    EXPECT_TRUE(m_controller->isPreparing());
    EXPECT_TRUE(m_controller->sendableImages().isEmpty()); // nothing is sent half-prepared
    ASSERT_TRUE(waitPrepared());

    const QList<llm::ImagePart> parts = m_controller->sendableImages();
    ASSERT_EQ(parts.size(), 2);
    const QList<Attachment> &items = m_controller->attachments();
    EXPECT_EQ(items[0].name, QStringLiteral("erd.png"));
    EXPECT_EQ(items[1].name, QStringLiteral("wide.png"));
    for (int i = 0; i < 2; ++i) {
        EXPECT_FALSE(QImage::fromData(parts[i].data).isNull());
        EXPECT_TRUE(parts[i].mimeType.startsWith("image/"));
    }
    // PROVIDERS.md's worked example: 512×512 → a 2×2 grid → 727 tokens.
    EXPECT_EQ(items[0].image->tokens.tokens, 727);
    const images::ImageTokens wide =
        images::imageTokens(items[1].image->sentSize, images::kLlama4TilesRule.toString());
    EXPECT_EQ(m_controller->tokens().tokens, 727 + wide.tokens);
    EXPECT_TRUE(m_controller->tokens().exact);
    ASSERT_FALSE(tokens.isEmpty());
    EXPECT_EQ(tokens.last().at(0).toLongLong(), 727 + wide.tokens);

    m_controller->remove(items[0].id);
    EXPECT_EQ(m_controller->sendableImages().size(), 1);
    EXPECT_EQ(tokens.last().at(0).toLongLong(), wide.tokens);
}

TEST_F(AttachmentsTest, CorruptFileIsAnErrorChipAndTheOthersStillSend) {
    ui::AttachmentStrip *strip = pane()->attachmentStrip();
    const QString good = writePng(m_files, QStringLiteral("erd.png"), QSize(512, 512));
    QByteArray truncated;
    {
        QFile file(good);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        truncated = file.readAll().left(60);
    }
    const QString corrupt = writeFile(m_files, QStringLiteral("broken.png"), truncated);
    m_controller->addFile(corrupt);
    m_controller->addFile(good);
    m_controller->addFile(m_files.filePath(QStringLiteral("missing.png")));
    ASSERT_TRUE(waitPrepared());
    pane()->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(pane()));

    ASSERT_EQ(strip->chips().size(), 3);
    EXPECT_TRUE(strip->isVisibleTo(pane()));
    EXPECT_TRUE(strip->chips()[0]->property("failed").toBool());
    EXPECT_FALSE(strip->chips()[1]->property("failed").toBool());
    EXPECT_TRUE(strip->chips()[2]->property("failed").toBool());
    EXPECT_EQ(m_controller->attachments()[0].state, Attachment::State::Failed);
    EXPECT_FALSE(m_controller->attachments()[0].error.isEmpty());
    EXPECT_TRUE(strip->chipText(0).contains(m_controller->attachments()[0].error));
    EXPECT_TRUE(strip->chipText(2).contains(QStringLiteral("missing.png")));
    // The good one: its sent size, bytes and tokens.
    EXPECT_TRUE(strip->chipText(1).contains(QStringLiteral("512×512")));
    EXPECT_TRUE(strip->chipText(1).contains(QStringLiteral("727 tokens")));
    EXPECT_EQ(m_controller->sendableImages().size(), 1);
    EXPECT_TRUE(strip->summaryText().contains(QStringLiteral("2 not sent")));

    // Send tells what goes and what does not.
    ui::ChatTargetSummary target;
    target.providerId = QStringLiteral("local");
    target.configured = true;
    pane()->setTargetSummary(target);
    pane()->setComposerText(QStringLiteral("Compare the ERD with the models"));
    auto *send = pane()->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    ASSERT_TRUE(send);
    EXPECT_TRUE(send->isEnabled());
    EXPECT_TRUE(send->toolTip().contains(QStringLiteral("1 image")))
        << send->toolTip().toStdString();
    EXPECT_TRUE(send->toolTip().contains(QStringLiteral("2 attached image(s) will not be sent")));

    // A click opens the preview of the image as sent.
    QTest::mouseClick(strip->chips()[1], Qt::LeftButton);
    auto *preview = strip->findChild<ui::ImagePreviewDialog *>();
    ASSERT_TRUE(preview);
    EXPECT_EQ(preview->image().size(), QSize(512, 512));
    EXPECT_TRUE(preview->captionText().contains(QStringLiteral("Original 512×512 PNG")))
        << preview->captionText().toStdString();
    preview->close();

    // Delete on the focused chip removes it.
    strip->chips()[0]->setFocus();
    QTest::keyClick(strip->chips()[0], Qt::Key_Delete);
    ASSERT_TRUE(processEventsUntil([&] { return m_controller->attachments().size() == 2; }));
    EXPECT_EQ(m_controller->attachments()[0].name, QStringLiteral("erd.png"));
    EXPECT_EQ(strip->chips().size(), 2);
}

TEST_F(AttachmentsTest, AModelWithoutVisionDisablesAttachingAndSaysWhy) {
    const QString good = writePng(m_files, QStringLiteral("erd.png"), QSize(512, 512));
    m_controller->addFile(good);
    ASSERT_TRUE(waitPrepared());
    auto *attach = pane()->findChild<QToolButton *>(QStringLiteral("chatAttachButton"));
    ASSERT_TRUE(attach);
    EXPECT_TRUE(attach->isEnabled());

    useModel(kGroq, kGptOss);
    EXPECT_FALSE(attach->isEnabled());
    EXPECT_TRUE(attach->toolTip().contains(QStringLiteral("does not read images")));
    EXPECT_TRUE(attach->toolTip().contains(m_catalog.model(kGroq, kGptOss)->name));
    // The attachment is kept, marked, and out of the budget.
    ASSERT_EQ(m_controller->attachments().size(), 1);
    EXPECT_EQ(m_controller->attachments()[0].exclusion, QStringLiteral("not sent to this model"));
    EXPECT_TRUE(
        pane()->attachmentStrip()->chipText(0).contains(QStringLiteral("not sent to this model")));
    EXPECT_EQ(m_controller->tokens().tokens, 0);
    EXPECT_TRUE(m_controller->sendableImages().isEmpty());

    QSignalSpy refused(m_controller.get(), &AttachmentController::attachRefused);
    EXPECT_EQ(m_controller->addFile(good), 0);
    ASSERT_EQ(refused.size(), 1);
    EXPECT_TRUE(refused[0][0].toString().contains(QStringLiteral("vision model")));
    EXPECT_EQ(m_controller->attachments().size(), 1);

    // Back to a vision model: sent again.
    useModel(kGroq, kScout);
    ASSERT_TRUE(waitPrepared());
    EXPECT_EQ(m_controller->sendableImages().size(), 1);
    EXPECT_TRUE(attach->isEnabled());
}

TEST_F(AttachmentsTest, ImagesPastThePerRequestLimitAreMarkedAndNotSent) {
    const int limit = m_catalog.provider(kGroq)->images.maxImagesPerRequest;
    ASSERT_GT(limit, 0);
    const QString path = writePng(m_files, QStringLiteral("erd.png"), QSize(200, 120));
    for (int i = 0; i <= limit; ++i)
        m_controller->addFile(path);
    ASSERT_TRUE(waitPrepared());
    EXPECT_EQ(m_controller->sendableImages().size(), limit);
    EXPECT_TRUE(m_controller->attachments().last().exclusion.contains(QString::number(limit)));
    m_controller->remove(m_controller->attachments().first().id);
    ASSERT_TRUE(waitPrepared());
    EXPECT_EQ(m_controller->sendableImages().size(), limit); // the extra one moves up
}

TEST_F(AttachmentsTest, DropsAndPastesAttachImageFilesAndClipboardImages) {
    ui::ChatPane *chat = pane();
    auto *composer = chat->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    ASSERT_TRUE(composer);
    const QString path = writePng(m_files, QStringLiteral("erd.png"), QSize(400, 300));

    // A file dropped on the composer is attached, not inserted as text.
    QMimeData files;
    files.setUrls({QUrl::fromLocalFile(path)});
    files.setText(QUrl::fromLocalFile(path).toString());
    dropOn(composer->viewport(), &files);
    EXPECT_EQ(m_controller->attachments().size(), 1);
    EXPECT_TRUE(composer->toPlainText().isEmpty());

    // Dropped on the pane (e.g. the transcript).
    dropOn(chat->transcript()->viewport(), &files);
    EXPECT_EQ(m_controller->attachments().size(), 2);

    // An image on the clipboard (a screenshot) pastes as an attachment.
    auto *bitmap = new QMimeData;
    bitmap->setImageData(diagram(QSize(300, 200)));
    QApplication::clipboard()->setMimeData(bitmap);
    composer->paste();
    ASSERT_EQ(m_controller->attachments().size(), 3);
    EXPECT_EQ(m_controller->attachments()[2].name, QStringLiteral("pasted image"));

    // Plain text still pastes as text.
    QApplication::clipboard()->setText(QStringLiteral("plain words"));
    composer->paste();
    EXPECT_EQ(composer->toPlainText(), QStringLiteral("plain words"));
    EXPECT_EQ(m_controller->attachments().size(), 3);

    ASSERT_TRUE(waitPrepared());
    EXPECT_EQ(m_controller->sendableImages().size(), 3);
    EXPECT_EQ(m_controller->attachments()[2].image->sentSize, QSize(300, 200));
    EXPECT_TRUE(chat->attachmentStrip()->summaryText().startsWith(QStringLiteral("3 image")));

    // Without vision a drop attaches nothing.
    useModel(kGroq, kGptOss);
    dropOn(composer->viewport(), &files);
    EXPECT_EQ(m_controller->attachments().size(), 3);
}

TEST_F(AttachmentsTest, BudgetMeterCountsTheImages) {
    ui::BudgetMeter meter(m_workspace.get(), &m_catalog);
    meter.selectModel(kGroq, kScout);
    const qint64 before = meter.figures().inputTokens;
    meter.setImageTokens(727, true);
    EXPECT_EQ(meter.figures().inputTokens, before + 727);
    QString all;
    for (const QLabel *label : meter.findChildren<QLabel *>())
        all += label->text();
    EXPECT_TRUE(all.contains(QStringLiteral("images 727"))) << all.toStdString();
    meter.setImageTokens(1000, false);
    EXPECT_EQ(meter.figures().inputTokens, before + 1000);
    all.clear();
    for (const QLabel *label : meter.findChildren<QLabel *>())
        all += label->text();
    EXPECT_TRUE(all.contains(QStringLiteral("images ≈1"))) << all.toStdString();
}
