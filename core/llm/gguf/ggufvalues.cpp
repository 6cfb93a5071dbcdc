// SPDX-License-Identifier: MIT
// The value accessors of GgufValue/GgufInfo and the ggml type tables: the parts of the
// GGUF reader that do not touch the file.
#include "llm/gguf/ggufvalues.h"
#include "llm/gguf/ggufreader.h"

#include <limits>

namespace reposcope::llm {

namespace detail {

std::pair<quint64, quint64> ggmlTypeLayout(quint32 type) {
    switch (type) {
    case 0:
        return {4, 1}; // F32
    case 1:
        return {2, 1}; // F16
    case 2:
        return {18, 32}; // Q4_0
    case 3:
        return {20, 32}; // Q4_1
    case 6:
        return {22, 32}; // Q5_0
    case 7:
        return {24, 32}; // Q5_1
    case 8:
        return {34, 32}; // Q8_0
    case 10:
        return {84, 256}; // Q2_K
    case 11:
        return {110, 256}; // Q3_K
    case 12:
        return {144, 256}; // Q4_K
    case 13:
        return {176, 256}; // Q5_K
    case 14:
        return {210, 256}; // Q6_K
    case 24:
        return {1, 1}; // I8
    case 25:
        return {2, 1}; // I16
    case 26:
        return {4, 1}; // I32
    case 27:
        return {8, 1}; // I64
    case 28:
        return {8, 1}; // F64
    case 30:
        return {2, 1}; // BF16
    default:
        return {0, 0};
    }
}

} // namespace detail

std::optional<qint64> GgufValue::toInt() const {
    if (const auto *i = std::get_if<qint64>(&data))
        return *i;
    if (const auto *u = std::get_if<quint64>(&data)) {
        if (*u <= quint64(std::numeric_limits<qint64>::max()))
            return qint64(*u);
    }
    return std::nullopt;
}

std::optional<quint64> GgufValue::toUInt() const {
    if (const auto *u = std::get_if<quint64>(&data))
        return *u;
    if (const auto *i = std::get_if<qint64>(&data)) {
        if (*i >= 0)
            return quint64(*i);
    }
    return std::nullopt;
}

std::optional<double> GgufValue::toDouble() const {
    if (const auto *d = std::get_if<double>(&data))
        return *d;
    if (const auto *i = std::get_if<qint64>(&data))
        return double(*i);
    if (const auto *u = std::get_if<quint64>(&data))
        return double(*u);
    return std::nullopt;
}

std::optional<bool> GgufValue::toBool() const {
    if (type == GgufType::Bool)
        return std::get<qint64>(data) != 0;
    return std::nullopt;
}

std::optional<QString> GgufValue::toString() const {
    if (const auto *s = std::get_if<QByteArray>(&data))
        return QString::fromUtf8(*s);
    return std::nullopt;
}

std::optional<QByteArray> GgufValue::toBytes() const {
    if (const auto *s = std::get_if<QByteArray>(&data))
        return *s;
    return std::nullopt;
}

const QList<QByteArray> *GgufValue::stringArray() const {
    if (!isArray() || elementType != GgufType::String || !contentsKept)
        return nullptr;
    return std::get_if<QList<QByteArray>>(&data);
}

std::optional<std::vector<qint64>> GgufValue::intArray() const {
    if (!isArray() || !contentsKept)
        return std::nullopt;
    if (const auto *i = std::get_if<std::vector<qint64>>(&data))
        return *i;
    if (const auto *u = std::get_if<std::vector<quint64>>(&data)) {
        std::vector<qint64> out;
        out.reserve(u->size());
        for (quint64 x : *u) {
            if (x > quint64(std::numeric_limits<qint64>::max()))
                return std::nullopt;
            out.push_back(qint64(x));
        }
        return out;
    }
    return std::nullopt;
}

std::optional<std::vector<double>> GgufValue::floatArray() const {
    if (!isArray() || !contentsKept)
        return std::nullopt;
    if (const auto *d = std::get_if<std::vector<double>>(&data))
        return *d;
    return std::nullopt;
}

quint64 GgufTensorInfo::elements() const {
    quint64 n = 1;
    for (quint64 d : dims)
        n *= d; // checked for overflow when read
    return n;
}

const GgufValue *GgufInfo::value(QByteArrayView key) const {
    for (const auto &[k, v] : keyValues) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

std::optional<quint64> GgufInfo::archUInt(QByteArrayView suffix) const {
    if (architecture.isEmpty())
        return std::nullopt;
    const QByteArray key = architecture.toUtf8() + '.' + suffix.toByteArray();
    const GgufValue *v = value(key);
    return v ? v->toUInt() : std::nullopt;
}

QString ggufFileTypeName(quint32 fileType) {
    static const char *const names[] = {
        "F32",      "F16",    "Q4_0",    "Q4_1",   "Q4_1_SOME_F16", "Q4_2",     "Q4_3",
        "Q8_0",     "Q5_0",   "Q5_1",    "Q2_K",   "Q3_K_S",        "Q3_K_M",   "Q3_K_L",
        "Q4_K_S",   "Q4_K_M", "Q5_K_S",  "Q5_K_M", "Q6_K",          "IQ2_XXS",  "IQ2_XS",
        "Q2_K_S",   "IQ3_XS", "IQ3_XXS", "IQ1_S",  "IQ4_NL",        "IQ3_S",    "IQ3_M",
        "IQ2_S",    "IQ2_M",  "IQ4_XS",  "IQ1_M",  "BF16",          "Q4_0_4_4", "Q4_0_4_8",
        "Q4_0_8_8", "TQ1_0",  "TQ2_0"};
    if (fileType < sizeof(names) / sizeof(names[0]))
        return QString::fromLatin1(names[fileType]);
    return {};
}

} // namespace reposcope::llm
