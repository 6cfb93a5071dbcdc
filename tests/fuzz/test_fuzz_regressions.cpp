// SPDX-License-Identifier: MIT
// Inputs the fuzz targets found, rebuilt in code, each run through its target (no broken
// invariant) and checked directly.
#include "fuzzcheck.h"
#include "fuzztargets.h"

#include "../core/imagesamples.h"
#include "ggufwriter.h"
#include "images/imageprep.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bpetokenizer.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/resource.h>

namespace reposcope::fuzz {
namespace {

QStringList failuresOf(FuzzFunction run, const QByteArray &input) {
    FailureCollector collector;
    run(reinterpret_cast<const uint8_t *>(input.constData()), size_t(input.size()));
    return collector.take();
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes) {
    const QString path = dir.filePath(name);
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    return path;
}

bool hasEmptyToken(const tokenize::BpeSpec &spec) {
    for (const auto &[bytes, id] : spec.vocab) {
        if (bytes.isEmpty())
            return true;
    }
    return false;
}

// Found by the tokenizer loop (a mutation emptied the key "Ġ"): "" in model.vocab became a
// token of zero bytes.
TEST(FuzzRegressions, EmptyTokenInTokenizerJsonIsNotAToken) {
    const QByteArray json =
        R"({"added_tokens":[{"id":5,"content":"<|end|>","special":true}],"normalizer":null,)"
        R"("pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},)"
        R"("model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"":3,"Ġab":4},"merges":["a b"]}})";
    EXPECT_EQ(failuresOf(&tokenizer::fuzzOne, json), QStringList());

    QTemporaryDir dir;
    const auto spec = tokenize::loadHfTokenizerJson(writeFile(dir, QStringLiteral("t.json"), json));
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    EXPECT_FALSE(hasEmptyToken(*spec));
    EXPECT_EQ(spec->vocab.size(), 4u); // a, b, ab, Ġab
    const auto tok = tokenize::BpeTokenizer::create(*spec);
    ASSERT_TRUE(tok.ok());
    EXPECT_EQ((*tok)->encode("ab"), std::vector<int>{2});
}

// The same in a GGUF vocabulary: an empty normal token is left out, the others keep their ids.
TEST(FuzzRegressions, EmptyTokenInGgufVocabularyIsNotAToken) {
    test::TinyVocab vocab = test::tinyVocab();
    const QByteArray removed = vocab.tokens[257];
    vocab.tokens[257] = QByteArray();
    test::GgufWriter w;
    w.addString("general.architecture", "gpt2");
    test::addGpt2Vocab(w, vocab, "qwen2");
    const QByteArray file = w.build();
    EXPECT_EQ(failuresOf(&gguf::fuzzOne, file), QStringList());

    QTemporaryDir dir;
    const auto spec = tokenize::loadGgufVocabulary(writeFile(dir, QStringLiteral("v.gguf"), file));
    ASSERT_TRUE(spec.ok()) << spec.error().message.toStdString();
    EXPECT_FALSE(hasEmptyToken(*spec));
    EXPECT_EQ(spec->vocab.size(), size_t(vocab.tokens.size()) - 1 - spec->specialTokens.size());
    for (const auto &[bytes, id] : spec->vocab)
        EXPECT_NE(id, 257) << "the emptied token kept its id";
    EXPECT_FALSE(removed.isEmpty());
}

long peakRssKb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// Found by the image loop: an 8×8 PNG of 134 bytes whose second chunk claims 0x57454250
// (1.4 GB) bytes. libpng allocates a chunk's declared length before reading it, so asking
// Qt for this file's size took 1.1 GB; prepareImage must refuse it from the chunk walk
// before any Qt decoder sees it.
TEST(FuzzRegressions, PngChunkClaimingGigabytesNeverReachesLibpng) {
    // The seed it came from, with the text chunk's length (right after IHDR) overwritten.
    QByteArray png = test::withPngText(images::encodeImage(test::quadrants(QSize(8, 8)), "png"),
                                       "Comment", "fuzz");
    ASSERT_EQ(png.mid(0x25, 4), QByteArray("tEXt"));
    png.replace(0x21, 4, QByteArray("WEBP")); // 0x57454250 bytes, big-endian
    const long before = peakRssKb();
    const auto prepared =
        images::prepareImage(png, QStringLiteral("x.png"), images::defaultLimits());
    ASSERT_FALSE(prepared.ok());
    EXPECT_TRUE(prepared.error().message.contains(QLatin1String("IEND")))
        << prepared.error().message.toStdString();
    EXPECT_EQ(failuresOf(&image::fuzzOne, png), QStringList()); // the target as well
    EXPECT_LT(peakRssKb() - before, 100 * 1024) << "the header alone took over 100 MB";
}

} // namespace
} // namespace reposcope::fuzz
