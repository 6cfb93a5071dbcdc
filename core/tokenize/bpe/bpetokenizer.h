// SPDX-License-Identifier: MIT
#pragma once

#include "tokenize/bpe/bpespec.h"
#include "tokenize/tokenizer.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>
#include <string_view>
#include <vector>

namespace reposcope::tokenize {

// Exact byte-level BPE: pre-tokenize with the spec's patterns, then merge by rank.
// Immutable after create(); count() and encode() are thread-safe (per-thread caches).
// Special tokens are never recognised inside the text.
class BpeTokenizer final : public Tokenizer {
public:
    static Result<std::shared_ptr<const BpeTokenizer>> create(BpeSpec spec);
    ~BpeTokenizer() override;

    QString id() const override;
    QString displayName() const override;
    bool isExact() const override { return true; }
    qint64 count(std::string_view utf8) const override;
    // Token ids, for conformance tests against the reference implementations.
    std::vector<int> encode(std::string_view utf8) const;

    // The built state as bytes (format: bpe/vocabsnapshot.h), to be saved and reloaded with
    // fromSnapshot() instead of parsing and building the vocabulary again. o200k gives about
    // 12 MB in a few milliseconds. Thread-safe.
    QByteArray snapshot() const;
    // Restores a tokenizer from snapshot() bytes: copies the arrays and compiles the
    // patterns, a few milliseconds for o200k. Everything is checked; truncated, corrupt or
    // foreign bytes give an Error saying what is wrong. bytes are only borrowed.
    static Result<std::shared_ptr<const BpeTokenizer>> fromSnapshot(QByteArrayView bytes);

    struct Impl;

private:
    explicit BpeTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace reposcope::tokenize
