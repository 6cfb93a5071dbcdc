// SPDX-License-Identifier: MIT
// The chat pane's layout under pressure: many attachments in a small window never squeeze the
// transcript below a readable height, and failed turns are named and cleared in the transcript.
#include "attachments/attachmentcontroller.h"
#include "attachments/attachmentstrip.h"
#include "chat/chatpane.h"
#include "common/figures.h"
#include "eventloop.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"

#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;
using reposcope::formatBytes;

namespace {

QImage picture(int seed) {
    QImage image(QSize(400, 300), QImage::Format_RGB32);
    image.fill(QColor::fromHsv((seed * 37) % 360, 120, 230));
    QPainter painter(&image);
    painter.drawText(image.rect(), Qt::AlignCenter, QString::number(seed));
    return image;
}

class ChatPaneLayoutTest : public ServicesTest {};

} // namespace

TEST_F(ChatPaneLayoutTest, ManyAttachmentsNeverSqueezeTheTranscript) {
    QThreadPool pool;
    ui::AttachmentController controller(&pool);
    controller.setModel(
        m_catalog.provider(QStringLiteral("groq")),
        m_catalog.model(QStringLiteral("groq"),
                        QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct")));
    ui::ChatPane pane;
    pane.setAttachments(&controller);
    pane.resize(520, 300); // a small window
    pane.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane));
    const int readable = pane.transcript()->fontMetrics().lineSpacing() * 6;

    for (int i = 0; i < 14; ++i)
        ASSERT_GT(controller.addImage(picture(i), QStringLiteral("shot-%1.png").arg(i)), 0);
    ASSERT_TRUE(processEventsUntil([&] { return !controller.isPreparing(); }));
    ASSERT_TRUE(processEventsUntil([&] { return pane.attachmentStrip()->isVisible(); }));
    QCoreApplication::processEvents();
    EXPECT_EQ(pane.attachmentStrip()->chips().size(), 14);
    EXPECT_GE(pane.transcript()->viewport()->height(), readable)
        << "transcript " << pane.transcript()->height() << " px in a pane of " << pane.height();
    // The strip is all there too: the pane grew to fit rather than overlapping it.
    EXPECT_GE(pane.attachmentStrip()->height(), pane.attachmentStrip()->minimumSizeHint().height());

    // One size style: the chip says what the transcript's tooltip will say for the same image.
    const QList<llm::ImagePart> parts = controller.sendableImages();
    ASSERT_FALSE(parts.isEmpty()); // the model takes a few; the rest are shown greyed
    const QString size = formatBytes(parts[0].data.size());
    EXPECT_TRUE(size.endsWith(QStringLiteral(" KB")) || size.endsWith(QStringLiteral(" MB")))
        << size.toStdString();
    EXPECT_TRUE(pane.attachmentStrip()->chipText(0).contains(size))
        << pane.attachmentStrip()->chipText(0).toStdString();
    QList<llm::Turn> turns(1);
    turns[0].question = QStringLiteral("Look");
    turns[0].images = {parts[0]};
    turns[0].phase = llm::ChatPhase::Done;
    ui::TranscriptView transcript(nullptr);
    transcript.setTurns(&turns);
    QString tooltip;
    for (QTextBlock block = transcript.document()->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isImageFormat())
                tooltip = it.fragment().charFormat().toolTip();
    EXPECT_TRUE(tooltip.contains(size)) << tooltip.toStdString();

    // Asked to shrink further, the pane keeps the transcript readable.
    pane.resize(520, 120);
    QCoreApplication::processEvents();
    EXPECT_GE(pane.transcript()->viewport()->height(), readable);
}

TEST_F(ChatPaneLayoutTest, FailedWithoutAnswerIsFailedAndPartialIsIncomplete) {
    QList<llm::Turn> turns;
    llm::Turn failed;
    failed.question = QStringLiteral("Q1");
    failed.phase = llm::ChatPhase::Failed;
    failed.error = llm::ChatError{};
    failed.error->message = QStringLiteral("The server answered HTTP 502.");
    llm::Turn partial = failed;
    partial.question = QStringLiteral("Q2");
    partial.answer = QStringLiteral("Half of it");
    turns << failed << partial;
    ui::ChatPane pane;
    pane.setTurns(&turns);
    const QString first = pane.transcript()->renderedTurnText(0);
    EXPECT_TRUE(first.contains(QStringLiteral("⚠ Failed: The server answered HTTP 502.")))
        << first.toStdString();
    EXPECT_FALSE(first.contains(QStringLiteral("Incomplete")));
    EXPECT_TRUE(first.contains(QStringLiteral("Clear failed turns")));
    const QString second = pane.transcript()->renderedTurnText(1);
    EXPECT_TRUE(second.contains(QStringLiteral("⚠ Incomplete: The server answered HTTP 502.")));
    EXPECT_FALSE(second.contains(QStringLiteral("Clear failed turns")))
        << "a turn with answer text is never cleared";

    // A cleared turn is not shown; the others keep their place.
    turns[0].cleared = true;
    pane.reload();
    EXPECT_TRUE(pane.transcript()->renderedTurnText(0).isEmpty());
    EXPECT_FALSE(pane.transcript()->document()->toPlainText().contains(QStringLiteral("Q1")));
    EXPECT_TRUE(pane.transcript()->renderedTurnText(1).contains(QStringLiteral("Half of it")));
}
