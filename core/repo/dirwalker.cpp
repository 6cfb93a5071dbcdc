// SPDX-License-Identifier: MIT
#include "repo/dirwalker.h"

#include "repo/repolog.h"
#include "text/visibletext.h"

#include <QString>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

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
    s.ctimeSec = st.st_ctim.tv_sec;
    s.ctimeNsec = st.st_ctim.tv_nsec;
    s.inode = quint64(st.st_ino);
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

// Folders waiting for a walker. A walker hands a subfolder over instead of descending into
// it while fewer than kMaxWaiting wait (each holds an open descriptor), and takes the last
// one handed over when it has finished its own.
struct DirWalk::Shared {
    static constexpr size_t kMaxWaiting = 32;
    struct Folder {
        int fd;
        QByteArray rel;
        int depth;
        IgnoreStack::DirLists ignores;
    };
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<Folder> waiting;
    int busy = 0; // walkers inside a folder: they may still hand some over

    bool offer(Folder &&folder) {
        {
            const std::lock_guard lock(mutex);
            if (waiting.size() >= kMaxWaiting)
                return false;
            waiting.push_back(std::move(folder));
        }
        wake.notify_one();
        return true;
    }
};

bool DirWalk::run() {
    const int fd = open(root.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (threads > 1) {
        runShared(fd);
        return true;
    }
    QByteArray rel;
    rel.reserve(4096);
    walkDir(fd, rel, 0, nullptr);
    return true;
}

void DirWalk::runShared(int rootFd) {
    Shared shared;
    shared.waiting.push_back({rootFd, QByteArray(), 0, ignores->dirLists()});
    std::vector<IgnoreStack> stacks(static_cast<size_t>(threads), *ignores);
    std::vector<DirWalk> walkers(static_cast<size_t>(threads));
    for (size_t i = 0; i < walkers.size(); ++i) {
        DirWalk &w = walkers[i];
        w.root = root;
        w.scope = scope;
        w.tracked = tracked;
        w.ignores = &stacks[i];
        w.cancel = cancel;
    }
    std::vector<std::thread> helpers;
    try {
        for (size_t i = 1; i < walkers.size(); ++i)
            helpers.emplace_back([&shared, &w = walkers[i]] { w.work(shared); });
    } catch (const std::system_error &) {
        // No more threads to be had: the ones started, and this one, walk everything.
    }
    walkers[0].work(shared);
    for (std::thread &t : helpers)
        t.join();
    for (DirWalk &w : walkers) {
        files.insert(files.end(), std::make_move_iterator(w.files.begin()),
                     std::make_move_iterator(w.files.end()));
        warnings << w.warnings;
        cancelled = cancelled || w.cancelled;
    }
    warnings.sort(); // the same order whichever thread met them
}

void DirWalk::work(Shared &shared) {
    std::unique_lock lock(shared.mutex);
    for (;;) {
        shared.wake.wait(lock, [&] { return !shared.waiting.empty() || shared.busy == 0; });
        if (shared.waiting.empty())
            return; // nobody is inside a folder: nothing more will come
        Shared::Folder folder = std::move(shared.waiting.back());
        shared.waiting.pop_back();
        ++shared.busy;
        lock.unlock();
        ignores->setDirLists(std::move(folder.ignores));
        walkDir(folder.fd, folder.rel, folder.depth, &shared);
        lock.lock();
        if (--shared.busy == 0 && shared.waiting.empty())
            shared.wake.notify_all();
    }
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
// Subfolders are handed over to `shared` when it takes them, else walked here.
void DirWalk::walkDir(int fd, QByteArray &rel, int depth, Shared *shared) {
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
                                .arg(text::visibleName(rel), QString::fromLocal8Bit(strerror(err)));
                qCWarning(lcRepo) << "cannot open" << rel << strerror(err);
                continue;
            }
            rel.append('/');
            if (!shared || !shared->offer({sub, rel, depth + 1, ignores->dirLists()}))
                walkDir(sub, rel, depth + 1, shared);
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
