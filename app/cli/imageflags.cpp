// SPDX-License-Identifier: MIT
#include "imageflags.h"

#include "clicommands.h"
#include "clishared.h"

#include "images/imageprep.h"
#include "llm/catalog/modelcatalog.h"

namespace reposcope::cli {

namespace {

images::PrepareLimits limitsForFlags(const llm::ProviderEntry &provider,
                                     const llm::ModelEntry *model) {
    if (model != nullptr)
        return images::limitsFor(provider, *model);
    llm::ModelEntry unknown;
    unknown.imageTokenRule = images::defaultLimits().tokenRule;
    return images::limitsFor(provider, unknown);
}

} // namespace

std::optional<int> prepareImageFlags(const QCommandLineParser &parser, const ImageFlags &flags,
                                     const llm::ProviderEntry &provider,
                                     const llm::ModelEntry *model, PreparedImages *images) {
    const QStringList files = parser.values(flags.image);
    if (files.isEmpty())
        return std::nullopt;
    if (model != nullptr && !model->vision) {
        err() << "error: " << model->id
              << " does not read images (vision: false in the catalog); drop --image or choose "
                 "a vision model\n";
        return ExitUsage;
    }
    const images::PrepareLimits limits = limitsForFlags(provider, model);
    if (limits.maxImagesPerRequest > 0 && files.size() > limits.maxImagesPerRequest) {
        err() << "error: " << files.size() << " images given; " << provider.name
              << " takes at most " << limits.maxImagesPerRequest
              << " per request (maxImagesPerRequest in the catalog); drop some --image\n";
        return ExitUsage;
    }
    for (const QString &file : files) {
        Result<images::PreparedImage> prepared = images::prepareImageFile(file, limits);
        if (!prepared) {
            err() << "error: image " << file << ": " << prepared.error().message
                  << "; nothing was sent\n";
            return ExitUsage;
        }
        if (model == nullptr)
            prepared->tokens.exact = false; // the rule is a guess for an unknown model
        err() << "image " << file << ": " << images::summary(*prepared) << "\n";
        images->parts.append(prepared->part);
        images->tokens += prepared->tokens.tokens;
        images->exact = images->exact && prepared->tokens.exact;
    }
    err().flush();
    return std::nullopt;
}

QString imagesClause(const PreparedImages &images) {
    const qsizetype n = images.parts.size();
    if (n == 0)
        return {};
    return n == 1 ? QStringLiteral(" and 1 image") : QStringLiteral(" and %1 images").arg(n);
}

} // namespace reposcope::cli
