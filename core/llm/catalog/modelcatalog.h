// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace reposcope::llm {

// What a provider states about images in one request; 0 / empty = no stated
// limit.
struct ImageLimits {
    int maxLongEdge = 0;         // pixels on the longer side
    qint64 maxPixels = 0;        // width × height per image (Groq: 33 MP)
    qint64 maxBytesPerImage = 0; // encoded as sent (base64 in a data URL)
    int maxImagesPerRequest = 0; // Groq 5 (UNCONFIRMED), vLLM advises ≤ 10
    QStringList mimeTypes;       // accepted types; empty = any common type
    QString note;
    bool operator==(const ImageLimits &) const = default;
};

// One model as a provider serves it. Figures are dated data ("asOf"): hosted
// offers change, so the app prefers what a live server reports where it can.
struct ModelEntry {
    QString id;   // the id sent in requests
    QString name; // shown to people
    qint64 contextTokens = 0;
    qint64 maxOutputTokens = 0;
    std::optional<double> inputPerMillion; // dollars; empty when unknown
    std::optional<double> outputPerMillion;
    bool vision = false;
    QString imageTokenRule;      // how an image is counted: "llama4-tiles", "" = unknown
    QString tokenizer;           // e.g. "o200k", "llama3", "estimate"; see docs/tokenizers.md
    bool tokenizerExact = false; // the named tokenizer is the model's own
    QString asOf;                // YYYY-MM-DD the figures were checked
    QString status;              // "" = available; e.g. "retired 2026-07-17"
    QString note;
    // Retired or removed by its host: kept as history, never the default, listed last.
    bool isRetired() const { return !status.isEmpty(); }
    bool operator==(const ModelEntry &) const = default;
};

// How one provider speaks the OpenAI-compatible protocol (PROVIDERS.md). Never
// holds an API key: keys live in the keychain or the environment
// (security::ApiKeyStore).
struct ProviderEntry {
    QString id;
    QString name;
    QString kind; // "cloud", "self-hosted", "local", "custom" (any base URL)
    QString baseUrl;
    QString asOf;
    QString note;
    QString auth = QStringLiteral("bearer"); // "bearer" | "none"
    QString keyEnv;                          // environment variable holding the key, or ""
    // "include_usage": send stream_options.include_usage; "always": usage comes
    // anyway (OpenRouter); "none": the server reports none in the stream (LM
    // Studio).
    QString usageMode = QStringLiteral("include_usage");
    QString tokenizeApi;           // "vllm" | "llama-server" | "": exact counts via /tokenize
    QString capSource;             // where the live cap is read: "openrouter-models",
                                   // "vllm-tokenize", "llama-server-props", "lmstudio-models", ""
    bool dropsOldMessages = false; // silently trims history past its context (Ollama)
    bool returnProgress = false;   // accepts "return_progress" (llama-server prefill progress)
    QList<QPair<QByteArray, QByteArray>> extraHeaders; // e.g. OpenRouter's X-Title
    ImageLimits images;
    QList<ModelEntry> models;
    bool operator==(const ProviderEntry &) const = default;
};

// The provider/model catalog: the built-in JSON resource, overlaid field by
// field with a user file that can add providers or models and replace any field
// (providers and models are matched by id). A value type; not thread-safe,
// normally owned by app/ on the UI thread.
class ModelCatalog {
public:
    static Result<ModelCatalog> fromJson(const QByteArray &json);
    // Built-in catalog plus the user's override file if it exists (errors in that
    // file are reported in `warnings`, never fatal).
    static ModelCatalog load(const QString &userFile, QStringList *warnings);
    static QString defaultUserFile();

    const QList<ProviderEntry> &providers() const { return m_providers; }
    const ProviderEntry *provider(const QString &id) const;
    const ModelEntry *model(const QString &providerId, const QString &modelId) const;
    // The provider as the built-in resource states it (null for one the user
    // added).
    const ProviderEntry *builtInProvider(const QString &id) const;
    // The provider's models as a picker lists them: available ones first, retired ones
    // last, each group in catalog order. Empty for an unknown provider.
    QList<const ModelEntry *> pickerOrder(const QString &providerId) const;
    // The model chosen when the user has chosen none: the first available one; the first
    // retired one only when the provider has nothing else; null without models.
    const ModelEntry *defaultModel(const QString &providerId) const;
    // The model's name with its status said once ("Llama 4 Scout — retired 2026-07-17"),
    // also when the name already carries it.
    static QString pickerLabel(const ModelEntry &model);

    // Adds or replaces a provider's model (e.g. a custom model with the user's
    // own cap).
    void upsertModel(const QString &providerId, const ModelEntry &model);
    // Adds or replaces a whole provider, models included (matched by id).
    void upsertProvider(const ProviderEntry &provider);
    // Removes a provider or model the user added; built-in ones cannot be removed
    // (returns false), as the user file can only overlay them.
    bool removeProvider(const QString &id);
    bool removeModel(const QString &providerId, const QString &modelId);

    // The user file's content for this catalog: only what differs from the
    // built-in catalog (changed fields of built-in providers and models, whole
    // added ones). Keeps `previous`'s other top-level keys (comments). Never
    // contains an API key.
    QJsonObject userOverlay(const QJsonObject &previous = {}) const;
    // Writes userOverlay() atomically (QSaveFile) to `file`, creating its folder.
    // Small synchronous file I/O.
    Result<Ok> saveUserFile(const QString &file) const;

    // One entry as the catalog's JSON (all fields); the inverse of what fromJson
    // reads.
    static QJsonObject toJson(const ProviderEntry &provider);
    static QJsonObject toJson(const ModelEntry &model);

private:
    QList<ProviderEntry> m_providers;
    QList<ProviderEntry> m_builtIn; // what load() read from the resource; empty for fromJson
};

} // namespace reposcope::llm
