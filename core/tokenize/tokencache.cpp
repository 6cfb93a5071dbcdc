// SPDX-License-Identifier: MIT
#include "tokenize/tokencache.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <cstring>
#include <xxhash.h>

Q_LOGGING_CATEGORY(lcTokenCache, "reposcope.tokenize.cache")

namespace reposcope::tokenize {

namespace {

constexpr char kMagic[8] = {'R', 'S', 'T', 'C', '0', '0', '0', '1'};

#pragma pack(push, 1)
struct DiskRecord {
    uint8_t key[20];
    quint32 tokens;
    quint32 lines;
    quint32 replaced;
    quint8 encoding;
    quint8 flags;
    quint16 reserved;
};
#pragma pack(pop)
static_assert(sizeof(DiskRecord) == 36);

QString sanitize(const QString &id) {
    QString out;
    for (const QChar c : id)
        out += (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('.'))
                   ? c
                   : QLatin1Char('_');
    return out;
}

ContentKey digestKey(QByteArrayView bytes, unsigned char marker) {
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), size_t(bytes.size()));
    ContentKey key{};
    std::memcpy(key.data(), &h.low64, 8);
    std::memcpy(key.data() + 8, &h.high64, 8);
    std::memset(key.data() + 16, marker, 4);
    return key;
}

} // namespace

ContentKey contentKey(QByteArrayView bytes) {
    return digestKey(bytes, 0xFF);
}

ContentKey textKey(QByteArrayView bytes) {
    return digestKey(bytes, 0xFE);
}

QString TokenCache::defaultFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
           QStringLiteral("/tokens");
}

TokenCache::TokenCache(const QString &folder, const QString &tokenizerId) {
    if (folder.isEmpty())
        return;
    m_file.setFileName(folder + QLatin1Char('/') + sanitize(tokenizerId) + QStringLiteral(".bin"));
}

void TokenCache::ensureLoaded() const {
    std::call_once(m_loaded, [this] {
        if (!m_file.fileName().isEmpty())
            const_cast<TokenCache *>(this)->load();
    });
}

TokenCache::~TokenCache() {
    // Never loads: a cache nobody used has nothing to write.
    QWriteLocker locker(&m_lock);
    writePendingLocked();
}

void TokenCache::load() {
    QDir().mkpath(QFileInfo(m_file.fileName()).absolutePath());
    QWriteLocker locker(&m_lock);
    if (m_file.open(QIODevice::ReadOnly)) {
        const QByteArray data = m_file.readAll();
        m_file.close();
        if (data.size() >= 8 && std::memcmp(data.constData(), kMagic, 8) == 0) {
            const qsizetype count = (data.size() - 8) / qsizetype(sizeof(DiskRecord));
            m_entries.reserve(count);
            for (qsizetype i = 0; i < count; ++i) {
                DiskRecord r;
                std::memcpy(&r, data.constData() + 8 + i * qsizetype(sizeof(DiskRecord)), sizeof r);
                if (r.encoding > quint8(text::Encoding::Legacy8Bit))
                    continue;
                ContentStats s;
                s.tokens = r.tokens;
                s.lines = r.lines;
                s.replacedBytes = r.replaced;
                s.encoding = text::Encoding(r.encoding);
                s.binary = r.flags & 1;
                s.generated = r.flags & 2;
                Key key;
                std::memcpy(key.bytes.data(), r.key, sizeof r.key);
                m_entries.insert(key, s);
            }
            if ((data.size() - 8) % qsizetype(sizeof(DiskRecord)) == 0) {
                if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append))
                    m_problem = m_file.errorString();
                return;
            }
            qCWarning(lcTokenCache)
                << "token cache" << m_file.fileName() << "was truncated; rewriting";
        } else if (!data.isEmpty()) {
            qCWarning(lcTokenCache)
                << "token cache" << m_file.fileName() << "is not a cache file; rewriting";
        }
    }
    // Start a fresh file holding what survived.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_problem = m_file.errorString();
        return;
    }
    if (m_file.write(kMagic, 8) != 8 || !m_file.flush())
        m_problem = m_file.errorString();
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        DiskRecord r{};
        std::memcpy(r.key, it.key().bytes.data(), sizeof r.key);
        r.tokens = it->tokens;
        r.lines = it->lines;
        r.replaced = it->replacedBytes;
        r.encoding = quint8(it->encoding);
        r.flags = quint8((it->binary ? 1 : 0) | (it->generated ? 2 : 0));
        m_pending.append(reinterpret_cast<const char *>(&r), sizeof r);
    }
    writePendingLocked();
}

std::optional<ContentStats> TokenCache::find(const ContentKey &key) const {
    ensureLoaded();
    QReadLocker locker(&m_lock);
    const auto it = m_entries.constFind(Key{key});
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

void TokenCache::insert(const ContentKey &key, const ContentStats &stats) {
    ensureLoaded();
    QWriteLocker locker(&m_lock);
    m_entries.insert(Key{key}, stats);
    if (!m_file.isOpen())
        return;
    DiskRecord r{};
    std::memcpy(r.key, key.data(), 20);
    r.tokens = stats.tokens;
    r.lines = stats.lines;
    r.replaced = stats.replacedBytes;
    r.encoding = quint8(stats.encoding);
    r.flags = quint8((stats.binary ? 1 : 0) | (stats.generated ? 2 : 0));
    m_pending.append(reinterpret_cast<const char *>(&r), sizeof r);
    if (m_pending.size() > (1 << 20))
        writePendingLocked();
}

void TokenCache::flush() {
    // Nothing is pending before the first load, so this never loads.
    QWriteLocker locker(&m_lock);
    writePendingLocked();
}

void TokenCache::writePendingLocked() {
    if (!m_file.isOpen() || m_pending.isEmpty())
        return;
    const qint64 written = m_file.write(m_pending);
    const bool ok = written == m_pending.size() && m_file.flush();
    m_pending.clear();
    if (!ok) {
        // Most likely a full disk: keep counting in memory, say why once.
        m_problem =
            QStringLiteral("token cache not saved (%1): counts will be recomputed next time")
                .arg(m_file.errorString());
        qCWarning(lcTokenCache) << m_problem;
        m_file.close();
    }
}

qsizetype TokenCache::size() const {
    ensureLoaded();
    QReadLocker locker(&m_lock);
    return m_entries.size();
}

QString TokenCache::persistenceProblem() const {
    QReadLocker locker(&m_lock);
    return m_problem;
}

} // namespace reposcope::tokenize
