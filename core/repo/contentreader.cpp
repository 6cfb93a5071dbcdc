// SPDX-License-Identifier: MIT
#include "repo/contentreader.h"

#include "repo/gitutil.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reposcope::repo {

namespace {

constexpr qint64 kMaxRead = 64 * 1024 * 1024;

Error tooLarge(const ScannedFile &file, qint64 size) {
    return Error::make(Error::Code::Io,
                       QStringLiteral("%1 is too large to read (%2 MiB; the limit is 64 MiB). "
                                      "Leave it out of the selection.")
                           .arg(QString::fromUtf8(file.path))
                           .arg(size / (1024 * 1024)));
}

Error ioError(const ScannedFile &file, int err) {
    const Error::Code code =
        err == EACCES || err == EPERM ? Error::Code::Unreadable : Error::Code::Io;
    return Error::make(
        code, QStringLiteral("Could not read %1: %2. Check that it still exists "
                             "and that you may read it.")
                  .arg(QString::fromUtf8(file.path), QString::fromLocal8Bit(strerror(err))));
}

class DiskReader final : public ContentReader {
public:
    explicit DiskReader(const QString &root)
        : m_root(QFile::encodeName(root) + '/') {}

    Result<QByteArray> read(const ScannedFile &file) override {
        if (file.kind == EntryKind::Submodule)
            return Error::make(
                Error::Code::Usage,
                QStringLiteral("%1 is a submodule, not a file.").arg(QString::fromUtf8(file.path)));
        const QByteArray full = m_root + file.path;
        if (file.kind == EntryKind::Symlink) {
            // Git's view of a symlink: its target, never what it points to.
            char buf[4096];
            const ssize_t n = readlink(full.constData(), buf, sizeof buf);
            if (n < 0)
                return ioError(file, errno);
            return QByteArray(buf, n);
        }
        QByteArray data;
        const Result<qsizetype> n = readRegular(file, full, data);
        if (!n)
            return n.error();
        return data;
    }

    Result<qsizetype> appendTo(const ScannedFile &file, QByteArray &out) override {
        if (file.kind != EntryKind::File)
            return ContentReader::appendTo(file, out);
        return readRegular(file, m_root + file.path, out);
    }

    Result<qsizetype> readInto(const ScannedFile &file, char *buffer, qsizetype capacity) override {
        if (file.kind != EntryKind::File)
            return ContentReader::readInto(file, buffer, capacity);
        struct stat st;
        const int fd = openRegular(m_root + file.path, st);
        if (fd < 0)
            return ioError(file, -fd);
        if (st.st_size > capacity) {
            ::close(fd);
            return qsizetype(-1);
        }
        return readAll(file, fd, buffer, qsizetype(st.st_size));
    }

private:
    // Opens a regular file for reading and stats it: the descriptor, or -errno.
    static int openRegular(const QByteArray &full, struct stat &st) {
        const int fd = open(full.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            const int err = S_ISREG(st.st_mode) ? errno : EISDIR;
            close(fd);
            return -err;
        }
        return fd;
    }

    static Error closeWith(int fd, Error error) {
        close(fd);
        return error;
    }

    // Reads up to `size` bytes (less if the file shrank) and closes fd.
    static Result<qsizetype> readAll(const ScannedFile &file, int fd, char *buffer,
                                     qsizetype size) {
        qsizetype done = 0;
        while (done < size) {
            const ssize_t n = ::read(fd, buffer + done, size_t(size - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return closeWith(fd, ioError(file, errno));
            if (n == 0)
                break; // shrank while we read
            done += n;
        }
        close(fd);
        return done;
    }

    // Reads the regular file at `full` onto the end of `out`.
    static Result<qsizetype> readRegular(const ScannedFile &file, const QByteArray &full,
                                         QByteArray &out) {
        struct stat st;
        const int fd = openRegular(full, st);
        if (fd < 0)
            return ioError(file, -fd);
        if (st.st_size > kMaxRead)
            return closeWith(fd, tooLarge(file, st.st_size));
        const qsizetype start = out.size();
        out.resize(start + qsizetype(st.st_size));
        const Result<qsizetype> n = readAll(file, fd, out.data() + start, qsizetype(st.st_size));
        out.truncate(start + (n ? *n : 0));
        return n;
    }

    QByteArray m_root;
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
                                   .arg(QString::fromUtf8(file.path), m_info.ref));
        const git_oid oid = git::toOid(file.blobId);
        git_blob *raw = nullptr;
        if (git_blob_lookup(&raw, m_repo.get(), &oid) != 0)
            return git::lastError(Error::Code::Io,
                                  QStringLiteral("Could not read %1 at %2")
                                      .arg(QString::fromUtf8(file.path), m_info.ref),
                                  QStringLiteral("The object may be missing (partial clone?); "
                                                 "try `git fetch` or `git fsck`"));
        const git::Blob blob(raw);
        const qint64 size = qint64(git_blob_rawsize(blob.get()));
        if (size > kMaxRead)
            return tooLarge(file, size);
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

std::unique_ptr<ContentReader> makeContentReader(const RepoInfo &info) {
    if (info.isGit && !info.ref.isEmpty())
        return std::make_unique<BlobReader>(info);
    return std::make_unique<DiskReader>(info.rootPath);
}

} // namespace reposcope::repo
