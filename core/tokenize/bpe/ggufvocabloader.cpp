// SPDX-License-Identifier: MIT
// The vocabulary embedded in a GGUF model (tokenizer.ggml.*) -> BpeSpec, without loading
// any weights.
#include "llm/gguf/ggufreader.h"
#include "text/visibletext.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bytelevel.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QRegularExpression>

#include <array>

namespace reposcope::tokenize {

namespace {

// llama.cpp's token types (llama_token_type).
enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

const char *const kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char *const kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char *const kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct PreType {
    QStringList patterns;
    bool ignoreMerges = false;
};

// The pre-tokenizer types of llama.cpp (llama-vocab.cpp) this loader knows, with the
// regular expressions llama.cpp applies for each (PCRE2 syntax).
std::optional<PreType> preTypeFor(const QString &pre) {
    static const QStringList llama3 = {QStringLiteral("llama3"),    QStringLiteral("llama-v3"),
                                       QStringLiteral("llama-bpe"), QStringLiteral("falcon3"),
                                       QStringLiteral("dbrx"),      QStringLiteral("smaug-bpe")};
    static const QStringList qwen2 = {QStringLiteral("qwen2"), QStringLiteral("deepseek-r1-qwen"),
                                      QStringLiteral("stablelm2")};
    static const QStringList gpt2 = {QStringLiteral("gpt-2"), QStringLiteral("phi-2"),
                                     QStringLiteral("mpt"), QStringLiteral("olmo"),
                                     QStringLiteral("jais")};
    if (llama3.contains(pre))
        // llama.cpp sets ignore_merges for the Llama 3 type only, as tokenizer.json does.
        return PreType{{QString::fromLatin1(kLlama3)},
                       pre != QLatin1String("dbrx") && pre != QLatin1String("smaug-bpe")};
    if (qwen2.contains(pre))
        return PreType{{QString::fromLatin1(kQwen2)}, false};
    if (gpt2.contains(pre))
        return PreType{{QString::fromLatin1(kGpt2)}, false};
    if (pre == QLatin1String("deepseek-v3"))
        return PreType{
            {QStringLiteral(R"(\p{N}{1,3})"),
             QStringLiteral("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+"),
             QStringLiteral(
                 "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}"
                 "\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)"
                 "|\\s+")},
            false};
    if (pre == QLatin1String("default"))
        return PreType{{QStringLiteral(R"([\p{P}\$\+<=>\^~\|]+)"), QString::fromLatin1(kGpt2),
                        QStringLiteral(R"(\p{N}+)"), QStringLiteral("[0-9][0-9][0-9]")},
                       false};
    return std::nullopt;
}

Error unsupported(const QString &path, const QString &what) {
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("%1: unsupported: %2").arg(text::visibleName(path), what));
}

Error bad(const QString &path, const QString &what) {
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("%1: the GGUF vocabulary is unusable: %2")
                           .arg(text::visibleName(path), what));
}

} // namespace

Result<BpeSpec> loadGgufVocabulary(const QString &path, const VocabularyLimits &limits) {
    llm::GgufReadOptions options;
    options.readTensorInfo = false;
    options.maxVocabularyEntries = quint64(limits.maxTokens);
    auto read = llm::readGgufMetadata(path, options);
    if (!read)
        return read.error();
    const llm::GgufInfo &info = *read;

    const llm::GgufValue *modelValue = info.value("tokenizer.ggml.model");
    if (!modelValue)
        return bad(path, QStringLiteral("no tokenizer.ggml.model key (the file carries no "
                                        "vocabulary)"));
    const QString model = modelValue->toString().value_or(QString());
    if (model == QLatin1String("llama"))
        return unsupported(path, QStringLiteral("SentencePiece vocabulary (tokenizer.ggml.model = "
                                                "\"llama\"); only GPT-2 style byte-level BPE "
                                                "(\"gpt2\") is supported"));
    if (model != QLatin1String("gpt2"))
        return unsupported(
            path, QStringLiteral("tokenizer.ggml.model = \"%1\"; only GPT-2 style "
                                 "byte-level BPE (\"gpt2\") is supported")
                      .arg(text::visibleQuote(modelValue->toBytes().value_or(QByteArray()))));

    const llm::GgufValue *tokensValue = info.value("tokenizer.ggml.tokens");
    const QList<QByteArray> *tokens = tokensValue ? tokensValue->stringArray() : nullptr;
    if (!tokens || tokens->isEmpty())
        return bad(path, QStringLiteral("tokenizer.ggml.tokens is missing or not a list of "
                                        "strings"));
    std::vector<qint64> types;
    if (const llm::GgufValue *t = info.value("tokenizer.ggml.token_type")) {
        auto ints = t->intArray();
        if (!ints || ints->size() != size_t(tokens->size()))
            return bad(path, QStringLiteral("tokenizer.ggml.token_type must list one integer per "
                                            "token (%1 tokens)")
                                 .arg(tokens->size()));
        types = std::move(*ints);
    }
    const llm::GgufValue *mergesValue = info.value("tokenizer.ggml.merges");
    const QList<QByteArray> *merges = mergesValue ? mergesValue->stringArray() : nullptr;
    if (!merges)
        return bad(path, QStringLiteral("tokenizer.ggml.merges is missing or not a list of "
                                        "strings"));

    QString pre = QStringLiteral("default"); // what llama.cpp assumes when the key is absent
    if (const llm::GgufValue *p = info.value("tokenizer.ggml.pre"))
        pre = p->toString().value_or(QString());
    const std::optional<PreType> preType = preTypeFor(pre);
    if (!preType)
        return unsupported(path, QStringLiteral("pre-tokenizer \"%1\" (tokenizer.ggml.pre); known: "
                                                "llama3/llama-bpe, qwen2, deepseek-v3, gpt-2, "
                                                "default")
                                     .arg(text::visibleQuote(pre)));

    BpeSpec spec;
    spec.splitPatterns = preType->patterns;
    spec.ignoreMerges = preType->ignoreMerges;
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(pre.toUtf8());
    spec.vocab.reserve(size_t(tokens->size()));
    QByteArray raw;
    for (qsizetype i = 0; i < tokens->size(); ++i) {
        const QByteArray &text = tokens->at(i);
        const qint64 type = types.empty() ? qint64(Normal) : types[size_t(i)];
        hash.addData(QByteArray::number(type));
        hash.addData(QByteArrayView(text.constData(), text.size() + 1)); // with the NUL
        if (type == Control || type == UserDefined) {
            // Stored as plain text, never produced from file text when counting.
            spec.specialTokens.emplace_back(text, int(i));
            continue;
        }
        if (type == Unused)
            continue;
        if (!decodeByteLevel(QString::fromUtf8(text), raw)) {
            if (type == Unknown)
                continue;
            return bad(path, QStringLiteral("token %1 \"%2\" is not in byte-level form")
                                 .arg(i)
                                 .arg(text::visibleQuote(text)));
        }
        if (raw.isEmpty())
            continue; // "": no text is ever that token, and BPE needs every token non-empty
        spec.vocab.emplace_back(raw, int(i));
    }

    spec.merges.reserve(size_t(merges->size()));
    QByteArray left, right;
    for (qsizetype i = 0; i < merges->size(); ++i) {
        const QByteArray &m = merges->at(i);
        hash.addData(QByteArrayView(m.constData(), m.size() + 1));
        // Byte-level tokens never contain a space (it is "Ġ"), so the first one separates.
        const qsizetype space = m.indexOf(' ', 1);
        if (space <= 0 || space == m.size() - 1 ||
            !decodeByteLevel(QString::fromUtf8(QByteArrayView(m).first(space)), left) ||
            !decodeByteLevel(QString::fromUtf8(QByteArrayView(m).sliced(space + 1)), right))
            return bad(path, QStringLiteral("merge %1 \"%2\" is not two byte-level tokens "
                                            "separated by a space")
                                 .arg(i)
                                 .arg(text::visibleQuote(m)));
        spec.merges.emplace_back(left, right);
    }

    QString name = info.name;
    if (name.isEmpty())
        name = QFileInfo(path).completeBaseName();
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    spec.id =
        QStringLiteral("gguf:%1:%2").arg(name, QString::fromLatin1(hash.result().toHex().left(8)));
    spec.displayName = QStringLiteral("%1 (GGUF vocabulary)")
                           .arg(info.name.isEmpty() ? name : text::visibleQuote(info.name));
    return spec;
}

} // namespace reposcope::tokenize
