// SPDX-License-Identifier: MIT
#include "repo/dirwalker.h"

#include "repo/repolog.h"

#include <QString>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reposcope::repo {

namespace {

struct Identity {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    std::vector<gid_t> groups;
    Identity() {
        const int n = getgroups(0, nullptr);
        if (n > 0) {
            groups.resize(size_t(n));
            groups.resize(size_t(std::max(0, getgroups(n, groups.data()))));
        }
    }
};

bool canRead(const struct stat &st) {
    static const Identity me;
    if (me.uid == 0)
        return true;
    if (st.st_uid == me.uid)
        return st.st_mode & S_IRUSR;
    if (st.st_gid == me.gid ||
        std::find(me.groups.begin(), me.groups.end(), st.st_gid) != me.groups.end())
        return st.st_mode & S_IRGRP;
    return st.st_mode & S_IROTH;
}

QByteArray readSmallFile(int dirFd, const char *name) {
    const int fd = openat(dirFd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return {};
    QByteArray data;
    char buf[16384];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.append(buf, n);
        if (data.size() > 16 * 1024 * 1024)
            break; // an absurd .gitignore; what we have is enough
    }
    close(fd);
    return data;
}

struct Entry {
    QByteArray name;
    unsigned char type;
};

} // namespace

FileStat toFileStat(const struct stat &st) {
    FileStat s;
    s.exists = true;
    s.readable = canRead(st);
    s.kind = S_ISLNK(st.st_mode)   ? EntryKind::Symlink
             : S_ISDIR(st.st_mode) ? EntryKind::Directory
                                   : EntryKind::File;
    s.size = st.st_size;
    s.mtimeSec = st.st_mtim.tv_sec;
    s.mtimeNsec = st.st_mtim.tv_nsec;
    return s;
}

FileStat lstatPath(const QByteArray &absolutePath) {
    struct stat st;
    if (::lstat(absolutePath.constData(), &st) != 0)
        return {};
    return toFileStat(st);
}

bool TrackedPaths::hasTrackedUnder(const QByteArray &dirWithSlash) const {
    const std::string_view prefix(dirWithSlash.constData(), size_t(dirWithSlash.size()));
    auto it = std::lower_bound(sorted.begin(), sorted.end(), prefix);
    return it != sorted.end() && it->substr(0, prefix.size()) == prefix;
}

bool DirWalk::run() {
    const int fd = open(root.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    QByteArray rel;
    rel.reserve(4096);
    walkDir(fd, rel, 0);
    return true;
}

bool DirWalk::inScope(const QByteArray &path, bool isDir) const {
    if (scope.isEmpty())
        return true;
    // Inside the scope, or (folders only) on the way down to it.
    if (path.size() > scope.size() && path.startsWith(scope) && path[scope.size()] == '/')
        return true;
    if (!isDir)
        return false;
    return path == scope ||
           (scope.size() > path.size() && scope.startsWith(path) && scope[path.size()] == '/');
}

// `rel` is the folder's path relative to the root, "" or ending in '/'. Takes `fd`.
void DirWalk::walkDir(int fd, QByteArray &rel, int depth) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
        cancelled = true;
        close(fd);
        return;
    }
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return;
    }
    std::vector<Entry> entries;
    bool hasGitignore = false;
    bool hasDotGit = false;
    while (const dirent *de = readdir(dir)) {
        const char *n = de->d_name;
        if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
            continue;
        if (std::strcmp(n, ".git") == 0) {
            hasDotGit = true;
            continue;
        }
        if (std::strcmp(n, ".gitignore") == 0)
            hasGitignore = true;
        entries.push_back(Entry{QByteArray(n), de->d_type});
    }
    const int dfd = dirfd(dir);

    if (depth > 0 && hasDotGit && !(tracked && tracked->hasTrackedUnder(rel))) {
        // A nested repository: one entry, not descended (git lists it as "dir/").
        ScannedFile f;
        f.path = rel.left(rel.size() - 1);
        f.kind = EntryKind::Submodule;
        f.exclusion = Exclusion::SubmoduleEntry;
        files.push_back(std::move(f));
        closedir(dir);
        return;
    }

    std::shared_ptr<const IgnoreList> list;
    if (hasGitignore) {
        const QByteArray content = readSmallFile(dfd, ".gitignore");
        if (!content.isEmpty())
            list = std::make_shared<IgnoreList>(IgnoreList::parse(content, rel));
    }
    ignores->push(list);

    const qsizetype relLen = rel.size();
    for (const Entry &e : entries) {
        if (cancelled)
            break;
        rel.truncate(relLen);
        rel.append(e.name);
        unsigned char type = e.type;
        struct stat st;
        bool haveStat = false;
        if (type == DT_UNKNOWN) {
            if (fstatat(dfd, e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            haveStat = true;
            type = S_ISDIR(st.st_mode)   ? DT_DIR
                   : S_ISREG(st.st_mode) ? DT_REG
                   : S_ISLNK(st.st_mode) ? DT_LNK
                                         : DT_FIFO;
        }
        if (type != DT_DIR && type != DT_REG && type != DT_LNK)
            continue; // FIFOs, sockets, devices: git does not list them either
        const bool isDir = type == DT_DIR;
        if (!inScope(rel, isDir))
            continue;
        int slot = -1;
        if (tracked) {
            auto it = tracked->slot.find(std::string_view(rel.constData(), size_t(rel.size())));
            if (it != tracked->slot.end())
                slot = it->second;
        }
        if (isDir) {
            if (slot >= 0)
                continue; // a submodule (gitlink) of the index; listed from there
            if (ignores->isIgnored(rel, true))
                continue;
            const int sub =
                openat(dfd, e.name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                const int err = errno;
                warnings << QStringLiteral("Could not read folder \"%1\" (%2); its files are "
                                           "not listed. Check its permissions.")
                                .arg(QString::fromUtf8(rel), QString::fromLocal8Bit(strerror(err)));
                qCWarning(lcRepo) << "cannot open" << rel << strerror(err);
                continue;
            }
            rel.append('/');
            walkDir(sub, rel, depth + 1);
            continue;
        }
        if (slot < 0 && ignores->isIgnored(rel, false))
            continue;
        if (!haveStat && fstatat(dfd, e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; // vanished while we looked
        const FileStat fs = toFileStat(st);
        if (slot >= 0) {
            tracked->stats[size_t(slot)] = fs;
            continue;
        }
        ScannedFile f;
        f.path = rel;
        f.size = fs.size;
        f.kind = fs.kind;
        if (fs.kind == EntryKind::Symlink)
            f.exclusion = Exclusion::Symlink;
        else if (!fs.readable)
            f.exclusion = Exclusion::Unreadable;
        files.push_back(std::move(f));
    }
    rel.truncate(relLen);
    ignores->pop();
    closedir(dir);
}

} // namespace reposcope::repo
