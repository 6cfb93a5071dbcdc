// SPDX-License-Identifier: MIT
#include "repo/contentreader.h"

#include "repo/gitutil.h"
#include "text/visibletext.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reposcope::repo {

namespace {

Error ioError(const ScannedFile &file, int err) {
    const Error::Code code =
        err == EACCES || err == EPERM ? Error::Code::Unreadable : Error::Code::Io;
    return Error::make(
        code, QStringLiteral("Could not read %1: %2. Check that it still exists "
                             "and that you may read it.")
                  .arg(text::visibleName(file.path), QString::fromLocal8Bit(strerror(err))));
}

// Reads files by their folder: a descriptor on the last folder is kept, so the files of a
// folder (which come together) are opened by name, not by walking the whole path again.
// The scan's size is trusted until the file says otherwise: one read() of one byte more
// comes back short at the end of the file, with no fstat. A file that grew since the scan,
// or is not a regular file any more, costs an fstat and more reads. A short read at or past
// the scan's size is taken as the end: local file systems return one only there; a network
// file system that returns one earlier gives at least what the scan saw.
class DiskReader final : public ContentReader {
public:
    explicit DiskReader(const QString &root)
        : m_root(QFile::encodeName(root) + '/') {}
    ~DiskReader() override {
        if (m_folderFd >= 0)
            close(m_folderFd);
    }
    DiskReader(const DiskReader &) = delete;
    DiskReader &operator=(const DiskReader &) = delete;

    Result<QByteArray> read(const ScannedFile &file) override {
        if (file.kind == EntryKind::Submodule)
            return Error::make(
                Error::Code::Usage,
                QStringLiteral("%1 is a submodule, not a file.").arg(text::visibleName(file.path)));
        if (file.kind == EntryKind::Symlink) {
            // Git's view of a symlink: its target, never what it points to.
            char buf[4096];
            const ssize_t n = readlink(QByteArray(m_root + file.path).constData(), buf, sizeof buf);
            if (n < 0)
                return ioError(file, errno);
            return QByteArray(buf, n);
        }
        if (file.kind != EntryKind::File)
            return Error::make(
                Error::Code::Usage,
                QStringLiteral("%1 is a folder, not a file.").arg(text::visibleName(file.path)));
        QByteArray data;
        const Result<qsizetype> n = appendTo(file, data);
        if (!n)
            return n.error();
        return data;
    }

    Result<qsizetype> appendTo(const ScannedFile &file, QByteArray &out) override {
        if (file.kind != EntryKind::File)
            return ContentReader::appendTo(file, out);
        const int fd = openFile(file);
        if (fd < 0)
            return ioError(file, -fd);
        const qsizetype start = out.size();
        qsizetype done = 0;
        for (qsizetype want = qsizetype(file.size) + 1;;) {
            out.resize(start + want);
            done = fill(fd, out.data() + start, done, want, file.size);
            if (done < 0) {
                out.truncate(start);
                return closeWith(fd, ioError(file, int(-done)));
            }
            if (done < want)
                break;
            // Full: the file grew since the scan, or is not a regular file any more.
            struct stat st;
            const bool statted = fstat(fd, &st) == 0;
            if (!statted || !S_ISREG(st.st_mode)) {
                const int err = statted ? EISDIR : errno;
                out.truncate(start);
                return closeWith(fd, ioError(file, err));
            }
            want = std::max<qsizetype>(qsizetype(st.st_size), done) + 1;
        }
        close(fd);
        out.truncate(start + done);
        return done;
    }

    Result<qsizetype> readInto(const ScannedFile &file, char *buffer, qsizetype capacity) override {
        if (file.kind != EntryKind::File)
            return ContentReader::readInto(file, buffer, capacity);
        if (file.size > capacity)
            return qsizetype(-1);
        const int fd = openFile(file);
        if (fd < 0)
            return ioError(file, -fd);
        qsizetype done = fill(fd, buffer, 0, capacity, file.size);
        if (done < 0)
            return closeWith(fd, ioError(file, int(-done)));
        char probe;
        if (done == capacity && fill(fd, &probe, 0, 1, 0) != 0)
            done = -1; // larger than the buffer (or unreadable from here on)
        close(fd);
        return done;
    }

    Result<qint64> readChunks(const ScannedFile &file, qsizetype chunkBytes,
                              const ChunkSink &sink) override {
        if (file.kind != EntryKind::File)
            return ContentReader::readChunks(file, chunkBytes, sink);
        const int fd = openFile(file);
        if (fd < 0)
            return ioError(file, -fd);
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
            return closeWith(fd, ioError(file, errno ? errno : EISDIR));
        QByteArray buffer(chunkBytes, Qt::Uninitialized);
        qint64 total = 0;
        for (;;) {
            const qsizetype n = fill(fd, buffer.data(), 0, chunkBytes, chunkBytes);
            if (n < 0)
                return closeWith(fd, ioError(file, int(-n)));
            if (n == 0)
                break;
            total += n;
            if (!sink(QByteArrayView(buffer.constData(), n)))
                break;
        }
        close(fd);
        return total;
    }

private:
    // Opens a file by its name, relative to its folder: the descriptor, or -errno. Never
    // follows a symlink in the last component and never blocks (a FIFO put there since
    // the scan reads as empty).
    int openFile(const ScannedFile &file) {
        const qsizetype slash = file.path.lastIndexOf('/');
        const QByteArrayView folder(file.path.constData(), std::max<qsizetype>(slash, 0));
        if (m_folderFd < 0 || folder != m_folder) {
            if (m_folderFd >= 0)
                close(m_folderFd);
            m_folder = folder.toByteArray();
            m_folderFd =
                open(QByteArray(m_root + m_folder).constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (m_folderFd < 0)
                return -errno;
        }
        const int fd = openat(m_folderFd, file.path.constData() + slash + 1,
                              O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        return fd < 0 ? -errno : fd;
    }

    // Reads into buffer[done, capacity) until the end of the file, a full buffer, or a short
    // read at or past `expected` bytes (the end, on local file systems). Returns how much
    // the buffer holds, or -errno.
    static qsizetype fill(int fd, char *buffer, qsizetype done, qsizetype capacity,
                          qint64 expected) {
        while (done < capacity) {
            const ssize_t n = ::read(fd, buffer + done, size_t(capacity - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -errno;
            done += n;
            if (n == 0 || (done < capacity && done >= expected))
                break;
        }
        return done;
    }

    static Error closeWith(int fd, Error error) {
        close(fd);
        return error;
    }

    QByteArray m_root;
    QByteArray m_folder; // relative to m_root, no trailing '/'; "" for the root
    int m_folderFd = -1;
};

class BlobReader final : public ContentReader {
public:
    explicit BlobReader(const RepoInfo &info)
        : m_info(info) {}

    Result<QByteArray> read(const ScannedFile &file) override {
        if (!m_repo) {
            git::ensureInit();
            git_repository *raw = nullptr;
            if (git_repository_open_ext(&raw, QFile::encodeName(m_info.rootPath).constData(),
                                        GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
                return git::lastError(Error::Code::CorruptRepository,
                                      QStringLiteral("Could not open %1").arg(m_info.rootPath),
                                      QStringLiteral("Scan the repository again"));
            m_repo.reset(raw);
        }
        if (file.kind == EntryKind::Submodule || isNull(file.blobId))
            return Error::make(Error::Code::Usage,
                               QStringLiteral("%1 has no content at %2 (a submodule?).")
                                   .arg(text::visibleName(file.path), m_info.ref));
        const git_oid oid = git::toOid(file.blobId);
        git_blob *raw = nullptr;
        if (git_blob_lookup(&raw, m_repo.get(), &oid) != 0)
            return git::lastError(Error::Code::Io,
                                  QStringLiteral("Could not read %1 at %2")
                                      .arg(text::visibleName(file.path), m_info.ref),
                                  QStringLiteral("The object may be missing (partial clone?); "
                                                 "try `git fetch` or `git fsck`"));
        const git::Blob blob(raw);
        const qint64 size = qint64(git_blob_rawsize(blob.get()));
        return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                          qsizetype(size));
    }

private:
    RepoInfo m_info;
    git::Repository m_repo;
};

} // namespace

Result<qsizetype> ContentReader::appendTo(const ScannedFile &file, QByteArray &out) {
    const Result<QByteArray> bytes = read(file);
    if (!bytes)
        return bytes.error();
    out += *bytes;
    return bytes->size();
}

Result<qsizetype> ContentReader::readInto(const ScannedFile &file, char *buffer,
                                          qsizetype capacity) {
    const Result<QByteArray> bytes = read(file);
    if (!bytes)
        return bytes.error();
    if (bytes->size() > capacity)
        return qsizetype(-1);
    std::memcpy(buffer, bytes->constData(), size_t(bytes->size()));
    return bytes->size();
}

Result<qint64> ContentReader::readChunks(const ScannedFile &file, qsizetype chunkBytes,
                                         const ChunkSink &sink) {
    const Result<QByteArray> bytes = read(file);
    if (!bytes)
        return bytes.error();
    for (qsizetype at = 0; at < bytes->size(); at += chunkBytes)
        if (!sink(QByteArrayView(*bytes).sliced(at, std::min(chunkBytes, bytes->size() - at))))
            break;
    return qint64(bytes->size());
}

std::unique_ptr<ContentReader> makeContentReader(const RepoInfo &info) {
    if (info.isGit && !info.ref.isEmpty())
        return std::make_unique<BlobReader>(info);
    return std::make_unique<DiskReader>(info.rootPath);
}

} // namespace reposcope::repo
