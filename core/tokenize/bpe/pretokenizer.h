// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QStringList>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace reposcope::tokenize::bpe {

// Splits UTF-8 text into the pieces BPE merges independently, with a sequence of PCRE2
// patterns (compiled with UTF and UCP, JIT when available). Each pattern splits every piece
// the previous one produced into its matches and the text between them (Hugging Face
// "Isolated"); so the pieces always cover the text exactly.
//
// Invalid UTF-8 never reaches PCRE2: the text is cut at each maximal run of invalid bytes,
// the valid runs are split as usual and each invalid run is one piece of its own. (The
// references tokenize decoded strings, so callers pass valid UTF-8; this only defines the
// behaviour and keeps it crash-free.)
//
// Immutable after compile() and shared by threads; each thread passes its own Scratch.
class Pretokenizer {
public:
    // Use: patterns of the tiktoken family also get a hand-written matcher that gives the
    // same pieces (asciisplitter.h). PcreOnly: tests compare the two.
    enum class FastPaths { Use, PcreOnly };
    static Result<std::shared_ptr<const Pretokenizer>>
    compile(const QStringList &patterns, FastPaths fastPaths = FastPaths::Use);
    ~Pretokenizer();

    // Per-thread match data and JIT stack. Not thread-safe; cheap to keep, costly to create.
    class Scratch {
    public:
        ~Scratch();

    private:
        friend class Pretokenizer;
        Scratch() = default;
        struct Data;
        std::unique_ptr<Data> m_data;
    };
    std::unique_ptr<Scratch> makeScratch() const;

    // Appends the end offset (relative to text) of every piece, in order, to ends.
    void split(std::string_view text, Scratch &scratch, std::vector<std::uint32_t> &ends) const;

    // Length of the longest valid UTF-8 prefix of text.
    static std::size_t validUtf8Prefix(std::string_view text);

    struct Compiled;

private:
    Pretokenizer() = default;
    void splitLevel(std::size_t level, const char *base, std::size_t begin, std::size_t end,
                    Scratch &scratch, std::vector<std::uint32_t> &ends) const;
    std::vector<std::unique_ptr<Compiled>> m_patterns;
};

} // namespace reposcope::tokenize::bpe
