// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>

namespace reposcope::tokenize {

// How many entries the containers that make a tokenizer.json large hold, found in one pass
// over the text without building anything (no allocation), so that a vocabulary far beyond
// any real one is refused before QJsonDocument turns it into gigabytes. -1 where the
// container is absent. Malformed JSON gives whatever counts it reached: the real parser
// reports the problem afterwards. Linear in the size (about 30 ms for 35 MB); thread-safe.
struct TokenizerJsonCounts {
    qint64 addedTokens = -1; // "added_tokens": [...]
    qint64 vocab = -1;       // "model": {"vocab": {...}}
    qint64 merges = -1;      // "model": {"merges": [...]}
};

TokenizerJsonCounts countTokenizerJson(QByteArrayView json);

} // namespace reposcope::tokenize
