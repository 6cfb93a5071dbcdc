// SPDX-License-Identifier: MIT
// The scanner's keyword pre-filter against a plain search, on random texts long enough for
// the interleaved walk, with keywords planted at every stretch boundary (where a keyword
// crosses from one stretch into the next) and in both cases.
#include "security/secrets/keywordfilter.h"

#include <QByteArray>
#include <QList>

#include <gtest/gtest.h>

#include <random>

using reposcope::security::secrets::KeywordFilter;

namespace {

std::vector<bool> naive(const QList<QByteArray> &keywords, const QByteArray &text) {
    const QByteArray lower = text.toLower();
    std::vector<bool> found;
    for (const QByteArray &k : keywords)
        found.push_back(lower.contains(k));
    return found;
}

const QList<QByteArray> kKeywords{"-----begin", "akia", "secret", "token", "://",  "sk-ant-",
                                  "eyj",        "hf_",  "key-",   ":aa",   "passw"};

} // namespace

TEST(KeywordFilter, AgreesWithAPlainSearchAtEveryStretchBoundary) {
    const KeywordFilter filter(kKeywords);
    std::mt19937 rng(19);
    const QByteArray alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-:/ \n";
    for (const int size : {10, 4095, 4096, 4097, 10000, 65537}) {
        for (const QByteArray &k : kKeywords) {
            const qsizetype part = size / 4;
            // The keyword ending at, starting at and straddling each boundary.
            for (qsizetype boundary : {part, 2 * part, 3 * part, qsizetype(size) - 1})
                for (qsizetype shift = 0; shift <= k.size(); ++shift) {
                    QByteArray text(size, 'x');
                    for (char &c : text)
                        c = alphabet[int(rng() % alphabet.size())];
                    const qsizetype at = boundary - shift;
                    if (at < 0 || at + k.size() > size)
                        continue;
                    QByteArray planted = k;
                    if (shift % 2)
                        planted = planted.toUpper();
                    text.replace(at, k.size(), planted);
                    ASSERT_EQ(filter.present(text), naive(kKeywords, text))
                        << "size " << size << " keyword " << k.constData() << " at " << at;
                }
        }
    }
}

TEST(KeywordFilter, NothingInAnEmptyTextOrWithNoKeywords) {
    const KeywordFilter filter(kKeywords);
    EXPECT_EQ(filter.present(QByteArrayView()), std::vector<bool>(kKeywords.size(), false));
    const KeywordFilter none({});
    EXPECT_TRUE(none.present("secret").empty());
}
