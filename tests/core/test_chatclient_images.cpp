// SPDX-License-Identifier: MIT
// Prepared images on the wire: the loopback server reads the request ChatClient sent and
// checks the user message's content parts (text first and byte-equal, then one image_url
// part per image with its MIME type), and that each data URL decodes to an image within
// the limits it was prepared for.
#include "contentparts.h"
#include "images/imageprep.h"
#include "imagesamples.h"
#include "test_chatclient.h"

#include <QJsonArray>

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatPhase;

namespace {

using ChatClientImages = ChatClientTest;

} // namespace

TEST_F(ChatClientImages, ContentPartsAreTextThenImagesWithinTheLimits) {
    images::PrepareLimits limits;
    limits.maxLongEdge = 800;
    limits.maxBytesPerImage = 300'000;
    limits.tokenRule = QStringLiteral("llama4-tiles");
    const auto photo = images::prepareImage(encodeImage(photoLike(QSize(2400, 1600)), "png"),
                                            QStringLiteral("photo.png"), limits);
    const auto erd = images::prepareImage(encodeImage(diagram(QSize(1200, 900)), "png"),
                                          QStringLiteral("erd.png"), limits);
    ASSERT_TRUE(photo.ok()) << photo.error().message.toStdString();
    ASSERT_TRUE(erd.ok()) << erd.error().message.toStdString();

    const QByteArray pack = "File: db/models.py\nclass Order(Model):  # \"quoted\" \\ \xC3\xA9\n";
    llm::ChatRequestSpec spec = makeSpec(pack);
    spec.messages[1].images = {photo->part, erd->part};
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(server.requestCount(), 1);

    const QJsonObject body = QJsonDocument::fromJson(server.requests().constFirst().body).object();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    ASSERT_EQ(messages.size(), 2);
    // The system message has no images and stays a plain string.
    EXPECT_TRUE(messages[0].toObject().value(QLatin1String("content")).isString());
    const QJsonArray parts = messages[1].toObject().value(QLatin1String("content")).toArray();
    ASSERT_EQ(parts.size(), 3);

    const QJsonObject textPart = parts[0].toObject();
    EXPECT_EQ(textPart.value(QLatin1String("type")).toString(), QStringLiteral("text"));
    EXPECT_EQ(textPart.value(QLatin1String("text")).toString().toUtf8(), pack); // byte-equal

    const QList<const images::PreparedImage *> sent = {&*photo, &*erd};
    const QList<QByteArray> expectedTypes = {"image/jpeg", "image/png"};
    for (int i = 0; i < 2; ++i) {
        const QJsonObject part = parts[i + 1].toObject();
        EXPECT_EQ(part.value(QLatin1String("type")).toString(), QStringLiteral("image_url"));
        const QString url = test::imageUrlOf(part);
        EXPECT_LE(url.size(), limits.maxBytesPerImage) << "image " << i;
        const DataUrl data = test::parseDataUrl(url);
        EXPECT_EQ(data.mimeType, expectedTypes[i]) << "image " << i;
        EXPECT_EQ(data.bytes, sent[i]->part.data) << "image " << i;
        const QImage image = QImage::fromData(data.bytes);
        ASSERT_FALSE(image.isNull()) << "image " << i;
        EXPECT_LE(qMax(image.width(), image.height()), limits.maxLongEdge) << "image " << i;
        EXPECT_EQ(image.size(), sent[i]->sentSize) << "image " << i;
    }
}
