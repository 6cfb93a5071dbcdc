// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace reposcope::ui {

class PresetsController;

// Selection ▸ Presets ▸ Manage Presets…: the presets of the open repository, to load, rename
// (F2 or Rename, edited in place) and delete. A deletion shows a "Deleted 'x' — Undo" strip;
// Ctrl+Z in the dialog undoes it too. The repository's own presets are listed but read-only.
class PresetsDialog : public QDialog {
    Q_OBJECT
public:
    PresetsDialog(PresetsController *controller, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    // The item of a preset, or null.
    QListWidgetItem *itemFor(const QString &name) const;

private:
    void rebuild();
    void updateButtons();
    void loadCurrent();
    void deleteCurrent();
    void undoDelete();
    void onItemChanged(QListWidgetItem *item);
    QString currentName() const;

    PresetsController *m_controller;
    QListWidget *m_list;
    QPushButton *m_load;
    QPushButton *m_rename;
    QPushButton *m_delete;
    QWidget *m_undoStrip;
    QLabel *m_undoLabel;
    QLabel *m_message;
    bool m_rebuilding = false;
};

} // namespace reposcope::ui
