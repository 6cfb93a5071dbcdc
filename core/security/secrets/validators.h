// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QStringList>

#include <cstdint>

// The checks that cut a rule's false positives. Pure functions of the candidate secret.
namespace reposcope::security::secrets::validators {

// Shannon entropy of the bytes, in bits per byte (0 for an empty text).
double shannonEntropy(QByteArrayView text);

// CRC-32 as zlib and GitHub compute it (polynomial 0xEDB88320).
uint32_t crc32(QByteArrayView data);
// `value` in base 62 (0-9, A-Z, a-z), left-padded with '0' to `width` digits.
QByteArray base62(uint32_t value, int width);
// A GitHub token of the 2021 format (ghp_, gho_, ghu_, ghs_, ghr_; npm_ the same): the last
// six characters are the base-62 CRC-32 of the 30 random ones before them.
bool githubChecksumValid(QByteArrayView token);

// A JWT whose header (the part before the first '.') is base64url of a JSON object that
// names an "alg" or a "typ".
bool jwtHeaderValid(QByteArrayView token);

// Standard or URL-safe base64 (padding optional) that decodes to at least `minBytes`.
bool base64Decodes(QByteArrayView text, int minBytes);

// At least two of: upper-case letter, lower-case letter, digit.
bool mixedCharacters(QByteArrayView text);
// At least one letter and one digit.
bool lettersAndDigits(QByteArrayView text);
// Letters and digits, or random-looking letters: 20 or more, mixed case, 4 bits of entropy.
bool lettersDigitsOrRandom(QByteArrayView text);
// 8-4-4-4-12 hex digits: an identifier, not a secret (for the generic rules).
bool isUuid(QByteArrayView text);

// Does the value (compared lower-cased) look like a placeholder: one of `words` occurs in
// it, it is one character repeated, or it starts like a template ("$", "%", "{{", "<")?
bool isPlaceholder(QByteArrayView value, const QStringList &words);
// True when `value`, lower-cased and stripped of the digits and punctuation at both ends, is
// one of `words` ("Password123!" with "password"); "S3cr3tPassw0rd9x" is not.
bool isPlaceholderValue(QByteArrayView value, const QStringList &words);

} // namespace reposcope::security::secrets::validators
