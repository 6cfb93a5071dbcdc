// SPDX-License-Identifier: MIT
// Decoding bombs attached in the app: a 34-byte GIF declaring 15000×15000, dropped as a file
// or pasted as bytes, becomes a red chip that says why and is never sent; a GIF whose frame
// holds no pixels is refused instead of going out blank. The core suite
// (test_decodingbombs.cpp) bounds the memory; this checks what the window shows.
#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "uitestsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

using namespace reposcope;
using namespace reposcope::test;
using ui::Attachment;
using ui::AttachmentController;

namespace {

// A GIF declaring `size` whose one frame's LZW data is clear + end: 34 bytes.
QByteArray emptyGif(int width, int height) {
    QByteArray dims(4, '\0');
    qToLittleEndian(quint16(width), dims.data());
    qToLittleEndian(quint16(height), dims.data() + 2);
    return QByteArrayLiteral("GIF89a") + dims + QByteArrayLiteral("\x80\x00\x00") +
           QByteArrayLiteral("\x00\x00\x00\xFF\xFF\xFF") +
           QByteArrayLiteral("\x2C\x00\x00\x00\x00") + dims +
           QByteArrayLiteral("\x00\x02\x01\x2C\x00\x3B");
}

class AttachmentBombsTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_files.isValid());
        m_controller = std::make_unique<AttachmentController>(&m_pool);
        m_controller->setModel(
            m_catalog.provider(QStringLiteral("groq")),
            m_catalog.model(QStringLiteral("groq"),
                            QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct")));
        m_pane = std::make_unique<ui::ChatPane>();
        m_pane->setAttachments(m_controller.get());
    }
    void TearDown() override {
        m_pane.reset();
        m_controller.reset();
        ServicesTest::TearDown();
    }
    bool waitPrepared() {
        return processEventsUntil([&] {
            const QList<Attachment> &items = m_controller->attachments();
            return std::none_of(items.cbegin(), items.cend(), [](const Attachment &a) {
                return a.state == Attachment::State::Preparing;
            });
        });
    }

    QTemporaryDir m_files;
    std::unique_ptr<AttachmentController> m_controller;
    std::unique_ptr<ui::ChatPane> m_pane;
};

} // namespace

TEST_F(AttachmentBombsTest, BombsAreErrorChipsWithTheReasonAndNothingIsSent) {
    const QString path = m_files.filePath(QStringLiteral("bomb.gif"));
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(emptyGif(15000, 15000));
    }
    m_controller->addFile(path);
    m_controller->addBytes(emptyGif(15000, 15000), QStringLiteral("pasted image"));
    m_controller->addBytes(emptyGif(1000, 800), QStringLiteral("empty.gif"));
    ASSERT_TRUE(waitPrepared());
    m_pane->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_pane.get()));

    ui::AttachmentStrip *strip = m_pane->attachmentStrip();
    ASSERT_EQ(strip->chips().size(), 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(m_controller->attachments()[i].state, Attachment::State::Failed) << i;
        EXPECT_TRUE(strip->chips()[i]->property("failed").toBool()) << i;
        EXPECT_TRUE(strip->chipText(i).contains(m_controller->attachments()[i].error)) << i;
    }
    for (int i = 0; i < 2; ++i) {
        const QString error = m_controller->attachments()[i].error;
        EXPECT_TRUE(error.contains(QStringLiteral("15000×15000 GIF is too large to decode")))
            << error.toStdString();
        EXPECT_TRUE(error.contains(QStringLiteral("256.0 MB limit"))) << error.toStdString();
    }
    EXPECT_TRUE(m_controller->attachments()[2].error.contains(
        QStringLiteral("ends after 0 of its 800000 pixels")))
        << m_controller->attachments()[2].error.toStdString();
    EXPECT_TRUE(m_controller->sendableImages().isEmpty());
    EXPECT_TRUE(strip->summaryText().contains(QStringLiteral("3 not sent")))
        << strip->summaryText().toStdString();
}
