// SPDX-License-Identifier: MIT
#include "prompt/packwriter.h"

#include "repo/contentreader.h"
#include "text/byteslab.h"
#include "text/textdecoder.h"
#include "text/visibletext.h"

#include <QFuture>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <deque>

namespace reposcope::prompt {

namespace {

// A run of consecutive files, formatted and ready to write.
struct Chunk {
    QByteArray bytes;
    int files = 0;
    QStringList problems;
    QList<QByteArray> changed;
    PackManifest manifest; // offsets relative to the chunk's first byte
};

void appendNumbered(QByteArray &out, const QByteArray &text, const PackFormat &format) {
    const qint64 lines = text::countLines(text);
    const int width = int(QByteArray::number(lines).size());
    qsizetype pos = 0;
    for (qint64 n = 1; pos < text.size(); ++n) {
        qsizetype nl = text.indexOf('\n', pos);
        const qsizetype stop = nl < 0 ? text.size() : nl + 1;
        out += format.linePrefix(n, width);
        out.append(text.constData() + pos, stop - pos);
        pos = stop;
    }
}

// The end of a file's entry, once its content is in chunk.bytes from contentStart.
void finishFile(Chunk &chunk, const QByteArray &path, qsizetype contentStart,
                const PackFormat &format) {
    chunk.manifest.append({path, contentStart, chunk.bytes.size() - contentStart});
    if (chunk.bytes.size() > contentStart && !chunk.bytes.endsWith('\n'))
        chunk.bytes += '\n';
    chunk.bytes += format.fileEnd();
    ++chunk.files;
}

void appendFile(Chunk &chunk, const QByteArray &path, const QByteArray &decoded,
                const PackFormat &format) {
    chunk.bytes += format.fileBegin(path);
    const qsizetype contentStart = chunk.bytes.size();
    const QByteArray text = format.cleanContent(decoded);
    if (format.options().lineNumbers)
        appendNumbered(chunk.bytes, text, format);
    else
        chunk.bytes += text;
    finishFile(chunk, path, contentStart, format);
}

// Reads a file straight into the chunk. Plain UTF-8 (nearly every source file) is already
// what the pack holds; anything else is taken out again and decoded.
void readFile(Chunk &chunk, repo::ContentReader &reader, const repo::ScannedFile &f,
              const PackFormat &format) {
    const qsizetype entryStart = chunk.bytes.size();
    chunk.bytes += format.fileBegin(f.path);
    const qsizetype contentStart = chunk.bytes.size();
    const bool numbered = format.options().lineNumbers;
    Result<qsizetype> read = reader.appendTo(f, chunk.bytes);
    if (!read) {
        chunk.bytes.truncate(entryStart);
        chunk.problems << text::visibleName(f.path) + QStringLiteral(": ") + read.error().message;
        return;
    }
    if (qint64(*read) != f.size) {
        // Counted at another size: packing it would send tokens the meter never counted.
        chunk.bytes.truncate(entryStart);
        chunk.changed << f.path;
        chunk.problems << text::visibleName(f.path) +
                              QStringLiteral(": changed since it was counted (%1 bytes then, %2 "
                                             "now), left out; count again to include it")
                                  .arg(f.size)
                                  .arg(*read);
        return;
    }
    const QByteArrayView content(chunk.bytes.constData() + contentStart, *read);
    if (!numbered && text::isPlainUtf8(content) && !format.contentNeedsCleaning(content)) {
        finishFile(chunk, f.path, contentStart, format);
        return;
    }
    const QByteArray raw = content.toByteArray();
    chunk.bytes.truncate(entryStart);
    const text::DecodedText decoded = text::decodeText(raw);
    if (decoded.binary) {
        chunk.problems << text::visibleName(f.path) + QStringLiteral(": binary content, skipped");
        return;
    }
    appendFile(chunk, f.path, decoded.utf8, format);
}

// Buffers of finished chunks, kept for the next ones. Each is a whole number of 2 MiB huge
// pages: a fresh 4 KiB page costs a page fault, which on a virtual machine is more than
// copying into it, and a reused buffer costs none.
class BufferPool {
public:
    QByteArray take(qsizetype capacity) {
        QByteArray bytes;
        {
            QMutexLocker lock(&m_mutex);
            auto fits = std::find_if(m_spare.begin(), m_spare.end(), [&](const QByteArray &b) {
                return text::roomToGrow(b) >= capacity;
            });
            if (fits == m_spare.end() && !m_spare.empty())
                fits = m_spare.end() - 1; // too small: freed below, so the pool does not grow
            if (fits != m_spare.end()) {
                bytes = std::move(*fits);
                m_spare.erase(fits);
            }
        }
        if (text::roomToGrow(bytes) < capacity)
            bytes = text::hugePageArray(capacity);
        bytes.resize(0); // keeps the capacity
        return bytes;
    }
    void give(QByteArray bytes) {
        QMutexLocker lock(&m_mutex);
        m_spare.push_back(std::move(bytes));
    }

private:
    QMutex m_mutex;
    std::vector<QByteArray> m_spare;
};

// Reads, decodes and formats files[begin, end). Runs on a pool thread.
Chunk buildChunk(const repo::RepoSnapshot &snap, const std::vector<int> &files, size_t begin,
                 size_t end, const PackFormat &format, const HeldTexts *held, BufferPool &buffers) {
    Chunk chunk;
    // Room for the headers, and with line numbers about one prefix per 32 bytes.
    const int perPrefix = format.options().lineNumbers ? 8 : 0;
    qint64 expected = 0;
    for (size_t i = begin; i < end; ++i) {
        const repo::ScannedFile &f = snap.file(files[i]);
        expected += f.size + f.size / 32 * perPrefix + 2 * f.path.size() + 64;
    }
    chunk.bytes = buffers.take(qsizetype(expected));
    std::unique_ptr<repo::ContentReader> reader; // created on first use: a ref scan opens git
    for (size_t i = begin; i < end; ++i) {
        const int node = files[i];
        const repo::ScannedFile &f = snap.file(node);
        if (held && size_t(node) < held->size() && (*held)[size_t(node)]) {
            appendFile(chunk, f.path, *(*held)[size_t(node)], format);
            continue;
        }
        if (!reader)
            reader = repo::makeContentReader(snap.info());
        readFile(chunk, *reader, f, format);
    }
    return chunk;
}

} // namespace

Result<PackStats> writePack(const repo::RepoSnapshot &snap, const std::vector<int> &files,
                            const PackFormat &format, QIODevice &out, QThreadPool *pool,
                            const std::atomic_bool *cancel, const HeldTexts *held) {
    PackStats stats;
    auto write = [&](const QByteArray &bytes) -> bool {
        if (bytes.isEmpty())
            return true;
        const qint64 written = out.write(bytes);
        stats.bytes += written > 0 ? written : 0;
        return written == bytes.size();
    };
    auto writeError = [&] {
        return Error::make(Error::Code::Io, QStringLiteral("could not write the pack: %1. "
                                                           "Check free disk space and permissions.")
                                                .arg(out.errorString()));
    };
    auto cancelled = [] {
        return Error::make(Error::Code::Cancelled,
                           QStringLiteral("writing the pack was cancelled"));
    };

    QByteArray head;
    head += format.preamble(snap.name(0));
    head += format.treeBegin();
    std::vector<int> openDirs; // ancestors already printed
    for (int node : files) {
        std::vector<int> chain;
        for (int p = snap.parent(node); p > 0; p = snap.parent(p))
            chain.push_back(p);
        std::reverse(chain.begin(), chain.end());
        size_t common = 0;
        while (common < chain.size() && common < openDirs.size() &&
               chain[common] == openDirs[common])
            ++common;
        openDirs.resize(common);
        for (size_t i = common; i < chain.size(); ++i) {
            head += format.treeLine(snap.depth(chain[i]) - 1, snap.nameBytes(chain[i]), true);
            openDirs.push_back(chain[i]);
        }
        head += format.treeLine(snap.depth(node) - 1, snap.nameBytes(node), false);
    }
    head += format.treeEnd();
    head += format.filesBegin();
    if (!write(head))
        return writeError();
    head = QByteArray();

    // Chunks of about 1 MiB (or 256 files); a few more in flight than there are threads,
    // so the pool keeps reading while this thread writes.
    constexpr qint64 kChunkBytes = 1 << 20;
    constexpr size_t kChunkFiles = 256;
    const size_t window = size_t(std::max(1, pool->maxThreadCount())) * 2 + 2;
    BufferPool buffers; // outlives the chunks in flight
    std::deque<QFuture<Chunk>> inFlight;
    size_t next = 0;
    auto submit = [&] {
        const size_t begin = next;
        qint64 bytes = 0;
        while (next < files.size() && next - begin < kChunkFiles && bytes < kChunkBytes)
            bytes += snap.file(files[next++]).size;
        inFlight.push_back(
            QtConcurrent::run(pool, [&snap, &files, &format, held, &buffers, begin, end = next] {
                return buildChunk(snap, files, begin, end, format, held, buffers);
            }));
    };
    // The workers refer to this frame's arguments: never leave while one runs.
    auto drainAll = [&] {
        for (QFuture<Chunk> &f : inFlight)
            f.waitForFinished();
        inFlight.clear();
    };
    while (next < files.size() || !inFlight.empty()) {
        while (next < files.size() && inFlight.size() < window)
            submit();
        if (cancel && *cancel) {
            drainAll();
            return cancelled();
        }
        Chunk chunk = inFlight.front().takeResult(); // moved out: its buffer is reused
        inFlight.pop_front();
        stats.files += chunk.files;
        stats.problems += chunk.problems;
        stats.changed += chunk.changed;
        for (PackedFile &file : chunk.manifest) {
            file.offset += qsizetype(stats.bytes); // everything before this chunk is written
            stats.manifest.append(std::move(file));
        }
        if (!write(chunk.bytes)) {
            drainAll();
            return writeError();
        }
        buffers.give(std::move(chunk.bytes));
    }
    if (!write(format.filesEnd()))
        return writeError();
    return stats;
}

} // namespace reposcope::prompt
