// SPDX-License-Identifier: MIT
// Fuzz target: the GGUF metadata reader and the GGUF vocabulary loader.
#include "fuzzcheck.h"
#include "fuzztargets.h"

#include "llm/gguf/ggufreader.h"
#include "tokenize/bpe/bpespec.h"

#include <variant>

namespace reposcope::fuzz::gguf {

namespace {

constexpr const char *kName = "gguf";

// Elements actually held by an array value whose contents were kept.
qsizetype heldElements(const llm::GgufValue &v) {
    return std::visit(
        [](const auto &d) -> qsizetype {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, std::vector<qint64>> ||
                          std::is_same_v<T, std::vector<quint64>> ||
                          std::is_same_v<T, std::vector<double>>)
                return qsizetype(d.size());
            else if constexpr (std::is_same_v<T, QList<QByteArray>>)
                return d.size();
            else
                return -1;
        },
        v.data);
}

void checkError(const Error &e, const char *what) {
    const QString problem = errorTextProblem(e.message);
    FUZZ_CHECK(problem.isEmpty(), kName,
               QStringLiteral("%1: %2").arg(QLatin1String(what), problem));
    FUZZ_CHECK(e.code == Error::Code::InvalidData, kName,
               QStringLiteral("%1: error code %2 for a readable file: %3")
                   .arg(QLatin1String(what))
                   .arg(int(e.code))
                   .arg(printable(e.message)));
}

void checkInfo(const llm::GgufInfo &info, const llm::GgufReadOptions &options, quint64 size) {
    FUZZ_CHECK(info.version == 2 || info.version == 3, kName,
               QStringLiteral("accepted version %1").arg(info.version));
    FUZZ_CHECK(info.fileSize == size, kName, QStringLiteral("fileSize differs from the input"));
    // A key/value takes at least 13 bytes of the file.
    FUZZ_CHECK(info.keyValues.size() * 13 <= size, kName,
               QStringLiteral("%1 key/values from %2 bytes").arg(info.keyValues.size()).arg(size));
    quint64 stringBytes = 0;
    for (const auto &[key, v] : info.keyValues) {
        FUZZ_CHECK(quint64(key.size()) <= size, kName, QStringLiteral("key longer than the file"));
        if (const auto *s = std::get_if<QByteArray>(&v.data))
            stringBytes += quint64(s->size());
        if (!v.isArray())
            continue;
        FUZZ_CHECK(v.count <= size, kName,
                   QStringLiteral("array of %1 elements from %2 bytes").arg(v.count).arg(size));
        const bool shouldKeep =
            v.count <= options.keepArraysUpTo && v.elementType != llm::GgufType::Array;
        FUZZ_CHECK(v.contentsKept == shouldKeep, kName,
                   QStringLiteral("contentsKept %1 for %2 elements (keep up to %3)")
                       .arg(v.contentsKept)
                       .arg(v.count)
                       .arg(options.keepArraysUpTo));
        if (v.contentsKept) {
            FUZZ_CHECK(heldElements(v) == qsizetype(v.count), kName,
                       QStringLiteral("array claims %1 elements, holds %2")
                           .arg(v.count)
                           .arg(heldElements(v)));
            if (const QList<QByteArray> *strings = v.stringArray()) {
                for (const QByteArray &s : *strings)
                    stringBytes += quint64(s.size());
            }
        }
    }
    FUZZ_CHECK(stringBytes <= size, kName,
               QStringLiteral("%1 string bytes from %2 bytes").arg(stringBytes).arg(size));
    if (!options.readTensorInfo) {
        FUZZ_CHECK(info.tensors.empty() && !info.parameterCount, kName,
                   QStringLiteral("tensor infos read though not asked for"));
        return;
    }
    FUZZ_CHECK(info.tensors.size() == info.tensorCount, kName,
               QStringLiteral("%1 tensors listed, %2 read")
                   .arg(info.tensorCount)
                   .arg(info.tensors.size()));
    quint64 params = 0;
    for (const llm::GgufTensorInfo &t : info.tensors) {
        FUZZ_CHECK(!t.dims.empty() && t.dims.size() <= 4, kName,
                   QStringLiteral("tensor with %1 dimensions").arg(t.dims.size()));
        params += t.elements();
    }
    FUZZ_CHECK(info.parameterCount == params, kName,
               QStringLiteral("parameterCount is not the sum"));
    if (info.tensorCount > 0)
        FUZZ_CHECK(info.dataOffset <= size, kName, QStringLiteral("data offset past the end"));
}

} // namespace

int fuzzOne(const uint8_t *data, size_t size) {
    static ScratchFile file(QStringLiteral("model.gguf"));
    const QString &path = file.write(data, size);

    llm::GgufReadOptions full;
    llm::GgufReadOptions metadataOnly;
    metadataOnly.readTensorInfo = false;
    llm::GgufReadOptions skipArrays = metadataOnly;
    skipArrays.keepArraysUpTo = 2; // walks arrays without keeping them: the seek paths

    const auto a = llm::readGgufMetadata(path, full);
    const auto b = llm::readGgufMetadata(path, metadataOnly);
    const auto c = llm::readGgufMetadata(path, skipArrays);
    for (const auto *r : {&a, &b, &c}) {
        if (!r->ok())
            checkError(r->error(), "readGgufMetadata");
    }
    if (a)
        checkInfo(*a, full, size);
    if (b)
        checkInfo(*b, metadataOnly, size);
    if (c)
        checkInfo(*c, skipArrays, size);
    // The metadata is the same bytes whichever options: reading tensor infos can only add
    // reasons to fail, and keeping or skipping an array never changes whether it fits.
    FUZZ_CHECK(!a.ok() || b.ok(), kName, QStringLiteral("full read ok, metadata-only read failed"));
    FUZZ_CHECK(b.ok() == c.ok(), kName,
               QStringLiteral("keeping arrays %1, skipping them %2: %3")
                   .arg(b.ok() ? QStringLiteral("ok") : QStringLiteral("fails"),
                        c.ok() ? QStringLiteral("ok") : QStringLiteral("fails"),
                        printable(b.ok() ? c.error().message : b.error().message)));
    if (b && c)
        FUZZ_CHECK(b->keyValues.size() == c->keyValues.size(), kName,
                   QStringLiteral("key/value count depends on keepArraysUpTo"));

    const auto vocab = tokenize::loadGgufVocabulary(path);
    if (!vocab) {
        checkError(vocab.error(), "loadGgufVocabulary");
        return 0;
    }
    FUZZ_CHECK(b.ok(), kName, QStringLiteral("vocabulary loaded from unreadable metadata"));
    FUZZ_CHECK(!vocab->vocab.empty() || !vocab->specialTokens.empty(), kName,
               QStringLiteral("a vocabulary with no tokens"));
    FUZZ_CHECK(vocab->id.startsWith(QLatin1String("gguf:")), kName,
               QStringLiteral("spec id %1").arg(printable(vocab->id)));
    for (const auto &[bytes, id] : vocab->vocab)
        FUZZ_CHECK(id >= 0 && !bytes.isEmpty() && quint64(bytes.size()) <= size, kName,
                   QStringLiteral("vocab entry id %1 with %2 bytes").arg(id).arg(bytes.size()));
    tokenizer::exerciseSpec(*vocab, kName);
    return 0;
}

} // namespace reposcope::fuzz::gguf
