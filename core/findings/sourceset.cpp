// SPDX-License-Identifier: MIT
#include "findings/sourceset.h"

#include "repo/contentreader.h"
#include "text/textdecoder.h"
#include "text/visibletext.h"

#include <QMutex>
#include <QMutexLocker>

namespace reposcope::findings {

namespace {

// Removes the "  12: " prefix PackFormat::linePrefix put before every line. All
// prefixes of a file have the same width (numbers are right-justified to the
// largest), so the first line's prefix gives the length to cut from each line.
QByteArray stripLinePrefixes(QByteArrayView numbered) {
    if (numbered.isEmpty())
        return QByteArray();
    const qsizetype firstColon = numbered.indexOf(QByteArrayView(": "));
    if (firstColon < 0)
        return numbered.toByteArray(); // not numbered after all: keep it whole
    const qsizetype prefix = firstColon + 2;
    QByteArray out;
    out.reserve(numbered.size());
    qsizetype pos = 0;
    while (pos < numbered.size()) {
        const qsizetype nl = numbered.indexOf('\n', pos);
        const qsizetype stop = nl < 0 ? numbered.size() : nl + 1;
        const qsizetype from = std::min(pos + prefix, stop);
        out.append(numbered.sliced(from, stop - from));
        pos = stop;
    }
    return out;
}

class PackSourceSet final : public SourceSet {
public:
    PackSourceSet(repo::SnapshotPtr snapshot, QByteArray pack, prompt::PackManifest manifest,
                  prompt::PackOptions options)
        : m_snapshot(std::move(snapshot))
        , m_pack(std::move(pack))
        , m_manifest(std::move(manifest))
        , m_numbered(options.lineNumbers) {
        m_paths.reserve(m_snapshot->fileCount());
        for (int node = 1; node < m_snapshot->nodeCount(); ++node) {
            if (!m_snapshot->isDirectory(node))
                m_paths.append(m_snapshot->visiblePath(node));
        }
        m_packed.reserve(m_manifest.size());
        for (qsizetype i = 0; i < m_manifest.size(); ++i)
            m_packed.insert(text::visibleName(m_manifest[i].path), i);
    }

    const QStringList &paths() const override { return m_paths; }
    QString rootName() const override { return m_snapshot->name(0); }

    std::optional<QByteArray> text(const QString &path) const override {
        const auto packed = m_packed.constFind(path);
        if (packed != m_packed.cend())
            return packedText(m_manifest[*packed]);
        return unpackedText(path);
    }

private:
    std::optional<QByteArray> packedText(const prompt::PackedFile &file) const {
        if (file.offset < 0 || file.length < 0 || file.offset + file.length > m_pack.size())
            return std::nullopt; // a manifest from another pack
        if (m_numbered)
            return stripLinePrefixes(QByteArrayView(m_pack).sliced(file.offset, file.length));
        return m_pack.sliced(file.offset, file.length);
    }

    // A snapshot file the pack left out, read on first use. Blocking I/O.
    std::optional<QByteArray> unpackedText(const QString &path) const {
        const int node = m_snapshot->findVisible(path);
        if (node <= 0 || m_snapshot->isDirectory(node))
            return std::nullopt;
        {
            QMutexLocker lock(&m_mutex);
            const auto cached = m_read.constFind(path);
            if (cached != m_read.cend())
                return *cached;
        }
        std::optional<QByteArray> text;
        // One reader per call: a reader may hold a git_repository, which belongs to
        // one thread.
        const std::unique_ptr<repo::ContentReader> reader =
            repo::makeContentReader(m_snapshot->info());
        Result<QByteArray> raw = reader->read(m_snapshot->file(node));
        if (raw) {
            text::DecodedText decoded = text::decodeText(*raw);
            if (!decoded.binary)
                text = std::move(decoded.utf8);
        }
        QMutexLocker lock(&m_mutex);
        m_read.insert(path, text);
        return text;
    }

    repo::SnapshotPtr m_snapshot;
    QByteArray m_pack;
    prompt::PackManifest m_manifest;
    bool m_numbered = false;
    QStringList m_paths;
    QHash<QString, qsizetype> m_packed; // path -> index into m_manifest
    mutable QMutex m_mutex;             // guards m_read
    mutable QHash<QString, std::optional<QByteArray>> m_read;
};

class MemorySourceSet final : public SourceSet {
public:
    MemorySourceSet(QHash<QString, QByteArray> files, QString rootName)
        : m_files(std::move(files))
        , m_rootName(std::move(rootName)) {
        m_paths = m_files.keys();
        m_paths.sort();
    }

    const QStringList &paths() const override { return m_paths; }
    QString rootName() const override { return m_rootName; }
    std::optional<QByteArray> text(const QString &path) const override {
        const auto found = m_files.constFind(path);
        if (found == m_files.cend())
            return std::nullopt;
        return *found;
    }

private:
    QHash<QString, QByteArray> m_files;
    QString m_rootName;
    QStringList m_paths;
};

} // namespace

SourceSetPtr makePackSourceSet(repo::SnapshotPtr snapshot, QByteArray pack,
                               prompt::PackManifest manifest, prompt::PackOptions options) {
    if (!snapshot)
        return nullptr;
    return std::make_shared<const PackSourceSet>(std::move(snapshot), std::move(pack),
                                                 std::move(manifest), options);
}

SourceSetPtr makeMemorySourceSet(QHash<QString, QByteArray> files, QString rootName) {
    return std::make_shared<const MemorySourceSet>(std::move(files), std::move(rootName));
}

} // namespace reposcope::findings
