// SPDX-License-Identifier: MIT
// LatencyModel: the published seed, learning from measurements, persistence, nonsense.
#include "llm/catalog/latencymodel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>

using namespace reposcope::llm;

namespace {

double logDistance(qint64 a, qint64 b) {
    return std::abs(std::log(double(a)) - std::log(double(b)));
}

} // namespace

TEST(LatencyModel, SeedFollowsThePublishedFigures) {
    const LatencyModel model(QString{});
    const QString key = LatencyModel::backendKey(QStringLiteral("groq"), QStringLiteral("m"));
    EXPECT_EQ(key, QStringLiteral("groq/m"));
    const LatencyEstimate at10k = model.estimate(key, 10'000);
    EXPECT_EQ(at10k.samples, 0);
    EXPECT_LT(at10k.ms, 1'000);
    EXPECT_GT(at10k.ms, 100);
    const qint64 at128k = model.estimateMs(key, 128'000);
    EXPECT_GE(at128k, 2'000);
    EXPECT_LE(at128k, 5'000);
    const qint64 at1m = model.estimateMs(key, 1'000'000);
    EXPECT_GE(at1m, 15'000);
    EXPECT_LE(at1m, 30'000);
    EXPECT_GE(model.estimateMs(key, 10'000'000), 60'000);
    // Monotonic from tiny to beyond the last figure; never below a round trip.
    qint64 previous = 0;
    for (qint64 n = 100; n <= 40'000'000; n *= 2) {
        const qint64 ms = model.estimateMs(key, n);
        EXPECT_GE(ms, previous) << n;
        EXPECT_GE(ms, 50) << n;
        previous = ms;
    }
    EXPECT_EQ(model.estimateMs(key, 300'000), LatencyModel::seedMs(300'000));
}

TEST(LatencyModel, MeasurementsMoveTheEstimateAndAFewDominate) {
    LatencyModel model(QString{});
    const QString key = QStringLiteral("vllm/scout");
    const qint64 seed = model.estimateMs(key, 50'000);
    const qint64 measured = 20'000; // a slow server: ~10x the seed
    ASSERT_TRUE(model.addSample(key, 50'000, measured));
    const LatencyEstimate one = model.estimate(key, 50'000);
    EXPECT_EQ(one.samples, 1);
    EXPECT_GT(one.ms, seed);
    EXPECT_LT(one.ms, measured);
    EXPECT_LT(logDistance(one.ms, measured), logDistance(seed, measured) / 2)
        << "one measurement already outweighs the seed";
    for (int i = 0; i < 4; ++i)
        model.addSample(key, 50'000, measured);
    const LatencyEstimate five = model.estimate(key, 50'000);
    EXPECT_EQ(five.samples, 5);
    EXPECT_NEAR(double(five.ms), double(measured), 0.15 * double(measured));
    // Another backend keeps the seed.
    EXPECT_EQ(model.estimateMs(QStringLiteral("groq/other"), 50'000), seed);
    model.forget(key);
    EXPECT_EQ(model.estimate(key, 50'000).samples, 0);
}

TEST(LatencyModel, LearnsASlopeDifferentFromTheSeed) {
    // A server whose prefill is linear at 20K tokens/s: 10K → 500 ms, 400K → 20 s.
    LatencyModel model(QString{});
    const QString key = QStringLiteral("local/linear");
    for (const qint64 n : {10'000, 50'000, 100'000, 200'000, 400'000}) {
        model.addSample(key, n, n / 20);
        model.addSample(key, n, n / 20);
    }
    EXPECT_NEAR(double(model.estimateMs(key, 300'000)), 15'000.0, 0.25 * 15'000);
    EXPECT_NEAR(double(model.estimateMs(key, 20'000)), 1'000.0, 0.25 * 1'000);
}

TEST(LatencyModel, NonsenseSamplesAreIgnored) {
    LatencyModel model(QString{});
    const QString key = QStringLiteral("k");
    const qint64 before = model.estimateMs(key, 100'000);
    EXPECT_FALSE(model.addSample(key, 0, 500));
    EXPECT_FALSE(model.addSample(key, -10, 500));
    EXPECT_FALSE(model.addSample(key, 1'000, 0));
    EXPECT_FALSE(model.addSample(key, 1'000, -3));
    EXPECT_FALSE(model.addSample(key, 10'000'000, 1)) << "10M tokens in 1 ms: a cache hit";
    EXPECT_FALSE(model.addSample(key, 1'000, 3LL * 24 * 3600 * 1000)) << "three days";
    EXPECT_FALSE(model.addSample(key, 5'000'000'000LL, 60'000));
    EXPECT_FALSE(model.addSample(QString(), 1'000, 500));
    EXPECT_EQ(model.sampleCount(key), 0);
    EXPECT_EQ(model.estimateMs(key, 100'000), before);
    EXPECT_TRUE(model.addSample(key, 1'000, 500));
}

TEST(LatencyModel, KeepsTheLatestSamples) {
    LatencyModel model(QString{});
    const QString key = QStringLiteral("k");
    for (int i = 0; i < 20; ++i)
        model.addSample(key, 100'000, 60'000);
    for (int i = 0; i < LatencyModel::kMaxSamples; ++i)
        model.addSample(key, 100'000, 2'000);
    EXPECT_EQ(model.sampleCount(key), LatencyModel::kMaxSamples);
    EXPECT_NEAR(double(model.estimateMs(key, 100'000)), 2'000.0, 200.0)
        << "the old slow measurements are gone";
}

TEST(LatencyModel, PersistenceRoundTrip) {
    QTemporaryDir dir;
    const QString file = dir.path() + QStringLiteral("/sub/latency.json");
    LatencyModel model(file);
    EXPECT_EQ(model.file(), file);
    ASSERT_TRUE(model.load().ok()) << "a missing file is an empty model";
    model.addSample(QStringLiteral("a/x"), 30'000, 4'000);
    model.addSample(QStringLiteral("a/x"), 90'000, 9'000);
    model.addSample(QStringLiteral("b/y"), 1'000'000, 40'000);
    ASSERT_TRUE(model.save().ok());

    LatencyModel back(file);
    ASSERT_TRUE(back.load().ok());
    EXPECT_EQ(back.sampleCount(QStringLiteral("a/x")), 2);
    EXPECT_EQ(back.sampleCount(QStringLiteral("b/y")), 1);
    for (const qint64 n : {5'000, 60'000, 2'000'000})
        for (const char *key : {"a/x", "b/y", "c/z"})
            EXPECT_EQ(back.estimateMs(QLatin1String(key), n),
                      model.estimateMs(QLatin1String(key), n))
                << key << " " << n;

    // Hand-edited nonsense in the file is skipped, the rest kept.
    QJsonObject json = model.toJson();
    QJsonObject backends = json.value(QLatin1String("backends")).toObject();
    backends.insert(
        QStringLiteral("bad/one"),
        QJsonArray{QJsonArray{-1, 5}, QJsonArray{1}, QStringLiteral("x"), QJsonArray{2'000, 300}});
    json.insert(QStringLiteral("backends"), backends);
    back.fromJson(json);
    EXPECT_EQ(back.sampleCount(QStringLiteral("bad/one")), 1);
    EXPECT_EQ(back.sampleCount(QStringLiteral("a/x")), 2);

    QFile broken(file);
    ASSERT_TRUE(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
    broken.write("not json");
    broken.close();
    const auto loaded = back.load();
    ASSERT_FALSE(loaded.ok());
    EXPECT_TRUE(loaded.error().message.contains(file));
}
