// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"
#include "findings/sourceset.h"

#include <QMutex>
#include <QSet>

#include <memory>

namespace reposcope::findings {

// Checks citations against the snapshot a question was asked on.
//
// Path: exact, then a unique path ending in "/" + the cited path, then a unique file
// name; "./", a leading "/", the repository's own folder name and backslashes are
// tolerated. Ambiguous or missing: unverified (the note names the candidates or says
// it was not found).
// Lines: the range must lie inside the file.
// Quote: compared with whitespace runs collapsed and the ends trimmed (an ellipsis "..."
// or "…" splits it into pieces that must appear in order; surrounding backticks or
// quotes are dropped). Found at the cited lines (a window of a few lines around them for
// a multi-line quote): verified. Found elsewhere in the file: corrected to the nearest
// occurrence, and the note says "cited line 40, found at 47". Not found: unverified,
// even when the lines exist, so a wrong location is never shown as checked.
// No quote: located when the file and lines exist (quoteChecked stays false); never
// verified, which means the quote holds. A line the file does not have: unverified.
// A path correction alone (suffix or file name) makes the status corrected.
// A mention is checked with its quote (the code span after it) when it has one.
//
// Thread-safe (const); the sources are read-only. Building indexes the paths (linear in
// the snapshot's files); the first check of a file reads its text from the sources and
// keeps a whitespace-normalised copy (linear in the file), later checks reuse it.
// Not copyable (it owns that cache).
class CitationVerifier {
public:
    explicit CitationVerifier(SourceSetPtr sources);
    ~CitationVerifier();
    CitationVerifier(const CitationVerifier &) = delete;
    CitationVerifier &operator=(const CitationVerifier &) = delete;

    ResolvedLocation verify(const Citation &citation, const QString &quote = QString()) const;
    // Verifies the finding's location and every flow step.
    void verify(Finding &finding) const;
    void verify(Mention &mention) const;

    // The repository path a cited path resolves to (exact, suffix, file name); empty when
    // none or ambiguous, with the reason in *why.
    QString resolvePath(const QString &cited, QString *why = nullptr) const;

    const SourceSetPtr &sources() const { return m_sources; }

private:
    struct FileIndex;
    struct PathMatch {
        QString path;           // empty when not found or ambiguous
        bool corrected = false; // found by suffix or file name, not as written
        QString note;           // why not found, or what was corrected
    };
    PathMatch matchPath(const QString &cited) const;
    // The normalised text of a snapshot file; null when unreadable or binary.
    std::shared_ptr<const FileIndex> fileIndex(const QString &path) const;

    SourceSetPtr m_sources;
    QSet<QString> m_paths;
    // Paths holding a backslash (an escape of text::visibleName), under the spelling a
    // citation gets once its backslashes are read as separators; "" when two share it.
    QHash<QString, QString> m_bySlashed;
    QHash<QString, QString> m_byName; // file name -> path, or empty when not unique
    mutable QMutex m_cacheMutex;      // guards m_cache
    mutable QHash<QString, std::shared_ptr<const FileIndex>> m_cache;
};

} // namespace reposcope::findings
