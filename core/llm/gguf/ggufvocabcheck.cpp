// SPDX-License-Identifier: MIT
// A vocabulary array far beyond any real one is refused from its count alone.
#include "common/figures.h"
#include "llm/gguf/ggufvalues.h"
#include "tokenize/vocablimits.h"

#include <QtEndian>

namespace reposcope::llm::detail {

std::optional<Error> checkVocabularySize(QFile &file, const QString &path, quint64 pos,
                                         quint64 remaining, const QByteArray &key,
                                         quint64 maxEntries) {
    if (!key.startsWith("tokenizer.ggml."))
        return std::nullopt;
    char header[12]; // element type (uint32), element count (uint64)
    if (file.peek(header, sizeof header) != qint64(sizeof header))
        return std::nullopt; // the array reader reports the truncation
    const quint64 count = qFromLittleEndian<quint64>(header + 4);
    tokenize::VocabularyLimits limits;
    limits.maxTokens = qint64(maxEntries);
    const bool merges = key == "tokenizer.ggml.merges";
    const qint64 limit = merges ? limits.maxMerges() : limits.maxTokens;
    if (count <= quint64(limit))
        return std::nullopt;
    // The least bytes one element takes: a string's length prefix, a scalar's size.
    const quint32 elementType = qFromLittleEndian<quint32>(header);
    const quint64 minSize = elementType == 8 ? 8 : elementType >= 10 ? 8 : 1;
    const QString what = QStringLiteral("'%1'").arg(QString::fromUtf8(key));
    if (count > (remaining - sizeof header) / minSize)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: not a valid GGUF file: %2 claims %3 entries, more "
                                          "than the file could hold (it is damaged or "
                                          "truncated) and over the vocabulary limit of %4 (at "
                                          "byte %5)")
                               .arg(path, what)
                               .arg(count)
                               .arg(formatCount(limit))
                               .arg(pos));
    return Error::make(
        Error::Code::InvalidData,
        QStringLiteral("%1: %2").arg(
            path, tokenize::vocabularyTooLarge(what, qint64(count), limits, merges)));
}

} // namespace reposcope::llm::detail
