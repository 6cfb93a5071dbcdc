// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "images/imagetokens.h"
#include "llm/client/chatrequest.h"

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>

#include <atomic>

namespace reposcope::llm {
struct ProviderEntry;
struct ModelEntry;
} // namespace reposcope::llm

namespace reposcope::images {

// What one image may be when sent to one model; 0 / empty = no stated limit.
struct PrepareLimits {
    int maxLongEdge = 0;         // pixels on the longer side (a default applies when 0)
    qint64 maxPixels = 0;        // width × height
    qint64 maxBytesPerImage = 0; // as sent: the data URL, base64 included
    QStringList mimeTypes;       // accepted types; empty = PNG, JPEG, WebP as they are
    QString tokenRule;           // ModelEntry::imageTokenRule ("llama4-tiles", "" = unknown)
    int maxImagesPerRequest = 0; // not used by prepareImage; for the caller's check
};

// The provider's ImageLimits plus the model's token rule. Cheap.
PrepareLimits limitsFor(const llm::ProviderEntry &provider, const llm::ModelEntry &model);
// Limits for a server the catalog does not know (CLI --base-url): no stated limits,
// the Llama 4 tile rule, so counts are shown "≈".
PrepareLimits defaultLimits();
// The long edge an image is fitted to: limits.maxLongEdge, or when 0 a default
// (1344 = 4 × 336 px for "llama4-tiles": the largest square grid Llama 4 reads;
// 2048 otherwise).
int effectiveLongEdge(const PrepareLimits &limits);

// One image ready to send, plus what the UI and CLI show about it. A value type.
struct PreparedImage {
    llm::ImagePart part;       // what is sent
    QString name;              // file name or "pasted image"
    QSize originalSize;        // as decoded, orientation applied
    QSize sentSize;            // as sent
    QByteArray originalFormat; // "png", "jpeg", "webp", "gif", "bmp", "svg"
    qint64 originalBytes = 0;
    bool reencoded = false;
    bool downscaled = false;
    bool orientationApplied = false;
    bool metadataStripped = false;
    ImageTokens tokens;
    QImage thumbnail; // ≤ 160 px on the longest edge, for the UI
    QString note;     // "downscaled 6000×4000 → 1344×896, re-encoded as JPEG 412 KB"
};

// Decodes one image (format sniffed from the content, not the name), applies EXIF
// orientation, downscales to the limits (never up), strips metadata and re-encodes
// only when needed; otherwise the original bytes are sent untouched. Refuses, before
// decoding, images whose header size needs more than 256 MB of decoded pixels and files
// whose pixel data is incomplete, and after decoding an image with no visible pixel
// (imagedecode.h, docs/images.md). Thread-safe and
// blocking (tens of ms for a photo-size JPEG, up to about a second for a 24-megapixel
// PNG on a slow core, see docs/images.md): run it on a pool. Never throws; the error says
// what is wrong and what to do, without repeating `name` (Error::Code::InvalidData, or
// Cancelled when `cancel` became true). SVG needs a QGuiApplication (fonts); under a
// plain QCoreApplication (the CLI) it is refused with a message.
Result<PreparedImage> prepareImage(const QByteArray &bytes, const QString &name,
                                   const PrepareLimits &limits,
                                   const std::atomic_bool *cancel = nullptr);
// Reads `path` (Error::Code::Unreadable / NotFound with the path when it cannot) and
// prepares it under its file name. Blocking file I/O; same threading as prepareImage.
Result<PreparedImage> prepareImageFile(const QString &path, const PrepareLimits &limits,
                                       const std::atomic_bool *cancel = nullptr);
// True when the extension names an image format prepareImage reads (png, jpg, jpeg,
// webp, gif, bmp, svg); for "Attach as image" in the tree. No file access.
bool looksLikeImageFile(const QString &path);

// "6000×4000 → 1344×896 JPEG 412 KB, ≈1,340 tokens": one line for the CLI and tooltips.
QString summary(const PreparedImage &image);

} // namespace reposcope::images
