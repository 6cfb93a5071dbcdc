// SPDX-License-Identifier: MIT
#include "repository/presetscontroller.h"

#include "repotreemodel.h"
#include "workspace/presetselection.h"
#include "workspace/workspace.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

using workspace::PresetFile;
using workspace::RepositoryPresets;
using workspace::SelectionPreset;

PresetsController::PresetsController(workspace::Workspace *workspace, models::RepoTreeModel *model,
                                     QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_model(model) {
    connect(m_workspace, &workspace::Workspace::opened, this, &PresetsController::onOpened);
}

// A write in flight finishes on the pool: it holds copies only.
PresetsController::~PresetsController() = default;

void PresetsController::onOpened() {
    const prompt::Selection *sel = m_workspace->selection();
    const QString root = sel ? sel->snapshot().info().rootPath : QString();
    if (root == m_root && m_ready)
        return;
    m_root = root;
    m_ready = false;
    m_state = RepositoryPresets();
    m_deleted.reset();
    const int generation = ++m_generation;
    Q_EMIT presetsChanged();
    auto *watcher = new QFutureWatcher<RepositoryPresets>(this);
    connect(watcher, &QFutureWatcher<RepositoryPresets>::finished, this,
            [this, watcher, generation] {
                watcher->deleteLater();
                if (generation != m_generation)
                    return; // another repository opened meanwhile
                m_state = watcher->result();
                m_ready = true;
                for (const QString &problem : m_state.problems)
                    Q_EMIT problemOccurred(problem);
                Q_EMIT presetsChanged();
            });
    watcher->setFuture(QtConcurrent::run(m_workspace->pool(),
                                         [root] { return RepositoryPresets::loadFor(root); }));
}

Result<Ok> PresetsController::saveSelectionAs(const QString &name) {
    const Result<QString> checked = PresetFile::checkName(name);
    if (!checked)
        return checked.error();
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel || !m_ready)
        return Error::make(Error::Code::Usage,
                           tr("Open a repository first (its presets are still being read)."));
    if (m_state.userFileBroken)
        return Error::make(Error::Code::InvalidData,
                           tr("%1\nThe preset was not saved, so that file is not overwritten.")
                               .arg(m_state.problems.value(0)));
    m_state.user.put(workspace::presetFromSelection(*sel, *checked));
    changed();
    return Ok{};
}

bool PresetsController::load(const QString &name) {
    const SelectionPreset *preset = m_state.find(name);
    if (!preset || !m_workspace->selection())
        return false;
    const SelectionPreset copy = *preset;
    const workspace::PresetApplication app =
        workspace::applicationOf(*m_workspace->selection(), copy);
    m_model->editSelection(tr("Load Preset '%1'").arg(copy.name),
                           [&app](prompt::Selection &sel) { workspace::applyPreset(sel, app); });
    Q_EMIT presetLoaded(copy.name, app.missingMessage(copy.name));
    return true;
}

Result<Ok> PresetsController::rename(const QString &from, const QString &to) {
    if (!m_state.user.find(from))
        return Error::make(Error::Code::Usage,
                           tr("'%1' comes from the repository and cannot be renamed here; "
                              "save it under a new name instead.")
                               .arg(from));
    const Result<Ok> renamed = m_state.user.rename(from, to);
    if (!renamed)
        return renamed;
    changed();
    return Ok{};
}

bool PresetsController::remove(const QString &name) {
    const qsizetype index = m_state.user.indexOf(name);
    if (index < 0)
        return false;
    m_deleted = Deleted{*m_state.user.find(name), index};
    m_state.user.remove(name);
    changed();
    return true;
}

bool PresetsController::undoDelete() {
    if (!m_deleted)
        return false;
    m_state.user.insert(m_deleted->index, m_deleted->preset);
    m_deleted.reset();
    changed();
    return true;
}

void PresetsController::changed() {
    Q_EMIT presetsChanged();
    // The file and the presets of this change: a repository opened before the write starts
    // does not redirect it.
    m_pending = Pending{PresetFile::userFileFor(m_root), m_state.user};
    if (m_writing) {
        m_dirty = true; // written when the write in flight is done
        return;
    }
    writeNow();
}

void PresetsController::writeNow() {
    m_writing = true;
    m_dirty = false;
    const PresetFile copy = m_pending.presets;
    const QString file = m_pending.file;
    auto *watcher = new QFutureWatcher<Result<Ok>>(this);
    connect(watcher, &QFutureWatcher<Result<Ok>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result<Ok> saved = watcher->result();
        m_writing = false;
        if (!saved)
            Q_EMIT problemOccurred(saved.error().message);
        if (m_dirty)
            writeNow();
        else
            Q_EMIT written();
    });
    watcher->setFuture(
        QtConcurrent::run(m_workspace->pool(), [copy, file] { return copy.save(file); }));
}

} // namespace reposcope::ui
