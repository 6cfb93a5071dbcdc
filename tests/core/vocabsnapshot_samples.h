// SPDX-License-Identifier: MIT
// Shared inputs of the vocabulary snapshot tests: the real vocabularies (skipped when the bootstrap
// has not installed them), a corpus of source files and hard strings, and a tiny synthetic
// vocabulary whose snapshot is small enough to truncate at every length.
#pragma once

#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bpetokenizer.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace reposcope::tokenize::snapshotsamples {

// The file under TokenizerRegistry::defaultDataFolder(), or "" when it is not installed.
QString tiktokenFile(const QString &encoding); // "o200k_base"
QString lenmlFile(const QString &name);        // "llama3": its tokenizer.json

// Loaded and built once per path (tiktoken JSON or tokenizer.json); null on failure.
std::shared_ptr<const BpeTokenizer> load(const QString &path);

// Emoji ZWJ sequences, CJK, combining marks, CRLF, digit runs, contractions, invalid UTF-8, long
// whitespace runs and a piece long enough for the heap merge.
const std::vector<std::string> &hardStrings();
// hardStrings() plus a few real source files of this repository (core/**/*.cpp).
const std::vector<std::string> &corpus();

// About 300 tokens: the 256 bytes plus the prefixes of some C++ words. With merges, a Hugging Face
// style merge list; without, tiktoken ranks.
BpeSpec tinySpec(bool withMerges);

} // namespace reposcope::tokenize::snapshotsamples
