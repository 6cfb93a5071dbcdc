// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "workspace/selectionpresets.h"

#include <QObject>
#include <QString>

#include <optional>

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::models {
class RepoTreeModel;
}

namespace reposcope::ui {

// The selection presets of the open repository: the user's (saved here) and the ones the
// repository commits (read-only). Reads them when a repository opens and writes the user's
// file after each change, both on the workspace's pool (never on the UI thread); writes are
// serialised. Loading a preset goes through RepoTreeModel::editSelection, so it is one
// undo step. Lives on the UI thread.
class PresetsController : public QObject {
    Q_OBJECT
public:
    PresetsController(workspace::Workspace *workspace, models::RepoTreeModel *model,
                      QObject *parent = nullptr);
    ~PresetsController() override;

    // The repository whose presets are shown ("" before one is open), and whether its files
    // have been read.
    QString repositoryRoot() const { return m_root; }
    bool isReady() const { return m_ready; }
    // The user's presets first, then the repository's that the user's do not shadow.
    QList<workspace::SelectionPreset> presets() const { return m_state.all(); }
    const workspace::SelectionPreset *find(const QString &name) const { return m_state.find(name); }
    bool hasUserPreset(const QString &name) const { return m_state.user.find(name) != nullptr; }
    bool isWriting() const { return m_writing; }

    // Saves the current selection under `name` (trimmed), replacing the user's preset of that
    // name. Fails on a bad name, when no repository is open, or when the user's presets file
    // could not be read (it is never saved over).
    Result<Ok> saveSelectionAs(const QString &name);
    // Applies the preset as one undo step named "Load Preset 'NAME'"; false when unknown.
    bool load(const QString &name);
    Result<Ok> rename(const QString &from, const QString &to);
    // Deletes the user's preset; undoDelete() puts the last one deleted back in its place.
    bool remove(const QString &name);
    bool canUndoDelete() const { return m_deleted.has_value(); }
    QString lastDeletedName() const { return m_deleted ? m_deleted->preset.name : QString(); }
    bool undoDelete();

Q_SIGNALS:
    // The list changed (read for a newly opened repository, saved, renamed, deleted).
    void presetsChanged();
    // A preset was applied; `missing` says which of its paths are gone ("" when none).
    void presetLoaded(const QString &name, const QString &missing);
    // A presets file could not be read or written: what happened and what to do.
    void problemOccurred(const QString &message);
    // The user's presets file was written (after the last change so far).
    void written();

private:
    void onOpened();
    void changed();
    void writeNow();

    struct Deleted {
        workspace::SelectionPreset preset;
        qsizetype index = 0;
    };

    struct Pending {
        QString file;
        workspace::PresetFile presets;
    };

    workspace::Workspace *m_workspace;
    models::RepoTreeModel *m_model;
    QString m_root;
    bool m_ready = false;
    workspace::RepositoryPresets m_state;
    std::optional<Deleted> m_deleted;
    Pending m_pending;
    bool m_writing = false;
    bool m_dirty = false;
    int m_generation = 0; // of m_root: a read that finishes for an older root is dropped
};

} // namespace reposcope::ui
