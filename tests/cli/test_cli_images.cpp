// SPDX-License-Identifier: MIT
// reposcope-cli ask --image against a real loopback server: the image reaches the server
// as an image_url part after the text; a model without vision, a corrupt image and too
// many images stop before anything is sent.
#include "askrun.h"
#include "contentparts.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QColor>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::test;

namespace {

// In the built-in catalog: vLLM serves Llama 4 Scout with vision; llama-server's
// "default" model has none. Both are self-hosted, so no key is needed.
const QString kVisionModel = QStringLiteral("meta-llama/Llama-4-Scout-17B-16E-Instruct");

class CliImagesTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        ASSERT_TRUE(m_files.isValid());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/models.py"), "class Order:\n    pass\n");
        m_repo.commitAll();
    }

    AskRun ask(QStringList args) {
        args << QStringLiteral("--cache-dir") << m_cache.path();
        return runAsk(args, m_home.path());
    }
    QStringList argsFor(const QString &provider, const QString &model) const {
        return {m_repo.path(),
                QStringLiteral("--provider"),
                provider,
                QStringLiteral("--base-url"),
                m_server.baseUrl().toString(),
                QStringLiteral("--model"),
                model,
                QStringLiteral("--prompt"),
                QStringLiteral("Compare")};
    }
    // A 3000×2000 diagram-like PNG written to the scratch folder.
    QString writeDiagram(const QString &name) {
        QImage image(3000, 2000, QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.fillRect(300, 300, 900, 600, QColor(200, 220, 255));
        painter.fillRect(1800, 1100, 900, 600, QColor(255, 230, 180));
        painter.end();
        const QString path = m_files.filePath(name);
        EXPECT_TRUE(image.save(path, "PNG"));
        return path;
    }
    QString writeBytes(const QString &name, const QByteArray &bytes) {
        const QString path = m_files.filePath(name);
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
    QTemporaryDir m_files;
};

} // namespace

TEST_F(CliImagesTest, ImageIsPreparedAndSentAfterTheText) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    const QString diagram = writeDiagram(QStringLiteral("erd.png"));
    const AskRun run =
        ask(argsFor(QStringLiteral("vllm"), kVisionModel) << QStringLiteral("--image") << diagram);
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    // One line per image: sizes, format, bytes and the exact Llama 4 count (3×4 tiles).
    EXPECT_TRUE(
        run.err.contains(QByteArray("image " + diagram.toUtf8() + ": 3000×2000 → 1344×896 PNG")))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains(", 1,887 tokens")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("and 1 image,")) << run.err.constData();

    ASSERT_EQ(m_server.requestCount(), 1);
    const QJsonArray parts = lastMessageParts(m_server.requests().constFirst().body);
    ASSERT_EQ(parts.size(), 2);
    EXPECT_EQ(parts[0].toObject().value(QStringLiteral("type")).toString(), QStringLiteral("text"));
    EXPECT_TRUE(parts[0]
                    .toObject()
                    .value(QStringLiteral("text"))
                    .toString()
                    .contains(QStringLiteral("class Order")));
    const QString url = imageUrlOf(parts[1]);
    const DataUrl data = parseDataUrl(url);
    ASSERT_EQ(data.mimeType, "image/png") << url.left(40).toStdString();
    const QImage sent = QImage::fromData(data.bytes);
    EXPECT_EQ(sent.size(), QSize(1344, 896));
}

TEST_F(CliImagesTest, UnknownModelCountsImagesApproximately) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    const QString diagram = writeDiagram(QStringLiteral("arch.png"));
    const AskRun run =
        ask({m_repo.path(), QStringLiteral("--base-url"), m_server.baseUrl().toString(),
             QStringLiteral("--model"), QStringLiteral("any-model"), QStringLiteral("--prompt"),
             QStringLiteral("q"), QStringLiteral("--image"), diagram});
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_TRUE(run.err.contains(", ≈1,887 tokens")) << run.err.constData();
    ASSERT_EQ(m_server.requestCount(), 1);
    EXPECT_TRUE(m_server.requests().constFirst().body.contains("data:image/png;base64,"));
}

TEST_F(CliImagesTest, ModelWithoutVisionIsRefusedBeforeSending) {
    const AskRun run = ask(argsFor(QStringLiteral("llama-server"), QStringLiteral("default"))
                           << QStringLiteral("--image") << writeDiagram(QStringLiteral("a.png")));
    EXPECT_EQ(run.exitCode, 2) << run.err.constData();
    EXPECT_TRUE(run.err.contains("default does not read images (vision: false in the catalog); "
                                 "drop --image or choose a vision model"))
        << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(CliImagesTest, CorruptImageNamesTheFileAndSendsNothing) {
    const QString bad = writeBytes(QStringLiteral("broken.png"),
                                   QByteArray("\x89PNG\r\n\x1A\n") + QByteArray(64, 'x'));
    const AskRun run =
        ask(argsFor(QStringLiteral("vllm"), kVisionModel) << QStringLiteral("--image") << bad);
    EXPECT_EQ(run.exitCode, 2) << run.err.constData();
    EXPECT_TRUE(
        run.err.contains(QByteArray("image " + bad.toUtf8() + ": corrupt or truncated PNG")))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("nothing was sent")) << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 0);

    const AskRun missing =
        ask(argsFor(QStringLiteral("vllm"), kVisionModel)
            << QStringLiteral("--image") << m_files.filePath(QStringLiteral("no.png")));
    EXPECT_EQ(missing.exitCode, 2) << missing.err.constData();
    EXPECT_TRUE(missing.err.contains("no.png does not exist")) << missing.err.constData();
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(CliImagesTest, MoreImagesThanTheProviderTakesIsAClearError) {
    QImage small(40, 30, QImage::Format_RGB32);
    small.fill(Qt::white);
    const QString path = m_files.filePath(QStringLiteral("s.png"));
    ASSERT_TRUE(small.save(path, "PNG"));
    QStringList args = argsFor(QStringLiteral("vllm"), kVisionModel);
    for (int i = 0; i < 11; ++i)
        args << QStringLiteral("--image") << path;
    const AskRun run = ask(args);
    EXPECT_EQ(run.exitCode, 2) << run.err.constData();
    EXPECT_TRUE(run.err.contains("11 images given")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("at most 10 per request")) << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(CliImagesTest, SvgIsRasterisedAndSentAsPng) {
    // An SVG diagram with text: the CLI rasterises it headless (no display needed).
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    const QString svg =
        writeBytes(QStringLiteral("arch.svg"),
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"200\">"
                   "<rect x=\"10\" y=\"10\" width=\"180\" height=\"80\" fill=\"#3366cc\"/>"
                   "<text x=\"20\" y=\"150\" font-size=\"30\">Orders</text></svg>");
    const AskRun run =
        ask(argsFor(QStringLiteral("vllm"), kVisionModel) << QStringLiteral("--image") << svg);
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    ASSERT_EQ(m_server.requestCount(), 1);
    const QJsonArray parts = lastMessageParts(m_server.requests().constFirst().body);
    ASSERT_EQ(parts.size(), 2);
    const QString url = imageUrlOf(parts[1]);
    const DataUrl data = parseDataUrl(url);
    ASSERT_EQ(data.mimeType, "image/png") << url.left(40).toStdString();
    const QImage sent = QImage::fromData(data.bytes);
    ASSERT_FALSE(sent.isNull());
    // Rasterised at 1024 px on the long edge, 2:1 as drawn; the blue box is where it was drawn.
    EXPECT_EQ(sent.width(), 1024);
    EXPECT_EQ(sent.height(), 512);
    EXPECT_EQ(QColor(sent.pixel(250, 120)), QColor(0x33, 0x66, 0xcc));
    EXPECT_EQ(QColor(sent.pixel(900, 480)), QColor(Qt::white));
}
