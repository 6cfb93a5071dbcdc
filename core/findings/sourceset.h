// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/packformat.h"
#include "prompt/packwriter.h"
#include "repo/reposnapshot.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <memory>
#include <optional>

namespace reposcope::findings {

// The files a question was asked on, as they were then: what citations are checked
// against and what the viewer shows when a finding is opened. Immutable once built;
// safe to share between threads (shared_ptr<const SourceSet>).
class SourceSet {
public:
    virtual ~SourceSet() = default;
    // Every file path of the snapshot (repository-relative, '/'-separated).
    virtual const QStringList &paths() const = 0;
    // The file's text (UTF-8) as it was when the question was asked; nullopt when the path
    // is unknown or the file is unreadable or binary.
    virtual std::optional<QByteArray> text(const QString &path) const = 0;
    // The repository's own folder name (models sometimes cite "reposcope/core/x.cpp");
    // empty when unknown.
    virtual QString rootName() const { return QString(); }
};
using SourceSetPtr = std::shared_ptr<const SourceSet>;

// The files inside a frozen pack (exact bytes the model read, line-number prefixes
// removed), then, for snapshot files the pack left out, their content read from the
// snapshot (the object database for a ref audit, else the disk). Keeps the pack bytes
// (implicitly shared QByteArray: no copy). `manifest` is PackStats::manifest of the
// writePack call that wrote `pack` (offsets relative to its first byte).
// Cost: building lists the snapshot's paths (no I/O), so it may run on any thread. text()
// of a packed file slices the pack (and strips line prefixes); text() of a file the pack
// left out reads and decodes it once (blocking file or object-database I/O, then cached),
// so a working-tree file changed on disk since the scan shows its current content.
SourceSetPtr makePackSourceSet(repo::SnapshotPtr snapshot, QByteArray pack,
                               prompt::PackManifest manifest, prompt::PackOptions options);

// Plain in-memory files (tests, the CLI when it has the texts); `rootName` as rootName().
SourceSetPtr makeMemorySourceSet(QHash<QString, QByteArray> files, QString rootName = QString());

} // namespace reposcope::findings
