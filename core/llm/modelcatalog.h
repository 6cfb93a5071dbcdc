// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace reposcope::llm {

// One model as a provider serves it. Figures are dated data ("asOf"): hosted offers
// change, so the app prefers what a live server reports where it can.
struct ModelEntry {
    QString id;   // the id sent in requests
    QString name; // shown to people
    qint64 contextTokens = 0;
    qint64 maxOutputTokens = 0;
    std::optional<double> inputPerMillion; // dollars; empty when unknown
    std::optional<double> outputPerMillion;
    bool vision = false;
    QString tokenizer;           // e.g. "o200k", "llama3", "estimate"; see docs/tokenizers.md
    bool tokenizerExact = false; // the named tokenizer is the model's own
    QString asOf;                // YYYY-MM-DD the figures were checked
    QString status;              // "" = available; e.g. "retired 2026-07-17"
    QString note;
};

struct ProviderEntry {
    QString id;
    QString name;
    QString kind; // "cloud", "self-hosted", "local"
    QString baseUrl;
    QString asOf;
    QString note;
    QList<ModelEntry> models;
};

// The provider/model catalog: the built-in JSON resource, overlaid field by field with a
// user file that can add providers or models and replace any field (providers and models
// are matched by id).
class ModelCatalog {
public:
    static Result<ModelCatalog> fromJson(const QByteArray &json);
    // Built-in catalog plus the user's override file if it exists (errors in that file
    // are reported in `warnings`, never fatal).
    static ModelCatalog load(const QString &userFile, QStringList *warnings);
    static QString defaultUserFile();

    const QList<ProviderEntry> &providers() const { return m_providers; }
    const ProviderEntry *provider(const QString &id) const;
    const ModelEntry *model(const QString &providerId, const QString &modelId) const;

    // Adds or replaces a provider's model (e.g. a custom model with the user's own cap).
    void upsertModel(const QString &providerId, const ModelEntry &model);

private:
    QList<ProviderEntry> m_providers;
};

} // namespace reposcope::llm
