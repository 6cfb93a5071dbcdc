// SPDX-License-Identifier: MIT
#include "ggufwriter.h"

#include <QFile>
#include <QtEndian>

#include <cstring>
#include <random>

namespace reposcope::test {

namespace {

template <typename T> void put(QByteArray &out, T v) {
    char buf[sizeof(T)];
    qToLittleEndian<T>(v, buf);
    out.append(buf, sizeof(T));
}

void putF32(QByteArray &out, float f) {
    quint32 bits;
    std::memcpy(&bits, &f, sizeof bits);
    put<quint32>(out, bits);
}

} // namespace

QByteArray GgufWriter::ggufString(const QByteArray &s) {
    QByteArray out;
    put<quint64>(out, quint64(s.size()));
    out.append(s);
    return out;
}

void GgufWriter::addRaw(const QByteArray &key, quint32 type, const QByteArray &payload) {
    QByteArray kv = ggufString(key);
    put<quint32>(kv, type);
    kv.append(payload);
    m_kvs.push_back(kv);
    if (key == "general.alignment" && type == UInt32 && payload.size() == 4)
        m_alignment = qFromLittleEndian<quint32>(payload.constData());
}

#define REPOSCOPE_GGUF_SCALAR(Name, CppType, TypeId, WireType)                                     \
    void GgufWriter::add##Name(const QByteArray &key, CppType v) {                                 \
        QByteArray p;                                                                              \
        put<WireType>(p, WireType(v));                                                             \
        addRaw(key, TypeId, p);                                                                    \
    }
REPOSCOPE_GGUF_SCALAR(UInt8, quint8, UInt8, quint8)
REPOSCOPE_GGUF_SCALAR(Int8, qint8, Int8, qint8)
REPOSCOPE_GGUF_SCALAR(UInt16, quint16, UInt16, quint16)
REPOSCOPE_GGUF_SCALAR(Int16, qint16, Int16, qint16)
REPOSCOPE_GGUF_SCALAR(UInt32, quint32, UInt32, quint32)
REPOSCOPE_GGUF_SCALAR(Int32, qint32, Int32, qint32)
REPOSCOPE_GGUF_SCALAR(UInt64, quint64, UInt64, quint64)
REPOSCOPE_GGUF_SCALAR(Int64, qint64, Int64, qint64)
REPOSCOPE_GGUF_SCALAR(Bool, bool, Bool, quint8)
#undef REPOSCOPE_GGUF_SCALAR

void GgufWriter::addFloat32(const QByteArray &key, float v) {
    QByteArray p;
    putF32(p, v);
    addRaw(key, Float32, p);
}

void GgufWriter::addFloat64(const QByteArray &key, double v) {
    QByteArray p;
    quint64 bits;
    std::memcpy(&bits, &v, sizeof bits);
    put<quint64>(p, bits);
    addRaw(key, Float64, p);
}

void GgufWriter::addString(const QByteArray &key, const QByteArray &v) {
    addRaw(key, String, ggufString(v));
}

void GgufWriter::addStringArray(const QByteArray &key, const QList<QByteArray> &v) {
    QByteArray p;
    put<quint32>(p, String);
    put<quint64>(p, quint64(v.size()));
    for (const QByteArray &s : v)
        p.append(ggufString(s));
    addRaw(key, Array, p);
}

void GgufWriter::addInt32Array(const QByteArray &key, const std::vector<qint32> &v) {
    QByteArray p;
    put<quint32>(p, Int32);
    put<quint64>(p, quint64(v.size()));
    for (qint32 x : v)
        put<qint32>(p, x);
    addRaw(key, Array, p);
}

void GgufWriter::addFloat32Array(const QByteArray &key, const std::vector<float> &v) {
    QByteArray p;
    put<quint32>(p, Float32);
    put<quint64>(p, quint64(v.size()));
    for (float x : v)
        putF32(p, x);
    addRaw(key, Array, p);
}

void GgufWriter::addTensor(const QByteArray &name, const std::vector<quint64> &dims,
                           std::vector<float> data, float scale) {
    quint64 n = 1;
    for (quint64 d : dims)
        n *= d;
    if (data.empty()) {
        std::mt19937 rng(m_seed++);
        std::uniform_real_distribution<float> dist(-scale, scale);
        data.resize(n);
        for (float &f : data)
            f = dist(rng);
    }
    data.resize(n);
    m_tensors.push_back(Tensor{name, dims, std::move(data)});
}

QByteArray GgufWriter::build(quint32 version, qint64 tensorCountOverride,
                             qint64 kvCountOverride) const {
    QByteArray out("GGUF");
    put<quint32>(out, version);
    put<quint64>(out, tensorCountOverride >= 0 ? quint64(tensorCountOverride)
                                               : quint64(m_tensors.size()));
    put<quint64>(out, kvCountOverride >= 0 ? quint64(kvCountOverride) : quint64(m_kvs.size()));
    for (const QByteArray &kv : m_kvs)
        out.append(kv);
    if (m_tensors.empty())
        return out;
    const auto align = [this](quint64 x) {
        return (x + m_alignment - 1) / m_alignment * m_alignment;
    };
    quint64 offset = 0;
    std::vector<quint64> offsets;
    for (const Tensor &t : m_tensors) {
        out.append(ggufString(t.name));
        put<quint32>(out, quint32(t.dims.size()));
        for (quint64 d : t.dims)
            put<quint64>(out, d);
        put<quint32>(out, 0); // GGML_TYPE_F32
        put<quint64>(out, offset);
        offsets.push_back(offset);
        offset = align(offset + t.data.size() * 4);
    }
    out.append(QByteArray(qsizetype(align(quint64(out.size())) - quint64(out.size())), '\0'));
    const qsizetype dataStart = out.size();
    for (size_t i = 0; i < m_tensors.size(); ++i) {
        out.append(QByteArray(qsizetype(dataStart + qsizetype(offsets[i]) - out.size()), '\0'));
        for (float f : m_tensors[i].data)
            putF32(out, f);
    }
    out.append(QByteArray(qsizetype(align(quint64(out.size())) - quint64(out.size())), '\0'));
    return out;
}

bool GgufWriter::write(const QString &path, quint32 version) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const QByteArray bytes = build(version);
    return f.write(bytes) == bytes.size();
}

QByteArray byteLevelEncode(const QByteArray &raw) {
    static const QList<char32_t> table = [] {
        QList<char32_t> t(256);
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            t[b] = printable ? char32_t(b) : next++;
        }
        return t;
    }();
    QString s;
    for (char c : raw)
        s.append(QString::fromUcs4(&table[quint8(c)], 1));
    return s.toUtf8();
}

TinyVocab tinyVocab() {
    static const std::vector<std::pair<QByteArray, QByteArray>> merges = {
        {" ", "t"}, {"h", "e"},   {" t", "he"}, {"i", "n"},  {" ", "a"},       {"e", "r"},
        {"o", "n"}, {" ", "s"},   {"r", "e"},   {"a", "t"},  {"in", "g"},      {" ", "w"},
        {"o", "r"}, {"e", "n"},   {"\n", "\n"}, {" ", " "},  {"  ", "  "},     {"n", "c"},
        {"f", "u"}, {"fu", "nc"}, {" ", "i"},   {" i", "s"}, {"\xc3", "\xa9"}, {"1", "2"},
    };
    TinyVocab v;
    for (int b = 0; b < 256; ++b) {
        v.tokens.append(byteLevelEncode(QByteArray(1, char(b))));
        v.tokenTypes.push_back(1);
    }
    for (const auto &[a, b] : merges) {
        v.tokens.append(byteLevelEncode(a + b));
        v.tokenTypes.push_back(1);
        v.merges.append(byteLevelEncode(a) + ' ' + byteLevelEncode(b));
        v.rawMerges.emplace_back(a, b);
    }
    for (const char *special : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
        v.tokens.append(QByteArray(special));
        v.tokenTypes.push_back(3);
    }
    return v;
}

void addGpt2Vocab(GgufWriter &w, const TinyVocab &vocab, const QByteArray &pre) {
    w.addString("tokenizer.ggml.model", "gpt2");
    if (!pre.isEmpty())
        w.addString("tokenizer.ggml.pre", pre);
    w.addStringArray("tokenizer.ggml.tokens", vocab.tokens);
    w.addInt32Array("tokenizer.ggml.token_type", vocab.tokenTypes);
    w.addStringArray("tokenizer.ggml.merges", vocab.merges);
}

GgufWriter tinyLlama(const TinyLlamaOptions &o) {
    const TinyVocab vocab = tinyVocab();
    const quint64 nVocab = quint64(vocab.tokens.size());
    const quint64 headDim = o.embd / o.heads;
    const quint64 embdKv = headDim * o.headsKv;

    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("general.name", "tiny-random-llama");
    w.addUInt32("general.alignment", 32);
    w.addUInt32("general.file_type", 0); // ALL_F32
    w.addUInt32("llama.context_length", o.context);
    w.addUInt32("llama.embedding_length", o.embd);
    w.addUInt32("llama.block_count", o.blocks);
    if (o.feedForwardLength)
        w.addUInt32("llama.feed_forward_length", o.ff);
    if (o.headCount)
        w.addUInt32("llama.attention.head_count", o.heads);
    w.addUInt32("llama.attention.head_count_kv", o.headsKv);
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.addFloat32("llama.rope.freq_base", 10000.0f);
    addGpt2Vocab(w, vocab, "qwen2");
    w.addUInt32("tokenizer.ggml.bos_token_id", quint32(nVocab - 3));
    w.addUInt32("tokenizer.ggml.eos_token_id", quint32(nVocab - 1));
    w.addBool("tokenizer.ggml.add_bos_token", false);
    w.addString("tokenizer.chat_template",
                "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
                "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if "
                "add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}");
    if (!o.tensors)
        return w;
    w.addTensor("token_embd.weight", {o.embd, nVocab});
    w.addTensor("output_norm.weight", {o.embd}, std::vector<float>(o.embd, 1.0f));
    for (quint32 b = 0; b < o.blocks; ++b) {
        const QByteArray p = "blk." + QByteArray::number(b) + '.';
        w.addTensor(p + "attn_norm.weight", {o.embd}, std::vector<float>(o.embd, 1.0f));
        const quint64 qCols = (o.correctShapes || b > 0) ? o.embd : o.embd + 1;
        w.addTensor(p + "attn_q.weight", {o.embd, qCols});
        w.addTensor(p + "attn_k.weight", {o.embd, embdKv});
        w.addTensor(p + "attn_v.weight", {o.embd, embdKv});
        w.addTensor(p + "attn_output.weight", {o.embd, o.embd});
        w.addTensor(p + "ffn_norm.weight", {o.embd}, std::vector<float>(o.embd, 1.0f));
        w.addTensor(p + "ffn_gate.weight", {o.embd, o.ff});
        w.addTensor(p + "ffn_up.weight", {o.embd, o.ff});
        w.addTensor(p + "ffn_down.weight", {o.ff, o.embd});
    }
    return w;
}

} // namespace reposcope::test
