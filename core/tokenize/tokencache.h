// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"
#include "text/textdecoder.h"

#include <QFile>
#include <QHash>
#include <QReadWriteLock>
#include <QString>

#include <cstring>

#include <mutex>
#include <optional>

namespace reposcope::tokenize {

// What counting learned about one blob of content (independent of its path).
struct ContentStats {
    quint32 tokens = 0;
    quint32 lines = 0;
    quint32 replacedBytes = 0;
    text::Encoding encoding = text::Encoding::Utf8;
    bool binary = false;
    bool generated = false; // looks generated or minified by content
};

using ContentKey = repo::ObjectId;

// Key of content whose git blob id is unknown: an xxh3-128 digest of the bytes,
// marked so it can never equal a real SHA-1 blob id by accident.
ContentKey contentKey(QByteArrayView bytes);
// Key of a short text counted as it is, never decoded (a pack's tree line and file
// header): a key space of its own, so it never meets the key of a file's content.
ContentKey textKey(QByteArrayView bytes);

// On-disk cache of ContentStats keyed by (tokenizer id, content key). One append-only
// file per tokenizer id under the cache folder; loaded into memory once, lazily, by the
// first call that needs it (constructing does no I/O, so the UI thread can build one and
// leave loading and flushing to the counting workers). Thread-safe:
// lookups take a read lock, inserts a write lock. A corrupt or truncated file is
// ignored (and rewritten), a full disk only disables persistence: never an error that
// stops counting.
class TokenCache {
public:
    // folder: where the cache files live; "" keeps the cache in memory only.
    TokenCache(const QString &folder, const QString &tokenizerId);
    ~TokenCache();
    TokenCache(const TokenCache &) = delete;
    TokenCache &operator=(const TokenCache &) = delete;

    std::optional<ContentStats> find(const ContentKey &key) const;
    void insert(const ContentKey &key, const ContentStats &stats);
    void flush();

    qsizetype size() const;
    QString filePath() const { return m_file.fileName(); }
    // Non-empty when persistence was switched off (e.g. disk full), for the status bar.
    QString persistenceProblem() const;

    static QString defaultFolder();

private:
    void ensureLoaded() const;
    void load();
    void writePendingLocked(); // m_lock held for writing

    mutable std::once_flag m_loaded;
    mutable QReadWriteLock m_lock;
    // Keys are digests already: their first eight bytes are a good hash, and a fixed-size
    // key costs no allocation (a warm pack looks up every file of the tree).
    struct Key {
        ContentKey bytes;
        friend bool operator==(const Key &a, const Key &b) { return a.bytes == b.bytes; }
        friend size_t qHash(const Key &k, size_t seed) noexcept {
            quint64 h;
            std::memcpy(&h, k.bytes.data(), sizeof h);
            return qHash(h, seed); // mixed with the seed: keys come from file contents
        }
    };
    QHash<Key, ContentStats> m_entries;
    QFile m_file;
    QByteArray m_pending;
    QString m_problem;
};

} // namespace reposcope::tokenize
