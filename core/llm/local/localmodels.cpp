// SPDX-License-Identifier: MIT
#include "llm/local/localmodels.h"

#include "llm/gguf/ggufreader.h"
#include "text/visibletext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <functional>
#include <optional>

namespace reposcope::llm {

namespace {

constexpr int kMaxFolderDepth = 16; // user folders and caches; deep enough for any layout
constexpr qint64 kMaxManifestBytes = 1 << 20;

bool isGgufName(const QString &fileName) {
    return fileName.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive);
}

// "name-00002-of-00003.gguf" -> {"name", 2, 3}
struct SplitName {
    QString stem;
    int index = 0;
    int count = 0;
};

std::optional<SplitName> parseSplitName(const QString &fileName) {
    static const QRegularExpression re(QStringLiteral("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(fileName);
    if (!m.hasMatch())
        return std::nullopt;
    SplitName s{m.captured(1), m.captured(2).toInt(), m.captured(3).toInt()};
    if (s.index < 1 || s.count < 2 || s.index > s.count)
        return std::nullopt;
    return s;
}

QString splitPartPath(const QString &dir, const SplitName &s, int index) {
    return QDir(dir).filePath(QStringLiteral("%1-%2-of-%3.gguf")
                                  .arg(s.stem)
                                  .arg(index, 5, 10, QLatin1Char('0'))
                                  .arg(s.count, 5, 10, QLatin1Char('0')));
}

// A file's name without ".gguf" or the split suffix.
QString modelStem(const QString &fileName) {
    if (const auto s = parseSplitName(fileName))
        return s->stem;
    return isGgufName(fileName) ? fileName.chopped(5) : fileName;
}

qint64 toCount(const std::optional<quint64> &v) {
    return v && *v <= quint64(std::numeric_limits<qint64>::max()) ? qint64(*v) : 0;
}

void fillFromMetadata(LocalModel &m, const GgufInfo &info) {
    m.architecture = text::visibleQuote(info.architecture); // from the file: shown escaped
    m.quantization = info.fileTypeName;
    m.trainedContext = toCount(info.contextLength);
    m.layerCount = toCount(info.blockCount);
    m.embeddingLength = toCount(info.embeddingLength);
    m.headCount = toCount(info.headCount);
    m.headCountKv = info.headCountKv ? toCount(info.headCountKv) : m.headCount;
    m.keyLength = toCount(info.archUInt("attention.key_length"));
    m.valueLength = toCount(info.archUInt("attention.value_length"));
    std::optional<quint64> stated;
    if (const GgufValue *v = info.value("general.parameter_count"))
        stated = v->toUInt();
    if (stated) {
        m.parameterCount = toCount(stated);
    } else {
        m.parameterCount = toCount(info.parameterCount);
        m.parameterCountEstimated = true;
    }
}

GgufReadOptions listingOptions() {
    GgufReadOptions o;
    o.keepArraysUpTo = 64; // a model list needs no vocabulary
    return o;
}

// The later parts of a split model: present and readable, their sizes and tensors added.
void addSplitParts(LocalModel &m, const SplitName &split, const QString &dir) {
    for (int i = 2; i <= split.count; ++i) {
        const QString part = splitPartPath(dir, split, i);
        if (!QFileInfo::exists(part)) {
            m.error = QStringLiteral("%1: part %2 of %3 is missing (incomplete download?)")
                          .arg(part)
                          .arg(i)
                          .arg(split.count);
            return;
        }
        const auto r = readGgufMetadata(part, listingOptions());
        if (!r.ok()) {
            m.error = r.error().message;
            return;
        }
        m.fileSize += qint64(r->fileSize);
        if (m.parameterCountEstimated)
            m.parameterCount += toCount(r->parameterCount);
    }
}

// Walks directories, remembering every directory entered (by canonical path) and every
// model file listed, so links and overlapping roots neither loop nor list twice.
class Discovery {
public:
    explicit Discovery(const std::atomic_bool *cancel)
        : m_cancel(cancel) {}

    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    QList<LocalModel> takeModels() { return std::move(m_models); }

    // Calls `onFile` for every *.gguf under `dir` (sorted, hidden directories skipped).
    void walk(const QString &dir, int depthLeft,
              const std::function<void(const QString &)> &onFile);

    // Lists the model at `path` unless it was listed already (by the file it resolves to).
    // A later split part stands for its model only when the first part is missing.
    void add(const QString &path, const QString &source, const QString &displayName);

    void addError(const QString &path, const QString &source, const QString &displayName,
                  const QString &error) {
        if (markSeen(QStringLiteral("error:") + path)) {
            LocalModel m;
            m.path = path;
            m.source = source;
            m.displayName = displayName;
            m.error = error;
            m_models.append(std::move(m));
        }
    }

private:
    bool markSeen(const QString &key) {
        if (m_seenFiles.contains(key))
            return false;
        m_seenFiles.insert(key);
        return true;
    }

    const std::atomic_bool *m_cancel;
    QSet<QString> m_visitedDirs;
    QSet<QString> m_seenFiles;
    QList<LocalModel> m_models;
};

void Discovery::walk(const QString &dir, int depthLeft,
                     const std::function<void(const QString &)> &onFile) {
    if (depthLeft < 0 || cancelled())
        return;
    const QString canonical = QFileInfo(dir).canonicalFilePath();
    if (canonical.isEmpty() || m_visitedDirs.contains(canonical))
        return;
    m_visitedDirs.insert(canonical);
    const QDir d(dir);
    const QFileInfoList files =
        d.entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &f : files) {
        if (cancelled())
            return;
        if (isGgufName(f.fileName()))
            onFile(f.filePath());
    }
    const QFileInfoList dirs = d.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &sub : dirs)
        walk(sub.filePath(), depthLeft - 1, onFile);
}

void Discovery::add(const QString &path, const QString &source, const QString &displayName) {
    const QFileInfo fi(path);
    if (const auto split = parseSplitName(fi.fileName()); split && split->index != 1) {
        const QString first = splitPartPath(fi.path(), *split, 1);
        if (QFileInfo::exists(first) ||
            !markSeen(QStringLiteral("split:") + QDir(fi.path()).filePath(split->stem)))
            return;
        addError(path, source, displayName,
                 QStringLiteral("%1: part 1 of %2 is missing (incomplete download?)")
                     .arg(first)
                     .arg(split->count));
        return;
    }
    const QString canonical = fi.canonicalFilePath();
    if (canonical.isEmpty()) {
        addError(path, source, displayName,
                 QStringLiteral("%1: the file is missing (a link to nothing?)").arg(path));
        return;
    }
    if (!fi.isFile()) // a pipe or device named *.gguf: opening it could block
        return;
    if (markSeen(canonical))
        m_models.append(inspectLocalModel(path, source, displayName));
}

void scanFolder(Discovery &d, const QString &root, const QString &source, int depth) {
    if (root.isEmpty())
        return;
    d.walk(root, depth, [&](const QString &file) {
        d.add(file, source, modelStem(QFileInfo(file).fileName()));
    });
}

// <root>/<publisher>/<model>/file.gguf -> "publisher/model/file"
void scanLmStudio(Discovery &d, const QString &root) {
    if (root.isEmpty())
        return;
    const QDir base(root);
    d.walk(root, 4, [&](const QString &file) {
        const QFileInfo fi(file);
        const QString dir = base.relativeFilePath(fi.path());
        const QString stem = modelStem(fi.fileName());
        d.add(file, modelsource::lmStudio(), dir == QLatin1String(".") ? stem : dir + u'/' + stem);
    });
}

// models--org--name/snapshots/<rev>/... ; the revision refs/main names first, so that a
// file shared by several snapshots is listed under the current one.
void scanHuggingFace(Discovery &d, const QString &hub) {
    if (hub.isEmpty())
        return;
    const QStringList repos = QDir(hub).entryList({QStringLiteral("models--*")},
                                                  QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &repoDir : repos) {
        if (d.cancelled())
            return;
        const QString repoPath = QDir(hub).filePath(repoDir);
        const QString repoId = repoDir.mid(8).replace(QLatin1String("--"), QLatin1String("/"));
        QFile ref(QDir(repoPath).filePath(QStringLiteral("refs/main")));
        const QString current = ref.open(QIODevice::ReadOnly)
                                    ? QString::fromLatin1(ref.read(128)).trimmed()
                                    : QString();
        const QDir snapshots(QDir(repoPath).filePath(QStringLiteral("snapshots")));
        QStringList revs = snapshots.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        if (revs.removeAll(current) > 0)
            revs.prepend(current);
        for (const QString &rev : revs) {
            const QDir snap(snapshots.filePath(rev));
            const QString suffix = rev == current ? QString() : QStringLiteral(" @") + rev.left(7);
            d.walk(snap.path(), kMaxFolderDepth, [&](const QString &file) {
                const QFileInfo fi(file);
                const QString dir = snap.relativeFilePath(fi.path());
                const QString stem = modelStem(fi.fileName());
                const QString inRepo = dir == QLatin1String(".") ? stem : dir + u'/' + stem;
                d.add(file, modelsource::huggingFaceCache(), repoId + u'/' + inRepo + suffix);
            });
        }
    }
}

// One Ollama manifest (JSON): its model layer names a blob "sha256:<hex>".
void addOllamaManifest(Discovery &d, const QString &manifestPath, const QString &blobs,
                       const QString &displayName) {
    const QString source = modelsource::ollama();
    QFile f(manifestPath);
    if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxManifestBytes) {
        d.addError(manifestPath, source, displayName,
                   QStringLiteral("%1: cannot read the Ollama manifest").arg(manifestPath));
        return;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        d.addError(manifestPath, source, displayName,
                   QStringLiteral("%1: the Ollama manifest is not valid JSON (%2)")
                       .arg(manifestPath, pe.errorString()));
        return;
    }
    static const QRegularExpression digestRe(QStringLiteral("^sha256:([0-9a-f]{64})$"));
    const QJsonArray layers = doc.object().value(QLatin1String("layers")).toArray();
    for (const QJsonValue &layer : layers) {
        const QJsonObject o = layer.toObject();
        if (o.value(QLatin1String("mediaType")).toString() !=
            QLatin1String("application/vnd.ollama.image.model"))
            continue;
        const QString digest = o.value(QLatin1String("digest")).toString();
        const QRegularExpressionMatch m = digestRe.match(digest);
        if (!m.hasMatch()) {
            d.addError(manifestPath, source, displayName,
                       QStringLiteral("%1: the model layer has an unexpected digest '%2'")
                           .arg(manifestPath, digest.left(80)));
            return;
        }
        d.add(QDir(blobs).filePath(QStringLiteral("sha256-") + m.captured(1)), source, displayName);
        return;
    }
}

// manifests/<registry>/<namespace>/<name>/<tag>; "name:tag" for the default namespace.
void scanOllama(Discovery &d, const QString &root) {
    if (root.isEmpty())
        return;
    const QDir manifests(QDir(root).filePath(QStringLiteral("manifests")));
    const QString blobs = QDir(root).filePath(QStringLiteral("blobs"));
    const auto subdirs = [](const QDir &dir) {
        return dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    };
    for (const QString &registry : subdirs(manifests)) {
        const QDir regDir(manifests.filePath(registry));
        for (const QString &ns : subdirs(regDir)) {
            const QDir nsDir(regDir.filePath(ns));
            for (const QString &name : subdirs(nsDir)) {
                const QDir nameDir(nsDir.filePath(name));
                const QStringList tags = nameDir.entryList(QDir::Files, QDir::Name);
                for (const QString &tag : tags) {
                    if (d.cancelled())
                        return;
                    const QString model = name + u':' + tag;
                    addOllamaManifest(d, nameDir.filePath(tag), blobs,
                                      ns == QLatin1String("library") ? model : ns + u'/' + model);
                }
            }
        }
    }
}

QString envOr(const char *name, const QString &fallback) {
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

} // namespace

DiscoveryRoots DiscoveryRoots::defaults(const QStringList &folders) {
    const QString home = QDir::homePath();
    const QString cache = envOr("XDG_CACHE_HOME", home + QStringLiteral("/.cache"));
    DiscoveryRoots r;
    r.folders = folders;
    r.llamaCppCache = envOr("LLAMA_CACHE", cache + QStringLiteral("/llama.cpp"));
    const QString hfHome = envOr("HF_HOME", cache + QStringLiteral("/huggingface"));
    r.huggingFaceHub = envOr("HF_HUB_CACHE", hfHome + QStringLiteral("/hub"));
    r.lmStudio = {home + QStringLiteral("/.lmstudio/models"),
                  home + QStringLiteral("/.cache/lm-studio/models")};
    r.ollamaModels = envOr("OLLAMA_MODELS", home + QStringLiteral("/.ollama/models"));
    return r;
}

LocalModel inspectLocalModel(const QString &path, const QString &source,
                             const QString &displayName) {
    LocalModel m;
    m.path = path;
    m.source = source;
    m.displayName = displayName;
    const QFileInfo fi(path);
    m.fileSize = fi.size();
    const auto r = readGgufMetadata(path, listingOptions());
    if (!r.ok()) {
        m.error = r.error().message;
        return m;
    }
    fillFromMetadata(m, *r);
    if (const auto split = parseSplitName(fi.fileName())) {
        m.partCount = split->count;
        addSplitParts(m, *split, fi.path());
    }
    return m;
}

QList<LocalModel> discoverLocalModels(const DiscoveryRoots &roots, const std::atomic_bool *cancel) {
    Discovery d(cancel);
    for (const QString &folder : roots.folders)
        scanFolder(d, folder, modelsource::folder(), kMaxFolderDepth);
    scanFolder(d, roots.llamaCppCache, modelsource::llamaCppCache(), 4);
    scanHuggingFace(d, roots.huggingFaceHub);
    for (const QString &root : roots.lmStudio)
        scanLmStudio(d, root);
    scanOllama(d, roots.ollamaModels);
    return d.takeModels();
}

} // namespace reposcope::llm
