// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <random>

// Planted secrets for the scanner's tests and the benchmark's planted corpus. Every secret
// is generated from a seeded PRNG when the test runs, in its format (GitHub tokens with a
// valid CRC-32 checksum, JWTs whose header is JSON), so nothing real-looking is committed.
namespace reposcope::test::secrets {

struct Sample {
    QString ruleId;    // the rule that must find it
    QByteArray secret; // exactly what the hit must cover
    QByteArray text;   // the secret in its usual surroundings (a line of code, a file)
    QByteArray path;   // a file name it usually lives in
};

class SampleGenerator {
public:
    explicit SampleGenerator(quint64 seed)
        : m_rng(seed) {}

    // One sample (at least) for every built-in rule.
    QList<Sample> onePerRule();

    QByteArray alnum(int n); // [A-Za-z0-9]
    QByteArray fromAlphabet(const char *alphabet, int n);
    QByteArray hex(int n);
    QByteArray base64(int n);                   // [A-Za-z0-9+/]
    QByteArray base64url(int n);                // [A-Za-z0-9_-]
    QByteArray githubToken(const char *prefix); // prefix + 30 random + 6-digit checksum
    QByteArray pem(const QByteArray &label, int lines, const QByteArray &eol = "\n");

private:
    std::mt19937_64 m_rng;
};

// CRC-32 (zlib), written bit by bit: independent of the scanner's table version.
quint32 crc32Bitwise(const QByteArray &data);

} // namespace reposcope::test::secrets
