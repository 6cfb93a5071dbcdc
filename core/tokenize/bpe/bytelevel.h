// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace reposcope::tokenize {

// GPT-2's byte-level alphabet, as Hugging Face tokenizer.json and GGUF vocabularies
// write tokens: each byte is shown as a printable character. Converts such a token back
// to its raw bytes; false if a character is outside the alphabet.
bool decodeByteLevel(const QString &token, QByteArray &out);

} // namespace reposcope::tokenize
