// SPDX-License-Identifier: MIT
#include "llm/catalog/latencymodel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <array>
#include <cmath>

namespace reposcope::llm {

namespace {

// Published time-to-first-token figures (PROVIDERS.md / the issue): middle of each range,
// 60 s taken as "60+" at 10M.
struct SeedPoint {
    double tokens;
    double ms;
};
constexpr std::array<SeedPoint, 4> kSeed{{
    {10'000, 700},
    {128'000, 3'500},
    {1'000'000, 22'000},
    {10'000'000, 70'000},
}};
constexpr double kSeedFloorMs = 50;   // a request never answers faster than a round trip
constexpr double kPriorOffset = 0.25; // weight of "same speed as the seed" (c = 0)
constexpr double kPriorSlope = 1.0;   // weight of "same slope as the seed" (d = 0)
constexpr double kMaxTokensPerSecond = 10'000'000;

double seedLn(double tokens) {
    const double x = std::log(std::max(tokens, 1.0));
    // The segment containing x; below the first or above the last point, the end segment
    // is extended.
    std::size_t i = 0;
    while (i + 2 < kSeed.size() && x > std::log(kSeed[i + 1].tokens))
        ++i;
    const double x0 = std::log(kSeed[i].tokens), x1 = std::log(kSeed[i + 1].tokens);
    const double y0 = std::log(kSeed[i].ms), y1 = std::log(kSeed[i + 1].ms);
    const double y = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    return std::max(y, std::log(kSeedFloorMs));
}

} // namespace

LatencyModel::LatencyModel(QString file)
    : m_file(std::move(file)) {}

QString LatencyModel::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/latency.json");
}

qint64 LatencyModel::seedMs(qint64 promptTokens) {
    return qint64(std::llround(std::exp(seedLn(double(promptTokens)))));
}

bool LatencyModel::plausible(qint64 tokens, qint64 ms) {
    if (tokens <= 0 || ms <= 0 || tokens > 1'000'000'000 || ms > 24LL * 3600 * 1000)
        return false;
    // Faster than any prefill: a cache hit counted as processed tokens, or a clock error.
    return double(tokens) / (double(ms) / 1000.0) <= kMaxTokensPerSecond;
}

bool LatencyModel::addSample(const QString &key, qint64 promptTokens, qint64 ttftMs) {
    if (key.isEmpty() || !plausible(promptTokens, ttftMs))
        return false;
    QList<Sample> &samples = m_samples[key];
    samples.append({promptTokens, ttftMs});
    if (samples.size() > kMaxSamples)
        samples.remove(0, samples.size() - kMaxSamples);
    return true;
}

void LatencyModel::forget(const QString &key) {
    m_samples.remove(key);
}

int LatencyModel::sampleCount(const QString &key) const {
    return int(m_samples.value(key).size());
}

LatencyEstimate LatencyModel::estimate(const QString &key, qint64 promptTokens) const {
    const double x = std::log(std::max<double>(double(promptTokens), 1.0));
    double lnMs = seedLn(double(promptTokens));
    const QList<Sample> samples = m_samples.value(key);
    if (!samples.isEmpty()) {
        // Residuals of the measurements against the seed, in log space, and their
        // positions centred on the measurements' mean, so offset and slope fit separately.
        double meanX = 0;
        for (const Sample &s : samples)
            meanX += std::log(double(s.tokens));
        meanX /= double(samples.size());
        double sumR = 0, sumXR = 0, sumXX = 0;
        for (const Sample &s : samples) {
            const double r = std::log(double(s.ms)) - seedLn(double(s.tokens));
            const double dx = std::log(double(s.tokens)) - meanX;
            sumR += r;
            sumXR += dx * r;
            sumXX += dx * dx;
        }
        const double offset = sumR / (double(samples.size()) + kPriorOffset);
        // Bounded so one odd pair of measurements cannot bend the curve backwards.
        const double slope = std::clamp(sumXR / (sumXX + kPriorSlope), -0.5, 1.0);
        lnMs += offset + slope * (x - meanX);
    }
    return {std::max<qint64>(1, qint64(std::llround(std::exp(lnMs)))), int(samples.size())};
}

QJsonObject LatencyModel::toJson() const {
    QJsonObject backends;
    for (auto it = m_samples.begin(); it != m_samples.end(); ++it) {
        QJsonArray samples;
        for (const Sample &s : it.value())
            samples.append(QJsonArray{s.tokens, s.ms});
        backends.insert(it.key(), samples);
    }
    return QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("backends"), backends}};
}

void LatencyModel::fromJson(const QJsonObject &json) {
    m_samples.clear();
    const QJsonObject backends = json.value(QLatin1String("backends")).toObject();
    for (auto it = backends.begin(); it != backends.end(); ++it) {
        for (const QJsonValue &v : it->toArray()) {
            const QJsonArray pair = v.toArray();
            if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble())
                continue;
            addSample(it.key(), qint64(pair[0].toDouble()), qint64(pair[1].toDouble()));
        }
    }
}

Result<Ok> LatencyModel::load() {
    QFile in(m_file);
    if (!in.exists()) {
        m_samples.clear();
        return Ok{};
    }
    if (!in.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot read %1: %2").arg(m_file, in.errorString()));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1 is not a latency file (%2); it will be replaced")
                               .arg(m_file, err.errorString()));
    fromJson(doc.object());
    return Ok{};
}

Result<Ok> LatencyModel::save() const {
    if (!QDir().mkpath(QFileInfo(m_file).absolutePath()))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot create the folder of %1").arg(m_file));
    QSaveFile out(m_file);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(QJsonDocument(toJson()).toJson(QJsonDocument::Compact)) < 0 || !out.commit())
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot save %1: %2").arg(m_file, out.errorString()));
    return Ok{};
}

} // namespace reposcope::llm
