// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace reposcope::test {

// Writes small GGUF files for tests: a header, key/values in the order they were added,
// and optionally F32 tensors. Raw key/values let a test write what no valid writer would
// (huge claimed lengths, unknown types) so the reader's checks can be exercised.
class GgufWriter {
public:
    enum Type : quint32 {
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

    void addUInt8(const QByteArray &key, quint8 v);
    void addInt8(const QByteArray &key, qint8 v);
    void addUInt16(const QByteArray &key, quint16 v);
    void addInt16(const QByteArray &key, qint16 v);
    void addUInt32(const QByteArray &key, quint32 v);
    void addInt32(const QByteArray &key, qint32 v);
    void addUInt64(const QByteArray &key, quint64 v);
    void addInt64(const QByteArray &key, qint64 v);
    void addFloat32(const QByteArray &key, float v);
    void addFloat64(const QByteArray &key, double v);
    void addBool(const QByteArray &key, bool v);
    void addString(const QByteArray &key, const QByteArray &v);
    void addStringArray(const QByteArray &key, const QList<QByteArray> &v);
    void addInt32Array(const QByteArray &key, const std::vector<qint32> &v);
    void addFloat32Array(const QByteArray &key, const std::vector<float> &v);
    // type + payload written verbatim after the key.
    void addRaw(const QByteArray &key, quint32 type, const QByteArray &payload);

    // An F32 tensor; dims in ggml order (dims[0] fastest). Values are random in
    // [-scale, scale] from a fixed seed when `data` is empty.
    void addTensor(const QByteArray &name, const std::vector<quint64> &dims,
                   std::vector<float> data = {}, float scale = 0.02f);

    // The file's bytes. `tensorCountOverride` / `kvCountOverride` (when >= 0) write
    // those counts in the header instead of the real ones.
    QByteArray build(quint32 version = 3, qint64 tensorCountOverride = -1,
                     qint64 kvCountOverride = -1) const;
    bool write(const QString &path, quint32 version = 3) const;

    int keyValueCount() const { return int(m_kvs.size()); }

    static QByteArray ggufString(const QByteArray &s);

private:
    struct Tensor {
        QByteArray name;
        std::vector<quint64> dims;
        std::vector<float> data;
    };
    std::vector<QByteArray> m_kvs; // each: key string + type + value, serialised
    std::vector<Tensor> m_tensors;
    quint32 m_alignment = 32;
    quint32 m_seed = 12345;
};

// GPT-2's bytes_to_unicode applied to raw bytes, as UTF-8 (what GGUF and tokenizer.json
// store): " the" -> "Ġthe".
QByteArray byteLevelEncode(const QByteArray &raw);

// A small GPT-2 style vocabulary: the 256 byte tokens (id = byte value), then one token
// per merge of tinyMerges(), then the specials <|endoftext|>, <|im_start|>, <|im_end|>
// (control tokens).
struct TinyVocab {
    QList<QByteArray> tokens;                                 // byte-level form
    std::vector<qint32> tokenTypes;                           // 1 normal, 3 control
    QList<QByteArray> merges;                                 // "a b", byte-level form
    std::vector<std::pair<QByteArray, QByteArray>> rawMerges; // raw bytes
};
TinyVocab tinyVocab();

// Adds tokenizer.ggml.{model,pre,tokens,token_type,merges} for `vocab`.
void addGpt2Vocab(GgufWriter &w, const TinyVocab &vocab, const QByteArray &pre = "qwen2");

struct TinyLlamaOptions {
    quint32 embd = 16;
    quint32 ff = 32;
    quint32 blocks = 1;
    quint32 heads = 2;
    quint32 headsKv = 1;
    quint32 context = 256;
    bool tensors = true;           // the minimal llama tensor set, random F32
    bool feedForwardLength = true; // false: leave out a key llama.cpp needs
    bool headCount = true;         // false: leave out a key llama.cpp needs
    bool correctShapes = true;     // false: blk.0.attn_q gets one column too many
};
// A tiny llama-architecture model with the tiny vocabulary and a ChatML template: with
// tensors, a file llama.cpp can load (see DEPENDENCIES.md).
GgufWriter tinyLlama(const TinyLlamaOptions &options = {});

} // namespace reposcope::test
