// SPDX-License-Identifier: MIT
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/bpe/pretokenizer.h"

#include "tokenize/bpe/asciisplitter.h"

#include <pcre2.h>

#include <cstring>

namespace reposcope::tokenize::bpe {

struct Pretokenizer::Compiled {
    pcre2_code *code = nullptr;
    bool jit = false;
    std::optional<AsciiSplitter> ascii; // the same matches, faster, where the text is ASCII
    ~Compiled() { pcre2_code_free(code); }
};

struct Pretokenizer::Scratch::Data {
    std::vector<pcre2_match_data *> matchData; // one per pattern
    pcre2_match_context *context = nullptr;
    pcre2_jit_stack *jitStack = nullptr;
    ~Data() {
        for (pcre2_match_data *md : matchData)
            pcre2_match_data_free(md);
        pcre2_match_context_free(context);
        pcre2_jit_stack_free(jitStack);
    }
};

Pretokenizer::Scratch::~Scratch() = default;
Pretokenizer::~Pretokenizer() = default;

Result<std::shared_ptr<const Pretokenizer>> Pretokenizer::compile(const QStringList &patterns,
                                                                  FastPaths fastPaths) {
    std::shared_ptr<Pretokenizer> p(new Pretokenizer);
    for (qsizetype i = 0; i < patterns.size(); ++i) {
        const QByteArray utf8 = patterns[i].toUtf8();
        int errorCode = 0;
        PCRE2_SIZE errorOffset = 0;
        auto compiled = std::make_unique<Compiled>();
        compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(utf8.constData()),
                                       static_cast<PCRE2_SIZE>(utf8.size()), PCRE2_UTF | PCRE2_UCP,
                                       &errorCode, &errorOffset, nullptr);
        if (!compiled->code) {
            PCRE2_UCHAR buffer[256];
            pcre2_get_error_message(errorCode, buffer, sizeof buffer);
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("Pre-tokenizer pattern %1 does not compile at "
                                              "offset %2: %3")
                                   .arg(i + 1)
                                   .arg(static_cast<qulonglong>(errorOffset))
                                   .arg(QString::fromUtf8(reinterpret_cast<const char *>(buffer))));
        }
        // Without JIT the interpreter is used: slower, same results.
        compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
        if (fastPaths == FastPaths::Use)
            compiled->ascii = AsciiSplitter::forPattern(patterns[i]);
        p->m_patterns.push_back(std::move(compiled));
    }
    return std::shared_ptr<const Pretokenizer>(std::move(p));
}

std::unique_ptr<Pretokenizer::Scratch> Pretokenizer::makeScratch() const {
    std::unique_ptr<Scratch> s(new Scratch);
    s->m_data = std::make_unique<Scratch::Data>();
    for (const auto &c : m_patterns)
        s->m_data->matchData.push_back(pcre2_match_data_create_from_pattern(c->code, nullptr));
    s->m_data->context = pcre2_match_context_create(nullptr);
    // Long runs (a 1 MB line of letters) may need more than the default 32 KiB JIT stack.
    s->m_data->jitStack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    if (s->m_data->jitStack)
        pcre2_jit_stack_assign(s->m_data->context, nullptr, s->m_data->jitStack);
    return s;
}

std::size_t Pretokenizer::validUtf8Prefix(std::string_view text) {
    const auto *s = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII fast path, 8 bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
            return i + k < n && s[i + k] >= lo && s[i + k] <= hi;
        };
        if (c >= 0xC2 && c <= 0xDF) {
            if (!cont(1))
                return i;
            i += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
            const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
            if (!cont(1, lo, hi) || !cont(2))
                return i;
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
            const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
            if (!cont(1, lo, hi) || !cont(2) || !cont(3))
                return i;
            i += 4;
        } else {
            return i;
        }
    }
    return n;
}

void Pretokenizer::split(std::string_view text, Scratch &scratch,
                         std::vector<std::uint32_t> &ends) const {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t valid = validUtf8Prefix(text.substr(pos));
        if (valid > 0) {
            splitLevel(0, text.data(), pos, pos + valid, scratch, ends);
            pos += valid;
        }
        if (pos >= text.size())
            break;
        // A maximal run of bytes that start no valid sequence is one piece.
        std::size_t bad = pos + 1;
        while (bad < text.size() && validUtf8Prefix(text.substr(bad, 4)) == 0)
            ++bad;
        ends.push_back(static_cast<std::uint32_t>(bad));
        pos = bad;
    }
}

void Pretokenizer::splitLevel(std::size_t level, const char *base, std::size_t begin,
                              std::size_t end, Scratch &scratch,
                              std::vector<std::uint32_t> &ends) const {
    if (level == m_patterns.size()) {
        ends.push_back(static_cast<std::uint32_t>(end));
        return;
    }
    const Compiled &c = *m_patterns[level];
    pcre2_match_data *md = scratch.m_data->matchData[level];
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(base + begin);
    const std::size_t length = end - begin;
    const bool last = level + 1 == m_patterns.size();
    auto emit = [&](std::size_t from, std::size_t to) {
        if (last)
            ends.push_back(static_cast<std::uint32_t>(begin + to));
        else
            splitLevel(level + 1, base, begin + from, begin + to, scratch, ends);
    };
    std::size_t pos = 0;
    while (pos < length) {
        if (c.ascii) {
            if (const std::size_t e = c.ascii->match(subject, length, pos)) {
                emit(pos, e);
                pos = e;
                continue;
            }
        }
        int rc = c.jit ? pcre2_jit_match(c.code, subject, length, pos, PCRE2_NOTEMPTY, md,
                                         scratch.m_data->context)
                       : PCRE2_ERROR_JIT_BADOPTION;
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) // no JIT, or its stack ran out
            rc = pcre2_match(c.code, subject, length, pos, PCRE2_NOTEMPTY | PCRE2_NO_UTF_CHECK, md,
                             scratch.m_data->context);
        if (rc < 0) {
            // No match, or a match limit hit: the rest is one piece.
            emit(pos, length);
            return;
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        const std::size_t s = ov[0] < pos ? pos : ov[0]; // \K could start before pos
        const std::size_t e = ov[1];
        if (e <= pos || e > length) { // cannot happen with NOTEMPTY; never loop forever
            emit(pos, length);
            return;
        }
        if (s > pos)
            emit(pos, s);
        emit(s, e);
        pos = e;
    }
}

} // namespace reposcope::tokenize::bpe
