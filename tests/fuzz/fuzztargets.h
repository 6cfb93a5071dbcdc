// SPDX-License-Identifier: MIT
#pragma once
// The fuzz targets. Each is one plain function that takes any bytes, runs the code under
// test on them and checks its invariants (fuzzcheck.h); it returns 0 as libFuzzer wants.
// The same functions run under libFuzzer (-DREPOSCOPE_FUZZ=ON, libfuzzermain.cpp) and in
// the deterministic mutation loop of reposcope_fuzz_tests. Not thread-safe (the file
// targets reuse one scratch file).

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace reposcope::tokenize {
struct BpeSpec;
}

namespace reposcope::fuzz {

namespace gguf {
// readGgufMetadata with three option sets, then loadGgufVocabulary, on the bytes as a file.
int fuzzOne(const uint8_t *data, size_t size);
} // namespace gguf

namespace tokenizer {
// loadHfTokenizerJson on the bytes as a tokenizer.json; a loaded spec is built into a
// BpeTokenizer, which encodes a fixed text, and round-trips through its snapshot.
int fuzzOne(const uint8_t *data, size_t size);
// Builds a loaded spec into a tokenizer and checks what it does with a fixed text (shared
// with the GGUF target, whose vocabularies go the same way).
void exerciseSpec(const tokenize::BpeSpec &spec, const char *target);
} // namespace tokenizer

namespace image {
// prepareImage under four sets of limits, and decodePngFast; PNG input is tried once as
// is and once with every chunk CRC repaired, so mutations reach past the CRC checks.
int fuzzOne(const uint8_t *data, size_t size);
} // namespace image

namespace sse {
// SseParser fed the bytes whole, byte by byte and in pseudo-random splits (the events
// must not depend on the chunking), then decodeChatChunk on every event.
int fuzzOne(const uint8_t *data, size_t size);
} // namespace sse

using FuzzFunction = int (*)(const uint8_t *, size_t);

struct Target {
    const char *name;
    FuzzFunction run;
    // Valid inputs made by the real writers (GgufWriter, QJsonDocument, QImageWriter, the
    // providers' stream shapes): the start of every mutation.
    std::vector<QByteArray> (*seeds)();
    // Tokens the mutator inserts (field names, magic numbers, line ends).
    std::vector<QByteArray> (*dictionary)();
};

const std::vector<Target> &targets();
const Target *targetNamed(const QString &name);

// A file in a temporary directory that lives as long as the process, rewritten per input.
class ScratchFile {
public:
    explicit ScratchFile(const QString &fileName);
    // Replaces the contents; returns the path.
    const QString &write(const uint8_t *data, size_t size);
    const QString &path() const { return m_path; }

private:
    QString m_path;
};

} // namespace reposcope::fuzz
