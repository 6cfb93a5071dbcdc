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
        const int fd = open(full.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return ioError(file, errno);
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            const int err = errno;
            close(fd);
            return S_ISREG(st.st_mode) ? ioError(file, err) : ioError(file, EISDIR);
        }
        if (st.st_size > kMaxRead) {
            close(fd);
            return tooLarge(file, st.st_size);
        }
        QByteArray data(qsizetype(st.st_size), Qt::Uninitialized);
        qsizetype done = 0;
        while (done < data.size()) {
            const ssize_t n = ::read(fd, data.data() + done, size_t(data.size() - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                const int err = errno;
                close(fd);
                return ioError(file, err);
            }
            if (n == 0)
                break; // shrank while we read
            done += n;
        }
        close(fd);
        data.truncate(done);
        return data;
    }

private:
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

std::unique_ptr<ContentReader> makeContentReader(const RepoInfo &info) {
    if (info.isGit && !info.ref.isEmpty())
        return std::make_unique<BlobReader>(info);
    return std::make_unique<DiskReader>(info.rootPath);
}

} // namespace reposcope::repo
