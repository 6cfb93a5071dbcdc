// SPDX-License-Identifier: MIT
#include "llm/keyscrub.h"

#include "llm/client/chatrequest.h"

#include <QUrl>

#include <algorithm>
#include <array>

namespace reposcope::llm {

namespace {

constexpr qsizetype kMinKey = 6;
constexpr qsizetype kMinPrefix = 12;

bool isBase64Char(char16_t c) {
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') ||
           c == u'+' || c == u'/' || c == u'=' || c == u'-' || c == u'_';
}
bool isBase64Char(QChar c) {
    return isBase64Char(c.unicode());
}
bool isBase64Char(char c) {
    return isBase64Char(char16_t(static_cast<unsigned char>(c)));
}

// The key inside base64 text (its own encoding, or "user:key", "Bearer key", JSON that
// holds it...): at each of the three byte alignments, the part of the encoding that depends
// on key bytes only. Empty for keys too short to give a distinctive part.
std::array<QByteArray, 6> base64Cores(const QByteArray &key) {
    std::array<QByteArray, 6> cores;
    if (key.size() < 9)
        return cores;
    int i = 0;
    for (int pad = 0; pad < 3; ++pad) {
        const QByteArray padded = QByteArray(pad, 'A') + key;
        for (const auto option : {QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding}) {
            const QByteArray encoded = padded.toBase64(option);
            cores[i++] = encoded.mid(4, encoded.size() - 8);
        }
    }
    return cores;
}

// Replaces each occurrence of `needle` with `mask`; with `wholeRun`, the run of base64
// characters around it goes too (the rest of that encoding would still decode to most of
// the key).
template <typename Text>
void maskAll(Text &text, const Text &needle, const Text &mask, bool wholeRun) {
    if (needle.size() < kMinKey)
        return;
    qsizetype from = 0;
    while ((from = text.indexOf(needle, from)) >= 0) {
        qsizetype begin = from;
        qsizetype end = from + needle.size();
        if (wholeRun) {
            while (begin > 0 && isBase64Char(text.at(begin - 1)))
                --begin;
            while (end < text.size() && isBase64Char(text.at(end)))
                ++end;
        }
        text.replace(begin, end - begin, mask);
        from = begin + mask.size();
    }
}

// A leading part of the key (kMinPrefix characters or more) that a length limit cut off:
// masked from where it starts to where it stops matching the key.
template <typename Text> void maskPrefixes(Text &text, const Text &key, const Text &mask) {
    if (key.size() < kMinPrefix + 4)
        return;
    const Text head = key.first(kMinPrefix);
    qsizetype from = 0;
    while ((from = text.indexOf(head, from)) >= 0) {
        qsizetype n = kMinPrefix;
        while (n < key.size() && from + n < text.size() && text.at(from + n) == key.at(n))
            ++n;
        text.replace(from, n, mask);
        from += mask.size();
    }
}

template <typename Text, typename FromBytes>
Text scrub(Text text, const QString &key, FromBytes fromBytes) {
    if (key.size() < kMinKey || text.isEmpty())
        return text;
    const QByteArray utf8 = key.toUtf8();
    const Text mask = fromBytes(maskKey(key).toUtf8());
    maskAll(text, fromBytes(utf8), mask, false);
    maskAll(text, fromBytes(QUrl::toPercentEncoding(key)), mask, false);
    for (const QByteArray &core : base64Cores(utf8))
        maskAll(text, fromBytes(core), mask, true);
    maskPrefixes(text, fromBytes(utf8), mask);
    return text;
}

} // namespace

QByteArray scrubKey(QByteArray bytes, const QString &key) {
    return scrub(std::move(bytes), key, [](const QByteArray &b) { return b; });
}

QString scrubKey(QString text, const QString &key) {
    return scrub(std::move(text), key, [](const QByteArray &b) { return QString::fromUtf8(b); });
}

} // namespace reposcope::llm
