// SPDX-License-Identifier: MIT
// Preparing a 6000×4000 photo for Llama 4 (issue 7: < 500 ms off the UI thread): a
// photo-like PNG (gradients plus noise, so it compresses like a photo, ~40 MB) and the
// same picture as a JPEG, each decoded, downscaled to 1344×896 and re-encoded as JPEG.
#include "images/imageencode.h"
#include "images/imageprep.h"

#include <benchmark/benchmark.h>

#include <QImage>
#include <QRandomGenerator>

using namespace reposcope::images;

namespace {

QImage photo6000x4000() {
    QImage image(6000, 4000, QImage::Format_RGB32);
    QRandomGenerator random(42);
    for (int y = 0; y < image.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            const int noise = int(random.bounded(24u)) - 12;
            line[x] =
                qRgb(qBound(0, x * 255 / 6000 + noise, 255), qBound(0, y * 255 / 4000 + noise, 255),
                     qBound(0, (x + y) * 255 / 10000 - noise, 255));
        }
    }
    return image;
}

// Generated once per process: encoding a 24-megapixel PNG takes seconds.
const QByteArray &photoAs(const char *format) {
    static const QImage image = photo6000x4000();
    static const QByteArray png = encodeImage(image, "png", -1);
    static const QByteArray jpeg = encodeImage(image, "jpeg", 90);
    return qstrcmp(format, "png") == 0 ? png : jpeg;
}

PrepareLimits llama4Groq() {
    PrepareLimits limits; // Groq's stated limits, Llama 4's tile rule
    limits.maxPixels = 33'177'600;
    limits.maxBytesPerImage = 4'000'000;
    limits.tokenRule = QStringLiteral("llama4-tiles");
    return limits;
}

void prepare(benchmark::State &state, const char *format) {
    const QByteArray &bytes = photoAs(format);
    const PrepareLimits limits = llama4Groq();
    qint64 sentBytes = 0;
    for (auto _ : state) {
        const auto prepared = prepareImage(bytes, QStringLiteral("photo"), limits);
        if (!prepared) {
            state.SkipWithError(prepared.error().message.toUtf8().constData());
            return;
        }
        sentBytes = prepared->part.data.size();
        benchmark::DoNotOptimize(sentBytes);
    }
    state.counters["input_MB"] = double(bytes.size()) / 1e6;
    state.counters["sent_KB"] = double(sentBytes) / 1e3;
}

void BM_PrepareImage_Png6000x4000(benchmark::State &state) {
    prepare(state, "png");
}
void BM_PrepareImage_Jpeg6000x4000(benchmark::State &state) {
    prepare(state, "jpeg");
}

} // namespace

BENCHMARK(BM_PrepareImage_Png6000x4000)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PrepareImage_Jpeg6000x4000)->Unit(benchmark::kMillisecond)->MinTime(2.0);
