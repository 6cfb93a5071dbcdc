// SPDX-License-Identifier: MIT
#include "prompt/packwriter.h"

#include "repo/contentreader.h"
#include "text/textdecoder.h"

#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::prompt {

namespace {

struct Loaded {
    QByteArray text;
    QString problem;
};

std::vector<Loaded> loadSlice(const repo::RepoSnapshot &snap, const std::vector<int> &files,
                              size_t begin, size_t end) {
    auto reader = repo::makeContentReader(snap.info());
    std::vector<Loaded> out(end - begin);
    for (size_t i = begin; i < end; ++i) {
        const repo::ScannedFile &f = snap.file(files[i]);
        Result<QByteArray> raw = reader->read(f);
        Loaded &l = out[i - begin];
        if (!raw) {
            l.problem = QString::fromUtf8(f.path) + QStringLiteral(": ") + raw.error().message;
            continue;
        }
        text::DecodedText decoded = text::decodeText(*raw);
        if (decoded.binary)
            l.problem = QString::fromUtf8(f.path) + QStringLiteral(": binary content, skipped");
        else
            l.text = std::move(decoded.utf8);
    }
    return out;
}

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

} // namespace

Result<PackStats> writePack(const repo::RepoSnapshot &snap, const std::vector<int> &files,
                            const PackFormat &format, QIODevice &out, QThreadPool *pool,
                            const std::atomic_bool *cancel) {
    PackStats stats;
    QByteArray buffer;
    auto flush = [&]() -> bool {
        if (buffer.isEmpty())
            return true;
        const qint64 written = out.write(buffer);
        const bool ok = written == buffer.size();
        stats.bytes += written > 0 ? written : 0;
        buffer.clear();
        return ok;
    };
    auto writeError = [&] {
        return Error::make(Error::Code::Io, QStringLiteral("could not write the pack: %1. "
                                                           "Check free disk space and permissions.")
                                                .arg(out.errorString()));
    };

    buffer += format.preamble(snap.name(0));
    buffer += format.treeBegin();
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
            buffer += format.treeLine(snap.depth(chain[i]) - 1, snap.name(chain[i]).toUtf8(), true);
            openDirs.push_back(chain[i]);
        }
        buffer += format.treeLine(snap.depth(node) - 1, snap.name(node).toUtf8(), false);
    }
    buffer += format.treeEnd();
    buffer += format.filesBegin();
    if (!flush())
        return writeError();

    const int threads = std::max(1, pool->maxThreadCount());
    constexpr size_t kBatch = 512;
    for (size_t start = 0; start < files.size(); start += kBatch) {
        if (cancel && *cancel)
            return Error::make(Error::Code::Cancelled,
                               QStringLiteral("writing the pack was cancelled"));
        const size_t end = std::min(files.size(), start + kBatch);
        const size_t per = (end - start + size_t(threads) - 1) / size_t(threads);
        QList<QFuture<std::vector<Loaded>>> parts;
        for (size_t s = start; s < end; s += per) {
            const size_t e = std::min(end, s + per);
            parts.append(QtConcurrent::run(
                pool, [&snap, &files, s, e] { return loadSlice(snap, files, s, e); }));
        }
        size_t index = start;
        for (QFuture<std::vector<Loaded>> &part : parts) {
            for (Loaded &l : part.result()) {
                const int node = files[index++];
                if (!l.problem.isEmpty()) {
                    stats.problems << l.problem;
                    continue;
                }
                buffer += format.fileBegin(snap.file(node).path);
                if (format.options().lineNumbers)
                    appendNumbered(buffer, l.text, format);
                else
                    buffer += l.text;
                if (!l.text.isEmpty() && !l.text.endsWith('\n'))
                    buffer += '\n';
                buffer += format.fileEnd();
                ++stats.files;
            }
            if (buffer.size() > (4 << 20) && !flush())
                return writeError();
        }
    }
    buffer += format.filesEnd();
    if (!flush())
        return writeError();
    return stats;
}

} // namespace reposcope::prompt
