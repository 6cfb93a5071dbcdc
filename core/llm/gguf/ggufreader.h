// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace reposcope::llm {

// Value types of GGUF key/values (the numbering is the file format's).
enum class GgufType : quint32 {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

// One metadata value. Scalars keep their type; arrays keep their element type and count.
// Arrays of arrays are recorded (count only) but their contents are not kept.
struct GgufValue {
    GgufType type = GgufType::UInt8;
    GgufType elementType = GgufType::UInt8; // arrays only
    quint64 count = 0;                      // arrays only: elements in the file
    bool contentsKept = true;               // arrays: false when skipped (options/nesting)

    // Exactly one of these is used: integers (signed or not, bool as 0/1) in an int64
    // (uint64 values above INT64_MAX keep their bits in `u`), floats in a double,
    // strings as raw bytes (GGUF strings are UTF-8 by convention, not by guarantee).
    std::variant<std::monostate, qint64, quint64, double, QByteArray, std::vector<qint64>,
                 std::vector<quint64>, std::vector<double>, QList<QByteArray>>
        data;

    bool isArray() const { return type == GgufType::Array; }
    // Numeric scalars as the asked type; empty for strings, arrays or out-of-range values.
    std::optional<qint64> toInt() const;
    std::optional<quint64> toUInt() const;
    std::optional<double> toDouble() const;
    std::optional<bool> toBool() const;
    // A string scalar (UTF-8 decoded); empty optional for other types.
    std::optional<QString> toString() const;
    std::optional<QByteArray> toBytes() const;
    // Arrays; nullptr / empty optional when the value is not such an array.
    const QList<QByteArray> *stringArray() const;
    std::optional<std::vector<qint64>> intArray() const; // any integer element type
    std::optional<std::vector<double>> floatArray() const;
};

struct GgufTensorInfo {
    QByteArray name;
    std::vector<quint64> dims; // ggml order: dims[0] is the fastest-varying
    quint32 type = 0;          // ggml_type
    quint64 offset = 0;        // relative to the start of the tensor data
    quint64 elements() const;
};

// What a model list shows, plus every key/value as read.
struct GgufInfo {
    QString path;
    quint32 version = 0;
    quint64 fileSize = 0;
    quint64 tensorCount = 0;
    quint64 dataOffset = 0; // where tensor data starts (0 when tensor infos were not read)

    QString architecture;                 // general.architecture, e.g. "llama"
    QString name;                         // general.name, may be empty
    std::optional<quint32> fileType;      // general.file_type (llama_ftype)
    QString fileTypeName;                 // e.g. "Q4_K_M"; empty when unknown
    std::optional<quint64> contextLength; // <arch>.context_length
    std::optional<quint64> blockCount;    // <arch>.block_count
    std::optional<quint64> embeddingLength;
    std::optional<quint64> headCount;
    std::optional<quint64> headCountKv;
    // Sum of the tensors' element counts; empty when tensor infos were not read.
    std::optional<quint64> parameterCount;

    std::vector<std::pair<QByteArray, GgufValue>> keyValues; // in file order
    std::vector<GgufTensorInfo> tensors;

    const GgufValue *value(QByteArrayView key) const;
    // "<architecture>.<suffix>" as an unsigned integer, if present.
    std::optional<quint64> archUInt(QByteArrayView suffix) const;
};

struct GgufReadOptions {
    // Arrays with more elements than this are walked (to stay in step with the file)
    // but their contents are not kept (`contentsKept = false`). The default keeps the
    // vocabulary arrays of every real model; a model list can pass a small number.
    quint64 keepArraysUpTo = quint64(1) << 24;
    bool readTensorInfo = true;
    // > 0: a tokenizer.ggml.* array with more elements than this (tokenizer.ggml.merges:
    // twice this) is refused as soon as its count is read, before any element is; the message
    // names the limit and how to raise it (tokenize::VocabularyLimits).
    quint64 maxVocabularyEntries = 0;
};

// Reads the header, the key/values and (optionally) the tensor descriptions of a GGUF
// v2/v3 file; never tensor data. Every length and count is checked against what is left
// of the file and against fixed caps before anything is allocated, so a malformed or
// hostile file gives an Error (InvalidData, naming the offset and what is wrong) rather
// than a crash or a huge allocation. Cost: one sequential read of the metadata (a few MB
// for a model with a large vocabulary). Thread-safe (no shared state).
Result<GgufInfo> readGgufMetadata(const QString &path, const GgufReadOptions &options = {});

// "Q4_K_M" etc. for llama.cpp's general.file_type values; empty when unknown.
QString ggufFileTypeName(quint32 fileType);

} // namespace reposcope::llm
