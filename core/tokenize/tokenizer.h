// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <string_view>

namespace reposcope::tokenize {

// Counts the tokens a model would see for a piece of UTF-8 text.
// Implementations are immutable after construction and count() is thread-safe:
// one instance is shared by all counting threads.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Stable identifier used as a cache key; includes a hash of any vocabulary file,
    // so a changed vocabulary never reuses old counts.
    virtual QString id() const = 0;
    virtual QString displayName() const = 0;
    // false: the count is an approximation and the UI shows it with "≈".
    virtual bool isExact() const = 0;
    virtual qint64 count(std::string_view utf8) const = 0;
};

} // namespace reposcope::tokenize
