// SPDX-License-Identifier: MIT
// Hugging Face tokenizer.json (model.type "BPE", byte-level pre-tokenization) -> BpeSpec.
#include "text/visibletext.h"
#include "tokenize/bpe/bpespec.h"
#include "tokenize/bpe/bytelevel.h"
#include "tokenize/bpe/jsoncounts.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <array>
#include <unordered_set>

namespace reposcope::tokenize {

namespace {

// GPT-2's pre-tokenization pattern (what ByteLevel with use_regex applies).
const char *const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

Error bad(const QString &path, const QString &what) {
    return Error::make(
        Error::Code::InvalidData,
        QStringLiteral("%1: not a usable tokenizer.json: %2").arg(text::visibleName(path), what));
}

Error unsupported(const QString &path, const QString &what) {
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("%1: unsupported: %2").arg(text::visibleName(path), what));
}

// Transformers.js (the reference the conformance tests compare with) rewrites this
// fragment of the Llama 3 / Qwen pattern because JavaScript lacks scoped modifiers; the
// rewrite is also what llama.cpp uses. Plain ASCII case alternatives avoid PCRE2's
// Unicode case folding (e.g. 'ſ matching (?i:'s)), so all three agree.
QString jsCompatiblePattern(QString pattern) {
    pattern.replace(QStringLiteral("(?i:'s|'t|'re|'ve|'m|'ll|'d)"),
                    QStringLiteral("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"));
    return pattern;
}

std::optional<Error> parseNormalizer(const QString &path, const QJsonValue &n,
                                     BpeSpec::Normalization &out) {
    if (n.isNull() || n.isUndefined())
        return std::nullopt;
    if (!n.isObject())
        return bad(path, QStringLiteral("\"normalizer\" must be an object or null"));
    const QJsonObject o = n.toObject();
    const QString type = o.value(QLatin1String("type")).toString();
    if (type == QLatin1String("NFC")) {
        if (out == BpeSpec::Normalization::None)
            out = BpeSpec::Normalization::NFC;
        return std::nullopt;
    }
    if (type == QLatin1String("NFKC")) {
        out = BpeSpec::Normalization::NFKC; // NFKC after or before NFC is NFKC
        return std::nullopt;
    }
    if (type == QLatin1String("Sequence")) {
        const QJsonValue list = o.value(QLatin1String("normalizers"));
        if (!list.isArray())
            return bad(path, QStringLiteral("normalizer Sequence without a \"normalizers\" list"));
        for (const QJsonValue &item : list.toArray()) {
            if (auto e = parseNormalizer(path, item, out))
                return e;
        }
        return std::nullopt;
    }
    if (type.isEmpty())
        return bad(path, QStringLiteral("a normalizer has no \"type\""));
    return unsupported(path, QStringLiteral("normalizer \"%1\" (only NFC, NFKC and sequences "
                                            "of them)")
                                 .arg(text::visibleQuote(type)));
}

struct PreTokState {
    QStringList patterns;
    bool byteLevel = false;
};

std::optional<Error> parsePreTokenizer(const QString &path, const QJsonValue &p, PreTokState &st) {
    if (p.isNull() || p.isUndefined())
        return std::nullopt;
    if (!p.isObject())
        return bad(path, QStringLiteral("\"pre_tokenizer\" must be an object or null"));
    const QJsonObject o = p.toObject();
    const QString type = o.value(QLatin1String("type")).toString();
    if (type == QLatin1String("Sequence")) {
        const QJsonValue list = o.value(QLatin1String("pretokenizers"));
        if (!list.isArray())
            return bad(path, QStringLiteral("pre_tokenizer Sequence without a \"pretokenizers\" "
                                            "list"));
        for (const QJsonValue &item : list.toArray()) {
            if (auto e = parsePreTokenizer(path, item, st))
                return e;
        }
        return std::nullopt;
    }
    if (type == QLatin1String("ByteLevel")) {
        if (o.value(QLatin1String("add_prefix_space")).toBool(false))
            return unsupported(path, QStringLiteral("ByteLevel pre-tokenizer with "
                                                    "add_prefix_space"));
        if (st.byteLevel)
            return unsupported(path, QStringLiteral("two ByteLevel pre-tokenizers"));
        st.byteLevel = true;
        if (o.value(QLatin1String("use_regex")).toBool(true))
            st.patterns.append(QString::fromLatin1(kGpt2Pattern));
        return std::nullopt;
    }
    if (type == QLatin1String("Split")) {
        if (st.byteLevel)
            return unsupported(path, QStringLiteral("a Split pre-tokenizer after ByteLevel"));
        const QString behavior = o.value(QLatin1String("behavior")).toString();
        if (behavior != QLatin1String("Isolated"))
            return unsupported(path, QStringLiteral("Split pre-tokenizer behavior \"%1\" (only "
                                                    "Isolated)")
                                         .arg(text::visibleQuote(behavior)));
        if (o.value(QLatin1String("invert")).toBool(false))
            return unsupported(path, QStringLiteral("inverted Split pre-tokenizer"));
        const QJsonObject pattern = o.value(QLatin1String("pattern")).toObject();
        if (pattern.value(QLatin1String("Regex")).isString()) {
            st.patterns.append(
                jsCompatiblePattern(pattern.value(QLatin1String("Regex")).toString()));
        } else if (pattern.value(QLatin1String("String")).isString()) {
            st.patterns.append(
                QRegularExpression::escape(pattern.value(QLatin1String("String")).toString()));
        } else {
            return bad(path, QStringLiteral("Split pre-tokenizer without a \"Regex\" or \"String\" "
                                            "pattern"));
        }
        return std::nullopt;
    }
    if (type.isEmpty())
        return bad(path, QStringLiteral("a pre-tokenizer has no \"type\""));
    return unsupported(path, QStringLiteral("pre-tokenizer \"%1\" (only ByteLevel, Split with "
                                            "Isolated and sequences of them)")
                                 .arg(text::visibleQuote(type)));
}

// "llama3" for .../tokenizer-llama3/models/tokenizer.json, "foo" for foo.json, etc.
QString nameFor(const QString &path) {
    const QFileInfo fi(path);
    QString name = fi.completeBaseName();
    if (name.compare(QLatin1String("tokenizer"), Qt::CaseInsensitive) == 0) {
        QDir dir = fi.absoluteDir();
        if (dir.dirName() == QLatin1String("models"))
            dir.cdUp();
        name = dir.dirName();
    }
    if (name.startsWith(QLatin1String("tokenizer-")))
        name = name.mid(10);
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return name.isEmpty() ? QStringLiteral("tokenizer") : name;
}

} // namespace

Result<BpeSpec> loadHfTokenizerJson(const QString &path, const VocabularyLimits &limits) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(
            file.exists() ? Error::Code::Unreadable : Error::Code::NotFound,
            QStringLiteral("%1: cannot open: %2").arg(text::visibleName(path), file.errorString()));
    if (file.size() > limits.maxFileBytes())
        return bad(path, vocabularyFileTooLarge(file.size(), limits));
    const QByteArray bytes = file.readAll();
    if (bytes.size() != file.size())
        return Error::make(
            Error::Code::Io,
            QStringLiteral("%1: read error: %2").arg(text::visibleName(path), file.errorString()));
    if (bytes.isEmpty())
        return bad(path, QStringLiteral("the file is empty"));
    // Counted before the JSON is parsed: a million entries would parse into gigabytes.
    const TokenizerJsonCounts counts = countTokenizerJson(bytes);
    if (counts.addedTokens > limits.maxTokens)
        return bad(path,
                   vocabularyTooLarge(QStringLiteral("added_tokens"), counts.addedTokens, limits));
    if (counts.vocab > limits.maxTokens)
        return bad(path, vocabularyTooLarge(QStringLiteral("model.vocab"), counts.vocab, limits));
    if (counts.merges > limits.maxMerges())
        return bad(path,
                   vocabularyTooLarge(QStringLiteral("model.merges"), counts.merges, limits, true));

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &perr);
    if (perr.error != QJsonParseError::NoError)
        return bad(path,
                   QStringLiteral("invalid JSON at byte %1: %2%3")
                       .arg(perr.offset)
                       .arg(perr.errorString(), perr.offset >= bytes.size() - 1
                                                    ? QStringLiteral(" (the file looks truncated)")
                                                    : QString()));
    if (!doc.isObject())
        return bad(path, QStringLiteral("the top level is not a JSON object"));
    const QJsonObject root = doc.object();

    // The model first: a non-BPE or SentencePiece-style file gets the clearest message.
    const QJsonValue modelValue = root.value(QLatin1String("model"));
    if (!modelValue.isObject())
        return bad(path, QStringLiteral("no \"model\" object"));
    const QJsonObject model = modelValue.toObject();
    const QString modelType = model.value(QLatin1String("type")).toString(QStringLiteral("BPE"));
    if (modelType != QLatin1String("BPE"))
        return unsupported(path, QStringLiteral("model type \"%1\" (only byte-level BPE)")
                                     .arg(text::visibleQuote(modelType)));
    if (model.value(QLatin1String("byte_fallback")).toBool(false))
        return unsupported(path, QStringLiteral("SentencePiece-style BPE with byte_fallback (e.g. "
                                                "Gemma); only byte-level BPE is supported, counts "
                                                "fall back to the estimate"));
    const double dropout = model.value(QLatin1String("dropout")).toDouble(0.0);
    if (dropout > 0.0)
        return unsupported(path, QStringLiteral("BPE dropout %1").arg(dropout));
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        if (!model.value(QLatin1String(key)).toString().isEmpty())
            return unsupported(path, QStringLiteral("model.%1").arg(QLatin1String(key)));
    }

    BpeSpec spec;
    if (auto e = parseNormalizer(path, root.value(QLatin1String("normalizer")), spec.normalization))
        return *e;
    PreTokState pre;
    if (auto e = parsePreTokenizer(path, root.value(QLatin1String("pre_tokenizer")), pre))
        return *e;
    if (!pre.byteLevel)
        return unsupported(path, QStringLiteral("no ByteLevel pre-tokenizer (only byte-level BPE "
                                                "tokenizers are supported)"));
    spec.splitPatterns = pre.patterns;
    spec.ignoreMerges = model.value(QLatin1String("ignore_merges")).toBool(false);

    // Added tokens: never matched inside file text.
    std::unordered_set<int> addedIds;
    const QJsonValue added = root.value(QLatin1String("added_tokens"));
    if (!added.isUndefined() && !added.isNull() && !added.isArray())
        return bad(path, QStringLiteral("\"added_tokens\" must be a list"));
    const QJsonArray addedList = added.toArray();
    for (qsizetype i = 0; i < addedList.size(); ++i) {
        const QJsonObject t = addedList.at(i).toObject();
        const QJsonValue id = t.value(QLatin1String("id"));
        const QJsonValue content = t.value(QLatin1String("content"));
        if (!id.isDouble() || id.toDouble() < 0 || !content.isString())
            return bad(path,
                       QStringLiteral("added_tokens[%1] needs an \"id\" and a \"content\"").arg(i));
        spec.specialTokens.emplace_back(content.toString().toUtf8(), id.toInt());
        addedIds.insert(id.toInt());
    }

    const QJsonValue vocabValue = model.value(QLatin1String("vocab"));
    if (!vocabValue.isObject())
        return bad(path, QStringLiteral("model.vocab is missing or not an object"));
    const QJsonObject vocab = vocabValue.toObject();
    if (vocab.isEmpty())
        return bad(path, QStringLiteral("model.vocab is empty"));
    spec.vocab.reserve(size_t(vocab.size()));
    QByteArray raw;
    for (auto it = vocab.constBegin(); it != vocab.constEnd(); ++it) {
        const QJsonValue idValue = it.value();
        const double d = idValue.toDouble(-1);
        if (!idValue.isDouble() || d < 0 || d > 0x7fffffff || d != double(int(d)))
            return bad(path, QStringLiteral("model.vocab[\"%1\"] is not a token id")
                                 .arg(text::visibleQuote(it.key())));
        const int id = int(d);
        if (!decodeByteLevel(it.key(), raw)) {
            if (addedIds.count(id) != 0)
                continue; // an added token listed in the vocabulary as well
            return unsupported(path, QStringLiteral("model.vocab token \"%1\" (id %2) is not in "
                                                    "byte-level form")
                                         .arg(text::visibleQuote(it.key()))
                                         .arg(id));
        }
        if (raw.isEmpty())
            continue; // "": no text is ever that token, and BPE needs every token non-empty
        spec.vocab.emplace_back(raw, id);
    }

    const QJsonValue mergesValue = model.value(QLatin1String("merges"));
    if (!mergesValue.isArray())
        return bad(path, QStringLiteral("model.merges is missing or not a list"));
    const QJsonArray merges = mergesValue.toArray();
    spec.merges.reserve(size_t(merges.size()));
    QByteArray left, right;
    for (qsizetype i = 0; i < merges.size(); ++i) {
        const QJsonValue m = merges.at(i);
        QString a, b;
        if (m.isString()) {
            const QString s = m.toString();
            const qsizetype space = s.indexOf(QLatin1Char(' '));
            if (space <= 0 || space == s.size() - 1 || s.indexOf(QLatin1Char(' '), space + 1) >= 0)
                return bad(path, QStringLiteral("model.merges[%1] \"%2\" is not two tokens "
                                                "separated by one space")
                                     .arg(i)
                                     .arg(text::visibleQuote(s)));
            a = s.left(space);
            b = s.mid(space + 1);
        } else if (m.isArray() && m.toArray().size() == 2 && m.toArray().at(0).isString() &&
                   m.toArray().at(1).isString()) {
            a = m.toArray().at(0).toString();
            b = m.toArray().at(1).toString();
        } else {
            return bad(path,
                       QStringLiteral("model.merges[%1] is neither \"a b\" nor [a, b]").arg(i));
        }
        if (!decodeByteLevel(a, left) || !decodeByteLevel(b, right))
            return unsupported(path,
                               QStringLiteral("model.merges[%1] is not in byte-level form").arg(i));
        spec.merges.emplace_back(left, right);
    }

    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex().left(8));
    const QString name = nameFor(path);
    spec.id = QStringLiteral("hf:%1:%2").arg(name, hash);
    spec.displayName = QStringLiteral("%1 (tokenizer.json)").arg(name);
    return spec;
}

} // namespace reposcope::tokenize
