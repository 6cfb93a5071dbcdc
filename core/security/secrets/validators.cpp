// SPDX-License-Identifier: MIT
#include "security/secrets/validators.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <libdeflate.h>

#include <array>
#include <cmath>

namespace reposcope::security::secrets::validators {

double shannonEntropy(QByteArrayView text) {
    if (text.isEmpty())
        return 0;
    std::array<int, 256> counts{};
    for (const char c : text)
        ++counts[uint8_t(c)];
    double bits = 0;
    const double n = double(text.size());
    for (const int count : counts)
        if (count > 0) {
            const double p = count / n;
            bits -= p * std::log2(p);
        }
    return bits;
}

uint32_t crc32(QByteArrayView data) {
    return libdeflate_crc32(0, data.data(), size_t(data.size()));
}

QByteArray base62(uint32_t value, int width) {
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QByteArray out;
    do {
        out.prepend(digits[value % 62]);
        value /= 62;
    } while (value > 0);
    while (out.size() < width)
        out.prepend('0');
    return out;
}

bool githubChecksumValid(QByteArrayView token) {
    const qsizetype underscore = token.lastIndexOf('_');
    if (underscore < 0)
        return false;
    const QByteArrayView body = token.sliced(underscore + 1);
    if (body.size() != 36)
        return false;
    return base62(crc32(body.first(30)), 6) == body.sliced(30);
}

bool base64Decodes(QByteArrayView text, int minBytes) {
    QByteArray data = text.toByteArray();
    const bool urlSafe = data.contains('-') || data.contains('_');
    const auto options = (urlSafe ? QByteArray::Base64UrlEncoding : QByteArray::Base64Encoding) |
                         QByteArray::AbortOnBase64DecodingErrors;
    while (data.size() % 4 != 0)
        data.append('=');
    const auto decoded = QByteArray::fromBase64Encoding(data, options);
    return decoded.decodingStatus == QByteArray::Base64DecodingStatus::Ok &&
           decoded.decoded.size() >= minBytes;
}

bool jwtHeaderValid(QByteArrayView token) {
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0)
        return false;
    QByteArray header = token.first(dot).toByteArray();
    while (header.size() % 4 != 0)
        header.append('=');
    const auto decoded = QByteArray::fromBase64Encoding(
        header, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        return false;
    const QJsonDocument doc = QJsonDocument::fromJson(decoded.decoded);
    return doc.isObject() && (doc.object().contains(QLatin1String("alg")) ||
                              doc.object().contains(QLatin1String("typ")));
}

bool mixedCharacters(QByteArrayView text) {
    bool upper = false, lowerCase = false, digit = false;
    for (const char c : text) {
        upper |= c >= 'A' && c <= 'Z';
        lowerCase |= c >= 'a' && c <= 'z';
        digit |= c >= '0' && c <= '9';
    }
    return int(upper) + int(lowerCase) + int(digit) >= 2;
}

bool lettersAndDigits(QByteArrayView text) {
    bool letter = false, digit = false;
    for (const char c : text) {
        letter |= (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        digit |= c >= '0' && c <= '9';
    }
    return letter && digit;
}

bool lettersDigitsOrRandom(QByteArrayView text) {
    if (lettersAndDigits(text))
        return true;
    bool upper = false, lowerCase = false;
    for (const char c : text) {
        upper |= c >= 'A' && c <= 'Z';
        lowerCase |= c >= 'a' && c <= 'z';
    }
    return text.size() >= 20 && upper && lowerCase && shannonEntropy(text) >= 4.0;
}

bool isUuid(QByteArrayView text) {
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < 36; ++i) {
        const char c = text[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hexDigit =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hexDigit)
            return false;
    }
    return true;
}

bool isPlaceholder(QByteArrayView value, const QStringList &words) {
    if (value.isEmpty())
        return true;
    const QByteArray lowered = value.toByteArray().toLower();
    if (lowered.count(lowered.front()) == lowered.size())
        return true; // "xxxxxxxx", "00000000"
    // A reference, not a value: ${VAR}, $(cmd), $VAR, %VAR%, {{ template }}, <your key>. A
    // hash such as "$apr1$..." or "$2y$..." starts with '$' and a lower-case letter or digit.
    const char second = value.size() > 1 ? value[1] : '\0';
    if (value.startsWith('$') &&
        (second == '{' || second == '(' || second == '_' || (second >= 'A' && second <= 'Z')))
        return true;
    if (lowered.startsWith('%') || lowered.startsWith("{{") || lowered.startsWith('<'))
        return true;
    // A percent-encoded value ("p%40ssword") is also checked decoded.
    const QByteArray decoded =
        lowered.contains('%') ? QByteArray::fromPercentEncoding(lowered) : QByteArray();
    for (const QString &w : words) {
        const QByteArray word = w.toUtf8();
        if (lowered.contains(word) || (!decoded.isEmpty() && decoded.contains(word)))
            return true;
    }
    return false;
}

bool isPlaceholderValue(QByteArrayView value, const QStringList &words) {
    if (words.isEmpty())
        return false;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    qsizetype begin = 0;
    qsizetype end = value.size();
    while (begin < end && !letter(value[begin]))
        ++begin;
    while (end > begin && !letter(value[end - 1]))
        --end;
    // A value of digits and punctuation only ("123456") is left to the entropy check.
    const QByteArray core = value.sliced(begin, end - begin).toByteArray().toLower();
    if (core.isEmpty())
        return false;
    // Also the value percent-decoded ("p%40ssword") and with its inner punctuation and
    // spaces dropped ("pa/ssword", "My Pass").
    QList<QByteArray> forms{core};
    if (core.contains('%'))
        forms << QByteArray::fromPercentEncoding(core);
    for (qsizetype i = 0, n = forms.size(); i < n; ++i) {
        QByteArray letters;
        for (const char c : std::as_const(forms[i]))
            if (letter(c))
                letters += c;
        forms << letters;
    }
    for (const QString &w : words) {
        const QByteArray word = w.toUtf8();
        for (const QByteArray &form : std::as_const(forms))
            if (form == word)
                return true;
    }
    return false;
}

} // namespace reposcope::security::secrets::validators
