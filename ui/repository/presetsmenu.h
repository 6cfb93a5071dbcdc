// SPDX-License-Identifier: MIT
#pragma once

#include <QMenu>

class QMainWindow;

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::models {
class RepoTreeModel;
}

namespace reposcope::ui {

class PresetsController;

// Selection ▸ Presets: "Save Selection as Preset…", one entry per preset (loading it is one
// undo step) and "Manage Presets…". Rebuilt whenever the presets change.
class PresetsMenu : public QMenu {
    Q_OBJECT
public:
    PresetsMenu(PresetsController *controller, QWidget *parent = nullptr);

    // Adds Selection ▸ Presets to `into`: makes the controller (a child of `window`, named
    // "presetsController") and reports loads and problems in the window's status bar.
    static PresetsMenu *install(QMenu *into, workspace::Workspace *workspace,
                                models::RepoTreeModel *model, QMainWindow *window);

    // Asks for a name (and whether to replace a preset of that name), then saves.
    void saveSelectionInteractively();
    void openManageDialog();

private:
    void rebuild();

    PresetsController *m_controller;
};

} // namespace reposcope::ui
