// SPDX-License-Identifier: MIT
// Fuzz target: the Hugging Face tokenizer.json loader, and the tokenizer built from it.
#include "fuzzcheck.h"
#include "fuzztargets.h"

#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bpetokenizer.h"

#include <string_view>

namespace reposcope::fuzz::tokenizer {

namespace {

constexpr const char *kName = "tokenizer";

// Letters, digits, punctuation, whitespace runs, contractions, combining marks, CJK, an
// emoji and a lone continuation byte: every branch of the usual split patterns.
constexpr std::string_view kText = "Hello world, it's 2026!\r\n\tdef f(x):  return x*2 # "
                                   "\xC3\xBCn\xC3\xAF\x63o\xCC\x88\x64\xC3\xA9 "
                                   "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \x80 end   ";

void checkError(const Error &e, const char *target, const char *what) {
    const QString problem = errorTextProblem(e.message);
    FUZZ_CHECK(problem.isEmpty(), target,
               QStringLiteral("%1: %2").arg(QLatin1String(what), problem));
}

} // namespace

void exerciseSpec(const tokenize::BpeSpec &spec, const char *target) {
    auto built = tokenize::BpeTokenizer::create(spec);
    if (!built) {
        checkError(built.error(), target, "BpeTokenizer::create");
        return;
    }
    const auto &tok = **built;
    const std::vector<int> ids = tok.encode(kText);
    FUZZ_CHECK(
        tok.count(kText) == qint64(ids.size()), target,
        QStringLiteral("count %1 but encode gives %2 ids").arg(tok.count(kText)).arg(ids.size()));
    FUZZ_CHECK(tok.count(std::string_view()) == 0, target,
               QStringLiteral("the empty text counts as tokens"));
    FUZZ_CHECK(tok.encode(kText) == ids, target, QStringLiteral("encode is not deterministic"));

    auto restored = tokenize::BpeTokenizer::fromSnapshot(tok.snapshot());
    FUZZ_CHECK(restored.ok(), target,
               QStringLiteral("its own snapshot does not load: %1")
                   .arg(restored.ok() ? QString() : printable(restored.error().message)));
    if (restored) {
        FUZZ_CHECK((*restored)->id() == tok.id(), target,
                   QStringLiteral("snapshot changes the id"));
        FUZZ_CHECK((*restored)->encode(kText) == ids, target,
                   QStringLiteral("the snapshot encodes differently"));
    }
}

int fuzzOne(const uint8_t *data, size_t size) {
    static ScratchFile file(QStringLiteral("tokenizer.json"));
    const QString &path = file.write(data, size);
    const auto spec = tokenize::loadHfTokenizerJson(path);
    if (!spec) {
        checkError(spec.error(), kName, "loadHfTokenizerJson");
        FUZZ_CHECK(spec.error().code == Error::Code::InvalidData, kName,
                   QStringLiteral("error code %1 for a readable file").arg(int(spec.error().code)));
        return 0;
    }
    FUZZ_CHECK(!spec->vocab.empty(), kName, QStringLiteral("loaded an empty vocabulary"));
    FUZZ_CHECK(spec->id.startsWith(QLatin1String("hf:")), kName,
               QStringLiteral("spec id %1").arg(printable(spec->id)));
    for (const auto &[bytes, id] : spec->vocab)
        FUZZ_CHECK(id >= 0 && !bytes.isEmpty(), kName,
                   QStringLiteral("vocab entry id %1 with %2 bytes").arg(id).arg(bytes.size()));
    exerciseSpec(*spec, kName);
    return 0;
}

} // namespace reposcope::fuzz::tokenizer
