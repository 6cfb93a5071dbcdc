// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace reposcope::workspace {

// A named selection of one repository: "backend only", "security surface".
//   paths: repository-relative; a folder ends in '/' and stands for every file below it that
//          the exclusion rules leave in (as ticking the folder does); anything else is a file.
//   globs: gitignore-like patterns ("**/*.sql"); every file they match is selected, as
//          Selection ▸ Select by Glob does.
//   pins:  pinned files and folders (no trailing '/'), kept by Fit to Budget.
struct SelectionPreset {
    QString name;
    QList<QByteArray> paths;
    QStringList globs;
    QList<QByteArray> pins;
    bool fromRepository = false; // read from <root>/.reposcope/presets.json: read-only

    bool operator==(const SelectionPreset &) const = default;
};

// The presets of one file, in the order they were saved. Stored as JSON:
//   {"version":1,"presets":[{"name":…,"paths":[…],"globs":[…],"pins":[…]}]}
// The user's presets for a repository live in userFileFor(root); a repository may commit
// shared ones in repositoryFile(root), which the app only reads.
// File I/O: call load() and save() off the UI thread (they read or write one small file).
class PresetFile {
public:
    static constexpr int kMaxNameLength = 80;

    const QList<SelectionPreset> &presets() const { return m_presets; }
    const SelectionPreset *find(const QString &name) const; // exact name, or null
    // Adds a preset, or replaces the one with the same name (keeping its place).
    void put(const SelectionPreset &preset);
    bool remove(const QString &name);
    // Puts a preset back at `index` (clamped), e.g. to undo remove(); replaces a namesake.
    void insert(qsizetype index, const SelectionPreset &preset);
    // The position of `name`, or -1.
    qsizetype indexOf(const QString &name) const;
    // Fails when `to` is not a valid name or names another preset already.
    Result<Ok> rename(const QString &from, const QString &to);

    // A name a person can tell apart and type: not empty after trimming, at most
    // kMaxNameLength characters, no control characters. Returns the trimmed name.
    static Result<QString> checkName(const QString &name);

    QByteArray toJson() const;
    static Result<PresetFile> fromJson(const QByteArray &json, bool fromRepository = false);
    // A missing file holds no presets; an unreadable or malformed one is an error that names
    // the file and says what to do.
    static Result<PresetFile> load(const QString &file, bool fromRepository = false);
    // Atomic (QSaveFile); makes the folder. Refuses to replace a file that exists but is
    // not a preset file this version reads (so a corrupt or newer file is never lost
    // silently): the error says to move it away.
    Result<Ok> save(const QString &file) const;

    // <AppDataLocation>/presets/<sha256 of the canonical root path>.json
    static QString userFileFor(const QString &repositoryRoot);
    // <root>/.reposcope/presets.json
    static QString repositoryFile(const QString &repositoryRoot);

    bool operator==(const PresetFile &) const = default;

private:
    QList<SelectionPreset> m_presets;
};

// Both files of one repository, as loaded together (off the UI thread).
struct RepositoryPresets {
    PresetFile user;
    PresetFile repository;       // read-only
    QStringList problems;        // a file that could not be read: its presets are missing
    bool userFileBroken = false; // the user's file exists but is unreadable: do not save over it

    // The user's preset of that name, else the repository's; null when neither has it.
    const SelectionPreset *find(const QString &name) const;
    // Every name, the user's first; a repository preset the user's shadows is left out.
    QList<SelectionPreset> all() const;

    static RepositoryPresets loadFor(const QString &repositoryRoot);
};

} // namespace reposcope::workspace
