// SPDX-License-Identifier: MIT
#pragma once

#include "llm/client/chatrequest.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include <optional>

namespace reposcope::llm {
struct ModelEntry;
struct ProviderEntry;
} // namespace reposcope::llm

// `ask --image FILE` (repeatable): diagrams and screenshots sent with the question.
namespace reposcope::cli {

struct ImageFlags {
    QCommandLineOption image{
        QStringLiteral("image"),
        QStringLiteral("Send this image with the question (repeatable): PNG, JPEG, WebP, GIF "
                       "(first frame), BMP or SVG, prepared to the model's limits from the "
                       "catalog. The model must read images (vision: true)."),
        QStringLiteral("FILE")};

    void addTo(QCommandLineParser &p) { p.addOption(image); }
    bool isSet(const QCommandLineParser &p) const { return p.isSet(image); }
};

// The images to send and what they count.
struct PreparedImages {
    QList<llm::ImagePart> parts;
    qint64 tokens = 0;
    bool exact = true; // every image counted by the model's own rule
};

// Prepares every --image FILE for `model` of `provider` (`model` null: a model the catalog
// does not know, so the provider's limits, or none, and the Llama 4 rule, marked "≈"), and
// prints one line per image on stderr ("image docs/erd.png: 6000×4000 → 1344×896 JPEG 412
// KB, ≈1,340 tokens"). A model without vision, too many images or a file that cannot be
// prepared prints the error, naming the file, and returns ExitUsage; nothing is sent then.
// Blocking (decoding runs on the calling thread): call it before the request starts.
std::optional<int> prepareImageFlags(const QCommandLineParser &parser, const ImageFlags &flags,
                                     const llm::ProviderEntry &provider,
                                     const llm::ModelEntry *model, PreparedImages *images);

// " and 2 images" for the "sending N files…" line; empty without images.
QString imagesClause(const PreparedImages &images);

} // namespace reposcope::cli
