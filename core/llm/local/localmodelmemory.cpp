// SPDX-License-Identifier: MIT
// "Does it fit": the memory a local model needs at a context size, against free RAM.
#include "common/figures.h"
#include "llm/local/localmodels.h"

#include <QFile>

#include <limits>

namespace reposcope::llm {

namespace {

constexpr qint64 kSaturated = std::numeric_limits<qint64>::max();

// a × b, saturating at INT64_MAX (absurd metadata must not wrap into "fits").
qint64 mulSat(qint64 a, qint64 b) {
    qint64 r = 0;
    return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

qint64 addSat(qint64 a, qint64 b) {
    qint64 r = 0;
    return __builtin_add_overflow(a, b, &r) ? kSaturated : r;
}

QString gigabytes(qint64 bytes) {
    return formatBytes(bytes);
}

// f16 K and V for every layer; 0 with `known` false when the shape keys are missing.
qint64 kvCacheBytes(const LocalModel &m, qint64 context, bool &known) {
    const qint64 kvHeads = m.headCountKv > 0 ? m.headCountKv : m.headCount;
    const qint64 perHead = m.headCount > 0 ? m.embeddingLength / m.headCount : 0;
    const qint64 keyLength = m.keyLength > 0 ? m.keyLength : perHead;
    const qint64 valueLength = m.valueLength > 0 ? m.valueLength : perHead;
    known = m.layerCount > 0 && kvHeads > 0 && keyLength > 0 && valueLength > 0 && context > 0;
    if (!known)
        return 0;
    constexpr qint64 kF16Bytes = 2;
    const qint64 perToken = mulSat(mulSat(kvHeads, addSat(keyLength, valueLength)), kF16Bytes);
    return mulSat(mulSat(m.layerCount, context), perToken);
}

QString summarize(const MemoryEstimate &e) {
    QString s = QStringLiteral("needs ≈") + gigabytes(e.totalBytes);
    if (e.availableBytes < 0)
        s += QStringLiteral(" (free memory unknown)");
    else if (e.fits)
        s += QStringLiteral(" of ") + gigabytes(e.availableBytes) + QStringLiteral(" free");
    else
        s += QStringLiteral(", more than the ") + gigabytes(e.availableBytes) +
             QStringLiteral(" free");
    if (!e.kvCacheKnown)
        s += QStringLiteral(" (KV cache not counted: the file does not give the model's shape)");
    return s;
}

} // namespace

MemoryEstimate estimateMemory(const LocalModel &model, qint64 contextTokens,
                              qint64 availableBytes) {
    MemoryEstimate e;
    e.contextTokens = contextTokens > 0 ? contextTokens : model.trainedContext;
    e.weightsBytes = qMax<qint64>(model.fileSize, 0);
    e.kvCacheBytes = kvCacheBytes(model, e.contextTokens, e.kvCacheKnown);
    e.overheadBytes = kEngineOverheadBytes;
    e.totalBytes = addSat(addSat(e.weightsBytes, e.kvCacheBytes), e.overheadBytes);
    e.availableBytes = availableBytes < 0 ? -1 : availableBytes;
    e.fits = e.availableBytes >= 0 && e.totalBytes <= e.availableBytes;
    e.summary = summarize(e);
    return e;
}

qint64 parseMemAvailable(const QByteArray &meminfo) {
    for (const QByteArray &line : meminfo.split('\n')) {
        if (!line.startsWith("MemAvailable:"))
            continue;
        const QList<QByteArray> parts = line.mid(13).simplified().split(' ');
        bool ok = false;
        const qint64 value = parts.value(0).toLongLong(&ok);
        if (!ok || value < 0)
            return -1;
        const bool kib = parts.value(1) == "kB";
        return kib ? mulSat(value, 1024) : value;
    }
    return -1;
}

qint64 availableMemoryBytes() {
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return parseMemAvailable(f.readAll());
}

} // namespace reposcope::llm
