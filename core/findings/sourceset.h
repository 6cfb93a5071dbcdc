// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/packformat.h"
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
};
using SourceSetPtr = std::shared_ptr<const SourceSet>;

// Where each file's content lies in a written pack. PackWriter fills it when asked.
struct PackedFile {
    QByteArray path;
    qsizetype offset = 0; // of the content's first byte in the pack
    qsizetype length = 0; // bytes of content as written (with line prefixes if numbered)
};
using PackManifest = QList<PackedFile>;

// The files inside a frozen pack (exact bytes the model read, line-number prefixes
// removed), then, for snapshot files the pack left out, their content read from the
// snapshot (the object database for a ref audit, else the disk). Keeps the pack bytes
// (implicitly shared QByteArray: no copy).
SourceSetPtr makePackSourceSet(repo::SnapshotPtr snapshot, QByteArray pack, PackManifest manifest,
                               prompt::PackOptions options);

// Plain in-memory files (tests, the CLI when it has the texts).
SourceSetPtr makeMemorySourceSet(QHash<QString, QByteArray> files);

} // namespace reposcope::findings
