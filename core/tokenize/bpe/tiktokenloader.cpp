// SPDX-License-Identifier: MIT
// loadTiktokenJson: the encoders/*.json files of the npm package tiktoken@1.0.22.
//
// Format, as tiktoken's own (Rust/WASM) loader reads it: {"pat_str": regex, "special_tokens":
// {text: id}, "bpe_ranks": text}. bpe_ranks is a set of lines, either compressed
// ("! <first rank> <base64> <base64> ...": consecutive ranks from the first) or plain
// ("<base64> <rank>", the .tiktoken format). A token's rank is its id.
#include "text/visibletext.h"
#include "tokenize/bpe/bpespec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace reposcope::tokenize {

namespace {

constexpr std::array<signed char, 256> makeBase64Table() {
    std::array<signed char, 256> t{};
    for (auto &v : t)
        v = -1;
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
}
constexpr auto kBase64 = makeBase64Table();

// Strict standard base64 with padding, as tiktoken's loader requires. False if malformed.
bool decodeBase64(std::string_view in, QByteArray &out) {
    if (in.empty() || in.size() % 4 != 0)
        return false;
    std::size_t padding = 0;
    if (in.back() == '=')
        padding = in[in.size() - 2] == '=' ? 2 : 1;
    out.resize(static_cast<qsizetype>(in.size() / 4 * 3 - padding));
    char *dst = out.data();
    std::size_t written = 0;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        const bool lastQuad = i + 4 == in.size();
        int v[4];
        for (int k = 0; k < 4; ++k) {
            const bool pad = lastQuad && k >= 4 - static_cast<int>(padding);
            v[k] =
                pad ? 0 : kBase64[static_cast<unsigned char>(in[i + static_cast<std::size_t>(k)])];
            if (v[k] < 0)
                return false;
        }
        const std::uint32_t triple =
            (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
            (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
        const char bytes[3] = {static_cast<char>(triple >> 16), static_cast<char>(triple >> 8),
                               static_cast<char>(triple)};
        const std::size_t take = lastQuad ? 3 - padding : 3;
        // Non-canonical padding (bits set in the discarded part) is malformed too.
        if (lastQuad && padding > 0 && (triple & ((1u << (8 * padding)) - 1)) != 0)
            return false;
        for (std::size_t k = 0; k < take; ++k)
            dst[written++] = bytes[k];
    }
    return true;
}

bool parseInt(std::string_view s, long long &value) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && ptr == s.data() + s.size() && value >= 0;
}

Error invalid(const QString &path, const QString &what) {
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("%1 is not a usable tiktoken vocabulary: %2")
                           .arg(text::visibleName(QDir::toNativeSeparators(path)), what));
}

QString shortText(std::string_view s) {
    return text::visibleQuote(QByteArrayView(s.data(), qsizetype(s.size())), 40);
}

// The tokens bpe_ranks holds, counted before any is decoded: one per plain line, and per
// compressed line ("! <rank> <token> <token> ...") one per space after the first two.
qint64 countRankTokens(std::string_view text) {
    qint64 tokens = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos)
            eol = text.size();
        const std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.substr(0, 2) == "! ")
            tokens += qMax<qint64>(0, qint64(std::count(line.begin(), line.end(), ' ')) - 1);
        else if (!line.empty() && line != "\r")
            ++tokens;
    }
    return tokens;
}

// Highest rank accepted; tiktoken vocabularies stop near 200k.
constexpr long long kMaxRank = 16 * 1024 * 1024;

} // namespace

Result<BpeSpec> loadTiktokenJson(const QString &path, const VocabularyLimits &limits) {
    QFile file(path);
    if (!file.exists())
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("The tiktoken vocabulary %1 does not exist.")
                               .arg(QDir::toNativeSeparators(path)));
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("Cannot read the tiktoken vocabulary %1: %2")
                               .arg(QDir::toNativeSeparators(path), file.errorString()));
    if (file.size() > limits.maxFileBytes())
        return invalid(path, vocabularyFileTooLarge(file.size(), limits));
    const QByteArray data = file.readAll();
    const QByteArray sha1 = QCryptographicHash::hash(data, QCryptographicHash::Sha1).toHex();

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return invalid(path, QStringLiteral("bad JSON at byte %1 (%2); the file may be truncated")
                                 .arg(parseError.offset)
                                 .arg(parseError.errorString()));
    if (!doc.isObject())
        return invalid(path, QStringLiteral("the JSON is not an object"));
    const QJsonObject root = doc.object();

    const QString pattern = root.value(QLatin1String("pat_str")).toString();
    if (pattern.isEmpty())
        return invalid(path, QStringLiteral("missing or empty \"pat_str\""));
    const QJsonValue specialValue = root.value(QLatin1String("special_tokens"));
    if (!specialValue.isObject())
        return invalid(path, QStringLiteral("missing \"special_tokens\" object"));
    const QJsonValue ranksValue = root.value(QLatin1String("bpe_ranks"));
    if (!ranksValue.isString() || ranksValue.toString().isEmpty())
        return invalid(path, QStringLiteral("missing or empty \"bpe_ranks\" text"));

    BpeSpec spec;
    const QString name = QFileInfo(path).completeBaseName();
    spec.id = name + QLatin1Char(':') + QString::fromLatin1(sha1.left(8));
    spec.displayName = name + QStringLiteral(" (tiktoken)");
    spec.splitPatterns = QStringList{pattern};

    const QByteArray ranksText = ranksValue.toString().toLatin1();
    const std::string_view text(ranksText.constData(), static_cast<std::size_t>(ranksText.size()));
    std::vector<bool> seen;
    long long line = 0;
    auto addToken = [&](std::string_view b64, long long rank, QString &error) {
        if (rank > kMaxRank) {
            error =
                QStringLiteral("bpe_ranks line %1: rank %2 is out of range").arg(line).arg(rank);
            return false;
        }
        QByteArray token;
        if (!decodeBase64(b64, token)) {
            error = QStringLiteral("bpe_ranks line %1: bad base64 token \"%2\" (rank %3)")
                        .arg(line)
                        .arg(shortText(b64))
                        .arg(rank);
            return false;
        }
        if (static_cast<long long>(seen.size()) <= rank)
            seen.resize(static_cast<std::size_t>(rank) + 1 + seen.size() / 2);
        if (seen[static_cast<std::size_t>(rank)]) {
            error = QStringLiteral("bpe_ranks line %1: rank %2 appears twice").arg(line).arg(rank);
            return false;
        }
        seen[static_cast<std::size_t>(rank)] = true;
        spec.vocab.emplace_back(std::move(token), static_cast<int>(rank));
        return true;
    };

    const qint64 tokens = countRankTokens(text);
    if (tokens > limits.maxTokens)
        return invalid(path, vocabularyTooLarge(QStringLiteral("bpe_ranks"), tokens, limits));
    spec.vocab.reserve(text.size() / 10);
    QString error;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos)
            eol = text.size();
        std::string_view l = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line;
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        if (l.empty())
            continue;
        if (l.substr(0, 2) == "! ") { // compressed: "! <first rank> <token> <token> ..."
            l.remove_prefix(2);
            const std::size_t sp = l.find(' ');
            long long rank = 0;
            if (!parseInt(l.substr(0, sp), rank))
                return invalid(path, QStringLiteral("bpe_ranks line %1: bad first rank \"%2\"")
                                         .arg(line)
                                         .arg(shortText(l.substr(0, sp))));
            if (sp == std::string_view::npos)
                continue;
            l.remove_prefix(sp + 1);
            while (!l.empty()) {
                const std::size_t end = std::min(l.find(' '), l.size());
                if (!addToken(l.substr(0, end), rank++, error))
                    return invalid(path, error);
                l.remove_prefix(std::min(end + 1, l.size()));
            }
        } else { // plain: "<token> <rank>"
            const std::size_t sp = l.find(' ');
            long long rank = 0;
            if (sp == std::string_view::npos || !parseInt(l.substr(sp + 1), rank))
                return invalid(path, QStringLiteral("bpe_ranks line %1: expected \"<base64 "
                                                    "token> <rank>\", found \"%2\"")
                                         .arg(line)
                                         .arg(shortText(l)));
            if (!addToken(l.substr(0, sp), rank, error))
                return invalid(path, error);
        }
    }
    if (spec.vocab.size() < 256)
        return invalid(path, QStringLiteral("bpe_ranks holds only %1 tokens; the file may be "
                                            "truncated")
                                 .arg(spec.vocab.size()));

    const QJsonObject special = specialValue.toObject();
    for (auto it = special.begin(); it != special.end(); ++it) {
        const double v = it.value().toDouble(-1);
        if (!it.value().isDouble() || v < 0 || v != static_cast<double>(static_cast<int>(v)))
            return invalid(path, QStringLiteral("special token \"%1\" has no valid id")
                                     .arg(text::visibleQuote(it.key())));
        const auto id = static_cast<int>(v);
        if (static_cast<std::size_t>(id) < seen.size() && seen[static_cast<std::size_t>(id)])
            return invalid(path, QStringLiteral("special token \"%1\" reuses rank %2")
                                     .arg(text::visibleQuote(it.key()))
                                     .arg(id));
        spec.specialTokens.emplace_back(it.key().toUtf8(), id);
    }
    return spec;
}

} // namespace reposcope::tokenize
