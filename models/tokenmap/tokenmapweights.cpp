// SPDX-License-Identifier: MIT
// MapWeights::fromSelection: the area rule documented in tokenmaplayout.h.
#include "prompt/selection.h"
#include "tokenize/countjob.h"
#include "tokenmap/tokenmaplayout.h"

#include <algorithm>
#include <cmath>

namespace reposcope::models {

namespace {

enum class FileWeightKind : quint8 { Empty, Counted, Pending, Opaque };

// Files whose size says nothing about what they would cost as text: never sent as text
// (binary, unreadable, links, submodules, .git), or over the size cap.
bool opaqueExclusion(repo::Exclusion e) {
    switch (e) {
    case repo::Exclusion::Binary:
    case repo::Exclusion::TooLarge:
    case repo::Exclusion::Unreadable:
    case repo::Exclusion::Symlink:
    case repo::Exclusion::SubmoduleEntry:
    case repo::Exclusion::GitDir:
        return true;
    default:
        return false;
    }
}

FileWeightKind weightKind(const repo::ScannedFile &scanned, const prompt::FileState &state) {
    if (scanned.size <= 0 && scanned.kind == repo::EntryKind::File)
        return FileWeightKind::Empty;
    if (opaqueExclusion(state.exclusion) || state.stats.binary ||
        scanned.kind != repo::EntryKind::File)
        return FileWeightKind::Opaque;
    if (state.counted)
        return state.stats.tokens > 0 ? FileWeightKind::Counted : FileWeightKind::Opaque;
    return tokenize::isCountable(scanned) ? FileWeightKind::Pending : FileWeightKind::Opaque;
}

} // namespace

std::shared_ptr<const MapWeights> MapWeights::fromSelection(const prompt::Selection &selection,
                                                            quint64 generation) {
    const repo::RepoSnapshot &snap = selection.snapshot();
    const int n = snap.nodeCount();
    auto out = std::make_shared<MapWeights>();
    out->generation = generation;
    out->weight.assign(size_t(n), 0);
    out->estimated.assign(size_t(n), false);

    // Pass 1: the tokens/byte ratio among counted files, for the estimates.
    qint64 countedTokens = 0, countedBytes = 0;
    for (int node = 0; node < n; ++node) {
        if (snap.isDirectory(node))
            continue;
        const prompt::FileState &f = selection.file(node);
        if (weightKind(snap.file(node), f) == FileWeightKind::Counted) {
            countedTokens += f.stats.tokens;
            countedBytes += snap.file(node).size;
        }
    }
    const double ratio = countedBytes > 0 ? double(countedTokens) / double(countedBytes) : 0.25;
    auto estimate = [ratio](qint64 bytes) {
        return std::max<qint64>(1, qint64(std::llround(double(bytes) * ratio)));
    };

    // Pass 2: text files, and the largest of them (the cap for opaque files).
    qint64 largestText = 0;
    for (int node = 0; node < n; ++node) {
        if (snap.isDirectory(node))
            continue;
        const repo::ScannedFile &scanned = snap.file(node);
        const prompt::FileState &f = selection.file(node);
        switch (weightKind(scanned, f)) {
        case FileWeightKind::Counted:
            out->weight[size_t(node)] = f.stats.tokens;
            break;
        case FileWeightKind::Pending:
            out->weight[size_t(node)] = estimate(scanned.size);
            out->estimated[size_t(node)] = true;
            break;
        case FileWeightKind::Empty:
        case FileWeightKind::Opaque:
            continue;
        }
        largestText = std::max(largestText, out->weight[size_t(node)]);
    }
    const qint64 cap = largestText > 0 ? std::min(largestText, kOpaqueCapTokens) : kOpaqueCapTokens;

    // Pass 3: opaque files, then folder sums bottom-up (pre-order: children after parents).
    for (int node = n - 1; node >= 0; --node) {
        if (!snap.isDirectory(node) &&
            weightKind(snap.file(node), selection.file(node)) == FileWeightKind::Opaque)
            out->weight[size_t(node)] = std::clamp<qint64>(estimate(snap.file(node).size), 1, cap);
        const int parent = snap.parent(node);
        if (parent >= 0) {
            out->weight[size_t(parent)] += out->weight[size_t(node)];
            if (out->estimated[size_t(node)])
                out->estimated[size_t(parent)] = true;
        }
    }
    return out;
}

} // namespace reposcope::models
