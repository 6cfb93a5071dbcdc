// SPDX-License-Identifier: MIT
#include "viewer/viewerfileload.h"

#include "common/figures.h"

#include "repo/contentreader.h"
#include "text/textdecoder.h"

#include <QStringDecoder>

#include <cstring>
#include <optional>
#include <utility>

namespace reposcope::ui {

namespace {

constexpr qint64 kMaxViewBytes = qint64(64) << 20;
constexpr qint64 kPiecewiseFrom = qint64(8) << 20;
constexpr qsizetype kPieceBytes = qsizetype(4) << 20;
constexpr qsizetype kBinaryProbe = 8000; // as text::decodeText decides

// Whether the start of a file rules out plain UTF-8: a byte-order mark or a NUL byte.
bool startsAsOtherThanPlainUtf8(QByteArrayView head) {
    const auto *b = reinterpret_cast<const unsigned char *>(head.data());
    const qsizetype n = head.size();
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return true;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        return true;
    return std::memchr(b, 0, size_t(std::min(n, kBinaryProbe))) != nullptr;
}

// The piecewise path: the text when the whole file is plain UTF-8, else nothing (the caller
// decodes it whole). An error of the reader is returned as the problem.
std::optional<ViewerFile> loadPlainUtf8InPieces(repo::ContentReader &reader,
                                                const repo::ScannedFile &file) {
    ViewerFile out;
    out.text.reserve(file.size); // ASCII is the common case: one QChar a byte
    QStringDecoder decoder(QStringConverter::Utf8);
    bool plain = true;
    bool first = true;
    const Result<qint64> read = reader.readChunks(file, kPieceBytes, [&](QByteArrayView piece) {
        if (std::exchange(first, false) && startsAsOtherThanPlainUtf8(piece))
            return plain = false;
        out.text += decoder.decode(piece);
        return plain = !decoder.hasError();
    });
    if (!read) {
        out.problem = read.error().message;
        out.text.clear();
        return out;
    }
    out.text += decoder.decode(QByteArrayView()); // an unfinished sequence at the end
    if (!plain || decoder.hasError())
        return std::nullopt;
    return out;
}

} // namespace

ViewerFile loadForViewer(const repo::RepoSnapshot &snapshot, const repo::ScannedFile &file) {
    ViewerFile out;
    if (file.size > kMaxViewBytes) {
        out.problem = QStringLiteral("This file is too large to view (%1; the viewer opens "
                                     "files up to %2).")
                          .arg(formatBytes(qint64(file.size)), formatBytes(kMaxViewBytes));
        return out;
    }
    const auto reader = repo::makeContentReader(snapshot.info());
    if (file.size >= kPiecewiseFrom) {
        if (std::optional<ViewerFile> plain = loadPlainUtf8InPieces(*reader, file))
            return *std::move(plain);
    }
    Result<QByteArray> raw = reader->read(file);
    if (!raw) {
        out.problem = raw.error().message;
        return out;
    }
    const text::DecodedText decoded = text::decodeText(*raw);
    raw = QByteArray(); // the bytes go before the text is made
    if (decoded.binary)
        out.problem = QStringLiteral("This is a binary file; there is nothing to show.");
    else
        out.text = QString::fromUtf8(decoded.utf8);
    return out;
}

} // namespace reposcope::ui
