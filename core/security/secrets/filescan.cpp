// SPDX-License-Identifier: MIT
#include "security/secrets/filescan.h"

#include "repo/contentreader.h"
#include "repo/exclusionrules.h"
#include "security/secrets/secretscanner.h"
#include "text/textdecoder.h"

#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::security::secrets {

namespace {

// A UTF-8 or UTF-16 byte order mark: the file is decoded as the pack decodes it before it
// is scanned (UTF-16 would otherwise look binary, and the pack's offsets start after the
// BOM). Files without one are scanned as they are, with no copy: valid UTF-8 is what the
// pack sends, and a legacy 8-bit file holds its ASCII secrets as the same bytes.
bool startsWithBom(const QByteArray &bytes) {
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    return (bytes.size() >= 2 &&
            ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) ||
           (bytes.size() >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF);
}

} // namespace

FileScanResult scanFiles(const repo::RepoInfo &info, const std::vector<repo::ScannedFile> &files,
                         const SecretScanner &scanner, QThreadPool *pool, int workers,
                         const FileScanOptions &options) {
    FileScanResult result;
    std::atomic<size_t> next{0};
    QMutex mutex;
    const auto work = [&] {
        const std::unique_ptr<repo::ContentReader> reader = repo::makeContentReader(info);
        FileScanResult mine;
        for (size_t i = next++; i < files.size(); i = next++) {
            if (options.cancel && options.cancel->load()) {
                mine.cancelled = true;
                break;
            }
            const repo::ScannedFile &file = files[i];
            Result<QByteArray> bytes = reader->read(file);
            if (!bytes) {
                mine.problems << QString::fromUtf8(file.path) + QStringLiteral(": ") +
                                     bytes.error().message;
                continue;
            }
            if (startsWithBom(*bytes)) {
                text::DecodedText decoded = text::decodeText(*bytes);
                if (decoded.binary)
                    continue;
                *bytes = std::move(decoded.utf8);
            }
            const repo::Exclusion byContent = repo::contentExclusion(*bytes);
            if (byContent == repo::Exclusion::Binary ||
                (byContent == repo::Exclusion::Generated && options.skipGenerated))
                continue;
            ++mine.filesScanned;
            mine.bytesScanned += bytes->size();
            mine.hits += scanner.scan(QByteArrayView(*bytes), QByteArrayView(file.path));
        }
        const QMutexLocker lock(&mutex);
        result.hits += mine.hits;
        result.problems += mine.problems;
        result.filesScanned += mine.filesScanned;
        result.bytesScanned += mine.bytesScanned;
        result.cancelled |= mine.cancelled;
    };
    QList<QFuture<void>> running;
    for (int w = 1; w < std::max(workers, 1); ++w)
        running << QtConcurrent::run(pool, work);
    work(); // this thread is a worker too
    for (QFuture<void> &f : running)
        f.waitForFinished();
    std::sort(result.hits.begin(), result.hits.end(), [](const SecretHit &a, const SecretHit &b) {
        return a.path != b.path ? a.path < b.path : a.begin < b.begin;
    });
    result.problems.sort();
    return result;
}

} // namespace reposcope::security::secrets
