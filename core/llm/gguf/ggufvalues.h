// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QFile>
#include <QtGlobal>

#include <optional>

#include <utility>

namespace reposcope::llm::detail {

// Bytes per block and elements per block of the ggml types whose layout is stable and
// well known; {0, 0} for the others (their extent is then only checked loosely).
std::pair<quint64, quint64> ggmlTypeLayout(quint32 type);

// `file` stands at the element type and count of the array value of `key` (at byte `pos`,
// `remaining` bytes left). A tokenizer.ggml.* array with more than `maxEntries` elements
// (tokenizer.ggml.merges: twice that) gives an error naming the limit and how to raise it,
// before any element is read; the position is left unchanged (peeked).
std::optional<Error> checkVocabularySize(QFile &file, const QString &path, quint64 pos,
                                         quint64 remaining, const QByteArray &key,
                                         quint64 maxEntries);

} // namespace reposcope::llm::detail
