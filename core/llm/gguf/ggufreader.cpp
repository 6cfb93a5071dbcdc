// SPDX-License-Identifier: MIT
#include "llm/gguf/ggufreader.h"
#include "llm/gguf/ggufvalues.h"
#include "text/visibletext.h"

#include <QFile>
#include <QtEndian>

#include <cstring>
#include <limits>
#include <unordered_set>

namespace reposcope::llm {

namespace {

// Caps that no real model comes near; each is also checked against what is left of the
// file, so a claimed size can never make us allocate more than the file could hold.
constexpr quint64 kMaxKeyLength = 64 * 1024;
constexpr quint64 kMaxStringLength = 64ull * 1024 * 1024;
constexpr quint64 kMaxArrayCount = quint64(1) << 28;
constexpr quint64 kMaxKeyValues = quint64(1) << 20;
constexpr quint64 kMaxTensors = quint64(1) << 24;
constexpr quint32 kMaxDims = 4; // GGML_MAX_DIMS
constexpr quint32 kMaxGgmlType = 64;
constexpr int kMaxNesting = 4;

Error invalid(const QString &path, quint64 offset, const QString &what) {
    return Error::make(Error::Code::InvalidData, QStringLiteral("%1: not a valid GGUF file: %2 "
                                                                "(at byte %3)")
                                                     .arg(text::visibleName(path), what)
                                                     .arg(offset));
}

quint64 scalarSize(GgufType t) {
    switch (t) {
    case GgufType::UInt8:
    case GgufType::Int8:
    case GgufType::Bool:
        return 1;
    case GgufType::UInt16:
    case GgufType::Int16:
        return 2;
    case GgufType::UInt32:
    case GgufType::Int32:
    case GgufType::Float32:
        return 4;
    case GgufType::UInt64:
    case GgufType::Int64:
    case GgufType::Float64:
        return 8;
    case GgufType::String: // its length prefix: the least one element can take
        return 8;
    case GgufType::Array: // element type + count
        return 12;
    }
    return 0;
}

bool knownType(quint32 t) {
    return t <= quint32(GgufType::Float64);
}

QString typeName(GgufType t) {
    static const char *const names[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                        "int32",  "float32", "bool",   "string", "array",
                                        "uint64", "int64",   "float64"};
    return knownType(quint32(t)) ? QString::fromLatin1(names[quint32(t)])
                                 : QStringLiteral("type %1").arg(quint32(t));
}

// Sequential, bounds-checked reads from the file. Every read checks the remaining size
// first, so a truncated file fails with the offset where the data ran out.
class Cursor {
public:
    Cursor(QFile &file, QString path, quint64 size)
        : m_file(file)
        , m_path(std::move(path))
        , m_size(size) {}

    quint64 pos() const { return m_pos; }
    quint64 remaining() const { return m_size - m_pos; }
    const QString &path() const { return m_path; }

    std::optional<Error> need(quint64 n, const QString &what) const {
        if (n > remaining())
            return invalid(m_path, m_pos,
                           QStringLiteral("file ends inside %1 (needs %2 more bytes, %3 left; "
                                          "truncated?)")
                               .arg(what)
                               .arg(n)
                               .arg(remaining()));
        return std::nullopt;
    }

    bool readRaw(char *out, quint64 n) {
        if (n == 0)
            return true;
        const qint64 got = m_file.read(out, qint64(n));
        if (got != qint64(n))
            return false;
        m_pos += n;
        return true;
    }

    bool skip(quint64 n) {
        if (!m_file.seek(qint64(m_pos + n)))
            return false;
        m_pos += n;
        return true;
    }

    template <typename T> std::optional<Error> read(T &out, const QString &what) {
        if (auto e = need(sizeof(T), what))
            return e;
        char buf[sizeof(T)];
        if (!readRaw(buf, sizeof(T)))
            return ioError(what);
        out = qFromLittleEndian<T>(buf);
        return std::nullopt;
    }

    std::optional<Error> readString(QByteArray &out, quint64 cap, const QString &what,
                                    bool keep = true) {
        quint64 len = 0;
        if (auto e = read(len, what + QStringLiteral(" length")))
            return e;
        if (len > cap)
            return invalid(
                m_path, m_pos - 8,
                QStringLiteral("%1 claims %2 bytes (limit %3)").arg(what).arg(len).arg(cap));
        if (auto e = need(len, what))
            return e;
        if (!keep)
            return skip(len) ? std::nullopt : std::optional<Error>(ioError(what));
        out.resize(qsizetype(len));
        if (!readRaw(out.data(), len))
            return ioError(what);
        return std::nullopt;
    }

    Error ioError(const QString &what) const {
        return Error::make(Error::Code::Io, QStringLiteral("%1: read error in %2 at byte %3: %4")
                                                .arg(text::visibleName(m_path), what)
                                                .arg(m_pos)
                                                .arg(m_file.errorString()));
    }

private:
    QFile &m_file;
    QString m_path;
    quint64 m_size = 0;
    quint64 m_pos = 0;
};

template <typename Raw, typename Stored>
std::optional<Error> readScalarArray(Cursor &c, quint64 count, bool keep, const QString &what,
                                     std::vector<Stored> &out) {
    if (!keep)
        return c.skip(count * sizeof(Raw)) ? std::nullopt : std::optional<Error>(c.ioError(what));
    QByteArray raw;
    raw.resize(qsizetype(count * sizeof(Raw)));
    if (!c.readRaw(raw.data(), quint64(raw.size())))
        return c.ioError(what);
    out.resize(count);
    for (quint64 i = 0; i < count; ++i) {
        const Raw v = qFromLittleEndian<Raw>(raw.constData() + i * sizeof(Raw));
        if constexpr (std::is_floating_point_v<Stored>)
            out[i] = Stored(v);
        else
            out[i] = Stored(v);
    }
    return std::nullopt;
}

std::optional<Error> readValue(Cursor &c, GgufType type, GgufValue &v, const QString &what,
                               const GgufReadOptions &opt, int depth);

std::optional<Error> readArray(Cursor &c, GgufValue &v, const QString &what,
                               const GgufReadOptions &opt, int depth) {
    quint32 et = 0;
    if (auto e = c.read(et, what + QStringLiteral(" element type")))
        return e;
    if (!knownType(et))
        return invalid(c.path(), c.pos() - 4,
                       QStringLiteral("%1 has unknown element type %2").arg(what).arg(et));
    quint64 count = 0;
    if (auto e = c.read(count, what + QStringLiteral(" element count")))
        return e;
    const GgufType elem = GgufType(et);
    const quint64 minSize = scalarSize(elem);
    if (count > kMaxArrayCount || count > c.remaining() / minSize)
        return invalid(
            c.path(), c.pos() - 8,
            QStringLiteral("%1 claims %2 elements of %3, more than the file holds (truncated?)")
                .arg(what)
                .arg(count)
                .arg(typeName(elem)));
    v.elementType = elem;
    v.count = count;
    const bool keep = count <= opt.keepArraysUpTo && elem != GgufType::Array;
    v.contentsKept = keep;
    switch (elem) {
    case GgufType::UInt8: {
        std::vector<qint64> out;
        auto e = readScalarArray<quint8>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Int8: {
        std::vector<qint64> out;
        auto e = readScalarArray<qint8>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Bool: {
        std::vector<qint64> out;
        auto e = readScalarArray<quint8>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::UInt16: {
        std::vector<qint64> out;
        auto e = readScalarArray<quint16>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Int16: {
        std::vector<qint64> out;
        auto e = readScalarArray<qint16>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::UInt32: {
        std::vector<qint64> out;
        auto e = readScalarArray<quint32>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Int32: {
        std::vector<qint64> out;
        auto e = readScalarArray<qint32>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Int64: {
        std::vector<qint64> out;
        auto e = readScalarArray<qint64>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::UInt64: {
        std::vector<quint64> out;
        auto e = readScalarArray<quint64>(c, count, keep, what, out);
        v.data = std::move(out);
        return e;
    }
    case GgufType::Float32: {
        std::vector<double> out;
        std::vector<quint32> bits;
        auto e = readScalarArray<quint32>(c, count, keep, what, bits);
        out.reserve(bits.size());
        for (quint32 b : bits) {
            float f;
            std::memcpy(&f, &b, sizeof f);
            out.push_back(double(f));
        }
        v.data = std::move(out);
        return e;
    }
    case GgufType::Float64: {
        std::vector<double> out;
        std::vector<quint64> bits;
        auto e = readScalarArray<quint64>(c, count, keep, what, bits);
        out.reserve(bits.size());
        for (quint64 b : bits) {
            double d;
            std::memcpy(&d, &b, sizeof d);
            out.push_back(d);
        }
        v.data = std::move(out);
        return e;
    }
    case GgufType::String: {
        QList<QByteArray> out;
        if (keep)
            out.reserve(qsizetype(count));
        for (quint64 i = 0; i < count; ++i) {
            QByteArray s;
            if (auto e = c.readString(s, kMaxStringLength,
                                      QStringLiteral("%1[%2]").arg(what).arg(i), keep))
                return e;
            if (keep)
                out.append(std::move(s));
        }
        v.data = std::move(out);
        return std::nullopt;
    }
    case GgufType::Array: {
        if (depth >= kMaxNesting)
            return invalid(
                c.path(), c.pos(),
                QStringLiteral("%1 nests arrays more than %2 deep").arg(what).arg(kMaxNesting));
        for (quint64 i = 0; i < count; ++i) {
            GgufValue inner;
            inner.type = GgufType::Array;
            if (auto e = readValue(c, GgufType::Array, inner,
                                   QStringLiteral("%1[%2]").arg(what).arg(i), opt, depth + 1))
                return e;
        }
        return std::nullopt;
    }
    }
    return std::nullopt;
}

std::optional<Error> readValue(Cursor &c, GgufType type, GgufValue &v, const QString &what,
                               const GgufReadOptions &opt, int depth) {
    v.type = type;
    switch (type) {
    case GgufType::UInt8: {
        quint8 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::Int8: {
        qint8 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::Bool: {
        quint8 x = 0;
        auto e = c.read(x, what);
        if (!e && x > 1)
            return invalid(c.path(), c.pos() - 1,
                           QStringLiteral("%1: bool value %2 is neither 0 nor 1").arg(what).arg(x));
        v.data = qint64(x);
        return e;
    }
    case GgufType::UInt16: {
        quint16 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::Int16: {
        qint16 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::UInt32: {
        quint32 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::Int32: {
        qint32 x = 0;
        auto e = c.read(x, what);
        v.data = qint64(x);
        return e;
    }
    case GgufType::UInt64: {
        quint64 x = 0;
        auto e = c.read(x, what);
        v.data = x;
        return e;
    }
    case GgufType::Int64: {
        qint64 x = 0;
        auto e = c.read(x, what);
        v.data = x;
        return e;
    }
    case GgufType::Float32: {
        quint32 b = 0;
        auto e = c.read(b, what);
        float f;
        std::memcpy(&f, &b, sizeof f);
        v.data = double(f);
        return e;
    }
    case GgufType::Float64: {
        quint64 b = 0;
        auto e = c.read(b, what);
        double d;
        std::memcpy(&d, &b, sizeof d);
        v.data = d;
        return e;
    }
    case GgufType::String: {
        QByteArray s;
        auto e = c.readString(s, kMaxStringLength, what);
        v.data = std::move(s);
        return e;
    }
    case GgufType::Array:
        return readArray(c, v, what, opt, depth);
    }
    return invalid(c.path(), c.pos(), QStringLiteral("%1 has an unknown type").arg(what));
}

std::optional<Error> readTensorInfos(Cursor &c, GgufInfo &info, quint64 alignment) {
    info.tensors.reserve(info.tensorCount);
    quint64 params = 0;
    for (quint64 i = 0; i < info.tensorCount; ++i) {
        GgufTensorInfo t;
        const QString what = QStringLiteral("tensor #%1").arg(i);
        if (auto e = c.readString(t.name, kMaxKeyLength, what + QStringLiteral(" name")))
            return e;
        quint32 nDims = 0;
        if (auto e = c.read(nDims, what + QStringLiteral(" dimension count")))
            return e;
        if (nDims == 0 || nDims > kMaxDims)
            return invalid(c.path(), c.pos() - 4,
                           QStringLiteral("tensor '%1' has %2 dimensions (1 to %3 allowed)")
                               .arg(text::visibleQuote(t.name))
                               .arg(nDims)
                               .arg(kMaxDims));
        quint64 elements = 1;
        for (quint32 d = 0; d < nDims; ++d) {
            quint64 n = 0;
            if (auto e = c.read(n, what + QStringLiteral(" shape")))
                return e;
            if (n > quint64(std::numeric_limits<qint64>::max()) ||
                __builtin_mul_overflow(elements, n, &elements))
                return invalid(c.path(), c.pos() - 8,
                               QStringLiteral("tensor '%1' claims an impossible shape")
                                   .arg(text::visibleQuote(t.name)));
            t.dims.push_back(n);
        }
        if (auto e = c.read(t.type, what + QStringLiteral(" type")))
            return e;
        if (t.type >= kMaxGgmlType)
            return invalid(c.path(), c.pos() - 4,
                           QStringLiteral("tensor '%1' has unknown ggml type %2")
                               .arg(text::visibleQuote(t.name))
                               .arg(t.type));
        if (auto e = c.read(t.offset, what + QStringLiteral(" offset")))
            return e;
        if (t.offset % alignment != 0)
            return invalid(c.path(), c.pos() - 8,
                           QStringLiteral("tensor '%1' offset %2 is not aligned to %3")
                               .arg(text::visibleQuote(t.name))
                               .arg(t.offset)
                               .arg(alignment));
        if (__builtin_add_overflow(params, elements, &params))
            return invalid(c.path(), c.pos(), QStringLiteral("tensor sizes overflow"));
        info.tensors.push_back(std::move(t));
    }
    info.parameterCount = params;

    // Tensor data starts at the next multiple of the alignment.
    const quint64 pos = c.pos();
    info.dataOffset = (pos + alignment - 1) / alignment * alignment;
    if (info.tensorCount == 0)
        return std::nullopt;
    if (info.dataOffset > info.fileSize)
        return invalid(c.path(), pos,
                       QStringLiteral("the file ends before its tensor data (truncated?)"));
    const quint64 dataSize = info.fileSize - info.dataOffset;
    for (const GgufTensorInfo &t : info.tensors) {
        const auto [blockBytes, blockElems] = detail::ggmlTypeLayout(t.type);
        quint64 bytes = 0;
        if (blockBytes != 0) {
            if (t.dims.empty() || t.dims[0] % blockElems != 0)
                return invalid(c.path(), pos,
                               QStringLiteral("tensor '%1': row size %2 is not a multiple of the "
                                              "type's block size %3")
                                   .arg(text::visibleQuote(t.name))
                                   .arg(t.dims.empty() ? 0 : t.dims[0])
                                   .arg(blockElems));
            bytes = t.elements() / blockElems * blockBytes;
        }
        if (t.offset > dataSize || bytes > dataSize - t.offset)
            return invalid(c.path(), pos,
                           QStringLiteral("tensor '%1' (%2 bytes at data offset %3) extends past "
                                          "the end of the file (truncated?)")
                               .arg(text::visibleQuote(t.name))
                               .arg(bytes)
                               .arg(t.offset));
    }
    return std::nullopt;
}

} // namespace

Result<GgufInfo> readGgufMetadata(const QString &path, const GgufReadOptions &options) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(
            file.exists() ? Error::Code::Unreadable : Error::Code::NotFound,
            QStringLiteral("%1: cannot open: %2").arg(text::visibleName(path), file.errorString()));
    GgufInfo info;
    info.path = path;
    info.fileSize = quint64(file.size());
    Cursor c(file, path, info.fileSize);

    if (info.fileSize < 4)
        return invalid(path, 0,
                       QStringLiteral("the file is only %1 bytes long").arg(info.fileSize));
    char magic[4];
    if (!c.readRaw(magic, 4))
        return c.ioError(QStringLiteral("magic"));
    if (std::memcmp(magic, "GGUF", 4) != 0)
        return invalid(path, 0, QStringLiteral("bad magic (expected \"GGUF\")"));
    if (auto e = c.read(info.version, QStringLiteral("version")))
        return *e;
    if (info.version == 1)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: GGUF version 1 is not supported (only 2 and 3); "
                                          "convert the model with a current llama.cpp")
                               .arg(text::visibleName(path)));
    if (info.version != 2 && info.version != 3)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: unsupported GGUF version %2 (only 2 and 3)")
                               .arg(text::visibleName(path))
                               .arg(info.version));
    quint64 kvCount = 0;
    if (auto e = c.read(info.tensorCount, QStringLiteral("tensor count")))
        return *e;
    if (auto e = c.read(kvCount, QStringLiteral("key/value count")))
        return *e;
    // A key/value takes at least 8 (key length) + 4 (type) + 1 bytes; a tensor info
    // at least 8 + 4 + 8 + 4 + 8.
    if (kvCount > kMaxKeyValues || kvCount > c.remaining() / 13)
        return invalid(path, 16,
                       QStringLiteral("claims %1 key/values, more than the file holds (truncated?)")
                           .arg(kvCount));
    if (info.tensorCount > kMaxTensors || info.tensorCount > c.remaining() / 32)
        return invalid(path, 8,
                       QStringLiteral("claims %1 tensors, more than the file holds (truncated?)")
                           .arg(info.tensorCount));

    info.keyValues.reserve(kvCount);
    std::unordered_set<std::string> seen;
    for (quint64 i = 0; i < kvCount; ++i) {
        QByteArray key;
        if (auto e = c.readString(key, kMaxKeyLength, QStringLiteral("key #%1").arg(i)))
            return *e;
        const QString what = QStringLiteral("value of '%1'").arg(text::visibleQuote(key));
        if (!seen.insert(key.toStdString()).second)
            return invalid(path, c.pos(),
                           QStringLiteral("duplicate key '%1'").arg(text::visibleQuote(key)));
        quint32 type = 0;
        if (auto e = c.read(type, what + QStringLiteral(" type")))
            return *e;
        if (!knownType(type))
            return invalid(path, c.pos() - 4,
                           QStringLiteral("key '%1' has unknown value type %2")
                               .arg(text::visibleQuote(key))
                               .arg(type));
        if (type == quint32(GgufType::Array) && options.maxVocabularyEntries > 0)
            if (auto e = detail::checkVocabularySize(file, path, c.pos(), c.remaining(), key,
                                                     options.maxVocabularyEntries))
                return *e;
        GgufValue v;
        if (auto e = readValue(c, GgufType(type), v, what, options, 0))
            return *e;
        info.keyValues.emplace_back(std::move(key), std::move(v));
    }

    auto str = [&](QByteArrayView key) {
        const GgufValue *v = info.value(key);
        return v ? v->toString().value_or(QString()) : QString();
    };
    info.architecture = str("general.architecture");
    info.name = str("general.name");
    if (const GgufValue *ft = info.value("general.file_type")) {
        if (auto n = ft->toUInt(); n && *n <= std::numeric_limits<quint32>::max()) {
            info.fileType = quint32(*n);
            info.fileTypeName = ggufFileTypeName(quint32(*n));
        }
    }
    info.contextLength = info.archUInt("context_length");
    info.blockCount = info.archUInt("block_count");
    info.embeddingLength = info.archUInt("embedding_length");
    info.headCount = info.archUInt("attention.head_count");
    info.headCountKv = info.archUInt("attention.head_count_kv");

    if (options.readTensorInfo) {
        quint64 alignment = 32;
        if (const GgufValue *a = info.value("general.alignment")) {
            const auto n = a->toUInt();
            if (!n || *n == 0 || (*n & (*n - 1)) != 0 || *n > (1u << 20))
                return invalid(path, c.pos(),
                               QStringLiteral("general.alignment must be a power of two"));
            alignment = *n;
        }
        if (auto e = readTensorInfos(c, info, alignment))
            return *e;
    }
    return info;
}

} // namespace reposcope::llm
