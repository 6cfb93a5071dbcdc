// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace reposcope::llm {

// Predicted time to first token (prefill) for a prompt size.
struct LatencyEstimate {
    qint64 ms = 0;
    int samples = 0; // measurements of this backend it rests on; 0 = the published seed only
};

// Time to first token per backend (provider + model) as a function of prompt tokens.
//
// The seed is the published curve (<1 s at 10K, 2–5 s at 128K, 15–30 s at 1M, 60+ s at
// 10M tokens), interpolated in log-log space. Each backend learns from its own finished
// requests: in log space, the estimate is seed × e^(c + d·(ln n − m)), where c (overall
// speed) and d (how much steeper or flatter than the seed) are a ridge fit of the
// measurements' residuals with weak priors at 0 — one measurement moves the estimate
// four fifths of the way to it (in log space), five leave the seed a twentieth. The last
// kMaxSamples per backend are kept.
//
// A value type; not thread-safe. load()/save() do small synchronous file I/O (a few KB).
class LatencyModel {
public:
    static constexpr int kMaxSamples = 32;

    explicit LatencyModel(QString file = defaultFile());
    // AppDataLocation/latency.json
    static QString defaultFile();
    static QString backendKey(const QString &providerId, const QString &modelId) {
        return providerId + QLatin1Char('/') + modelId;
    }
    // The published seed curve alone.
    static qint64 seedMs(qint64 promptTokens);

    LatencyEstimate estimate(const QString &key, qint64 promptTokens) const;
    qint64 estimateMs(const QString &key, qint64 promptTokens) const {
        return estimate(key, promptTokens).ms;
    }
    int sampleCount(const QString &key) const;

    // Records a finished request: `promptTokens` the server had to process (cached prefix
    // tokens excluded), `ttftMs` from the start of the attempt that answered to its first token
    // (a 429's wait excluded: ChatStats::earlierAttemptsMs). Nonsense (non-positive,
    // absurdly large, faster than 10M tokens/s) is ignored and returns false.
    bool addSample(const QString &key, qint64 promptTokens, qint64 ttftMs);
    void forget(const QString &key);

    QJsonObject toJson() const;
    // Replaces the samples with `json`'s; invalid entries are skipped.
    void fromJson(const QJsonObject &json);
    // A missing file is an empty model, not an error.
    Result<Ok> load();
    Result<Ok> save() const;
    const QString &file() const { return m_file; }

private:
    struct Sample {
        qint64 tokens = 0;
        qint64 ms = 0;
    };
    static bool plausible(qint64 tokens, qint64 ms);

    QString m_file;
    QHash<QString, QList<Sample>> m_samples;
};

} // namespace reposcope::llm
