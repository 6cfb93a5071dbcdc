// SPDX-License-Identifier: MIT
#include "repository/presetsmenu.h"

#include "repository/presetscontroller.h"
#include "repository/presetsdialog.h"

#include <QInputDialog>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>

namespace reposcope::ui {

PresetsMenu::PresetsMenu(PresetsController *controller, QWidget *parent)
    : QMenu(tr("&Presets"), parent)
    , m_controller(controller) {
    setObjectName(QStringLiteral("presetsMenu"));
    connect(m_controller, &PresetsController::presetsChanged, this, &PresetsMenu::rebuild);
    rebuild();
}

PresetsMenu *PresetsMenu::install(QMenu *into, workspace::Workspace *workspace,
                                  models::RepoTreeModel *model, QMainWindow *window) {
    auto *controller = new PresetsController(workspace, model, window);
    controller->setObjectName(QStringLiteral("presetsController"));
    auto *menu = new PresetsMenu(controller, window);
    into->addMenu(menu);
    connect(controller, &PresetsController::presetLoaded, window,
            [window](const QString &name, const QString &missing) {
                window->statusBar()->showMessage(
                    missing.isEmpty()
                        ? tr("Loaded preset '%1' (Ctrl+Z brings the previous selection back).")
                              .arg(name)
                        : tr("Loaded preset '%1'. %2.").arg(name, missing),
                    missing.isEmpty() ? 6000 : 20000);
            });
    connect(controller, &PresetsController::problemOccurred, window,
            [window](const QString &message) { window->statusBar()->showMessage(message, 20000); });
    return menu;
}

void PresetsMenu::rebuild() {
    clear();
    QAction *save =
        addAction(tr("&Save Selection as Preset…"), this, &PresetsMenu::saveSelectionInteractively);
    save->setObjectName(QStringLiteral("savePresetAction"));
    save->setEnabled(m_controller->isReady());
    addSeparator();
    const QList<workspace::SelectionPreset> presets = m_controller->presets();
    if (presets.isEmpty()) {
        QAction *none = addAction(m_controller->isReady() ? tr("No presets for this repository")
                                                          : tr("No repository open"));
        none->setEnabled(false);
    }
    int shortcutDigit = 1;
    for (const workspace::SelectionPreset &p : presets) {
        QString label = p.name;
        label.replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (shortcutDigit <= 9)
            label = QStringLiteral("&%1 ").arg(shortcutDigit++) + label;
        if (p.fromRepository)
            label += tr("  (from the repository)");
        QAction *entry =
            addAction(label, this, [this, name = p.name] { m_controller->load(name); });
        entry->setData(p.name);
        entry->setToolTip(
            tr("%n path(s)", nullptr, int(p.paths.size())) +
            (p.globs.isEmpty() ? QString() : tr(", %n glob(s)", nullptr, int(p.globs.size()))));
    }
    addSeparator();
    QAction *manage = addAction(tr("&Manage Presets…"), this, &PresetsMenu::openManageDialog);
    manage->setObjectName(QStringLiteral("managePresetsAction"));
    manage->setEnabled(m_controller->isReady());
}

void PresetsMenu::saveSelectionInteractively() {
    QWidget *owner = parentWidget() ? parentWidget()->window() : nullptr;
    QString name;
    for (;;) {
        bool ok = false;
        name = QInputDialog::getText(owner, tr("Save Selection as Preset"),
                                     tr("Name (e.g. backend only, security surface):"),
                                     QLineEdit::Normal, name, &ok);
        if (!ok)
            return;
        name = name.trimmed();
        if (m_controller->hasUserPreset(name) &&
            QMessageBox::question(owner, tr("Replace Preset"),
                                  tr("There is already a preset named '%1'. Replace it with the "
                                     "current selection?")
                                      .arg(name)) != QMessageBox::Yes)
            continue;
        const Result<Ok> saved = m_controller->saveSelectionAs(name);
        if (saved)
            return;
        QMessageBox::warning(owner, tr("Preset Not Saved"), saved.error().message);
        if (saved.error().code != Error::Code::Usage)
            return;
    }
}

void PresetsMenu::openManageDialog() {
    QWidget *owner = parentWidget() ? parentWidget()->window() : nullptr;
    auto *dialog = new PresetsDialog(m_controller, owner);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace reposcope::ui
