// SPDX-License-Identifier: MIT
#include "prompt/packwriter.h"

#include "repo/contentreader.h"
#include "text/textdecoder.h"

#include <QFuture>
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

void appendFile(Chunk &chunk, const QByteArray &path, const QByteArray &text,
                const PackFormat &format) {
    chunk.bytes += format.fileBegin(path);
    const qsizetype contentStart = chunk.bytes.size();
    if (format.options().lineNumbers)
        appendNumbered(chunk.bytes, text, format);
    else
        chunk.bytes += text;
    chunk.manifest.append({path, contentStart, chunk.bytes.size() - contentStart});
    if (!text.isEmpty() && !text.endsWith('\n'))
        chunk.bytes += '\n';
    chunk.bytes += format.fileEnd();
    ++chunk.files;
}

// Reads, decodes and formats files[begin, end). Runs on a pool thread.
Chunk buildChunk(const repo::RepoSnapshot &snap, const std::vector<int> &files, size_t begin,
                 size_t end, const PackFormat &format, const HeldTexts *held) {
    Chunk chunk;
    qint64 expected = 0;
    for (size_t i = begin; i < end; ++i)
        expected += snap.file(files[i]).size + 64;
    chunk.bytes.reserve(qsizetype(expected));
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
        Result<QByteArray> raw = reader->read(f);
        if (!raw) {
            chunk.problems << QString::fromUtf8(f.path) + QStringLiteral(": ") +
                                  raw.error().message;
            continue;
        }
        const text::DecodedText decoded = text::decodeText(*raw);
        if (decoded.binary) {
            chunk.problems << QString::fromUtf8(f.path) +
                                  QStringLiteral(": binary content, skipped");
            continue;
        }
        appendFile(chunk, f.path, decoded.utf8, format);
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
            head += format.treeLine(snap.depth(chain[i]) - 1, snap.name(chain[i]).toUtf8(), true);
            openDirs.push_back(chain[i]);
        }
        head += format.treeLine(snap.depth(node) - 1, snap.name(node).toUtf8(), false);
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
    std::deque<QFuture<Chunk>> inFlight;
    size_t next = 0;
    auto submit = [&] {
        const size_t begin = next;
        qint64 bytes = 0;
        while (next < files.size() && next - begin < kChunkFiles && bytes < kChunkBytes)
            bytes += snap.file(files[next++]).size;
        inFlight.push_back(
            QtConcurrent::run(pool, [&snap, &files, &format, held, begin, end = next] {
                return buildChunk(snap, files, begin, end, format, held);
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
        Chunk chunk = inFlight.front().result();
        inFlight.pop_front();
        stats.files += chunk.files;
        stats.problems += chunk.problems;
        for (PackedFile &file : chunk.manifest) {
            file.offset += qsizetype(stats.bytes); // everything before this chunk is written
            stats.manifest.append(std::move(file));
        }
        if (!write(chunk.bytes)) {
            drainAll();
            return writeError();
        }
    }
    if (!write(format.filesEnd()))
        return writeError();
    return stats;
}

} // namespace reposcope::prompt
