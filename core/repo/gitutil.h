// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/scantypes.h"

#include <git2.h>

#include <memory>

namespace reposcope::repo::git {

// Initialises libgit2 once per process (std::call_once; never shut down). Also turns off
// libgit2's repository-owner validation: RepoScope only reads repositories and never
// runs hooks or configured commands, so auditing a checkout owned by another user is safe.
// Programs call it first thing on the main thread: libgit2 starts OpenSSL (through libssh2)
// on the thread that initialises it, and OpenSSL frees that thread's state when it ends; a
// pool worker still ending while the process exits races OpenSSL's own clean-up at exit (a
// rare "malloc_consolidate(): invalid chunk size" abort). The calls on workers are then no-ops.
void ensureInit();

template <typename T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const { Free(p); }
};
template <typename T, void (*Free)(T *)> using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Repository = Handle<git_repository, git_repository_free>;
using Index = Handle<git_index, git_index_free>;
using Object = Handle<git_object, git_object_free>;
using Tree = Handle<git_tree, git_tree_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Reference = Handle<git_reference, git_reference_free>;
using Odb = Handle<git_odb, git_odb_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Config = Handle<git_config, git_config_free>;
using Diff = Handle<git_diff, git_diff_free>;

// Copies libgit2's per-thread error text *now* (call right after the failing call, on the
// same thread) into an Error with `what` and `advice` around it.
Error lastError(Error::Code code, const QString &what, const QString &advice = {});

inline ObjectId toObjectId(const git_oid &oid) {
    ObjectId id;
    static_assert(sizeof(oid.id) == std::tuple_size_v<ObjectId>);
    std::copy(std::begin(oid.id), std::end(oid.id), id.begin());
    return id;
}
inline git_oid toOid(const ObjectId &id) {
    git_oid oid;
    std::copy(id.begin(), id.end(), std::begin(oid.id));
    return oid;
}

// The first 7 hex digits of an object id.
QString shortSha(const git_oid &oid);

} // namespace reposcope::repo::git
