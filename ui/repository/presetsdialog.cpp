// SPDX-License-Identifier: MIT
#include "repository/presetsdialog.h"

#include "repository/presetscontroller.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace reposcope::ui {

namespace {
constexpr int NameRole = Qt::UserRole + 1;
}

PresetsDialog::PresetsDialog(PresetsController *controller, QWidget *parent)
    : QDialog(parent)
    , m_controller(controller)
    , m_list(new QListWidget(this))
    , m_load(new QPushButton(tr("&Load"), this))
    , m_rename(new QPushButton(tr("&Rename"), this))
    , m_delete(new QPushButton(tr("&Delete"), this))
    , m_undoStrip(new QWidget(this))
    , m_undoLabel(new QLabel(m_undoStrip))
    , m_message(new QLabel(this)) {
    setObjectName(QStringLiteral("presetsDialog"));
    setWindowTitle(tr("Manage Presets"));
    m_list->setObjectName(QStringLiteral("presetList"));
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_load->setObjectName(QStringLiteral("loadPresetButton"));
    m_rename->setObjectName(QStringLiteral("renamePresetButton"));
    m_delete->setObjectName(QStringLiteral("deletePresetButton"));
    m_load->setDefault(true);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("presetMessage"));

    auto *undoButton = new QPushButton(tr("&Undo"), m_undoStrip);
    undoButton->setObjectName(QStringLiteral("undoDeleteButton"));
    auto *strip = new QHBoxLayout(m_undoStrip);
    strip->setContentsMargins(0, 0, 0, 0);
    strip->addWidget(m_undoLabel, 1);
    strip->addWidget(undoButton);
    m_undoStrip->setVisible(false);

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_load);
    buttons->addWidget(m_rename);
    buttons->addWidget(m_delete);
    buttons->addStretch();
    auto *row = new QHBoxLayout;
    row->addWidget(m_list, 1);
    row->addLayout(buttons);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("Presets of this repository (F2 renames, Delete deletes):"), this));
    layout->addLayout(row, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_undoStrip);
    layout->addWidget(close);
    resize(460, 320);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_load, &QPushButton::clicked, this, &PresetsDialog::loadCurrent);
    connect(m_rename, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_list->currentItem())
            m_list->editItem(item);
    });
    connect(m_delete, &QPushButton::clicked, this, &PresetsDialog::deleteCurrent);
    connect(undoButton, &QPushButton::clicked, this, &PresetsDialog::undoDelete);
    auto *undoKey = new QShortcut(QKeySequence::Undo, this);
    connect(undoKey, &QShortcut::activated, this, &PresetsDialog::undoDelete);
    auto *deleteKey = new QShortcut(QKeySequence::Delete, m_list);
    deleteKey->setContext(Qt::WidgetShortcut);
    connect(deleteKey, &QShortcut::activated, this, &PresetsDialog::deleteCurrent);
    connect(m_list, &QListWidget::itemActivated, this, &PresetsDialog::loadCurrent);
    connect(m_list, &QListWidget::currentItemChanged, this, &PresetsDialog::updateButtons);
    connect(m_list, &QListWidget::itemChanged, this, &PresetsDialog::onItemChanged);
    connect(m_controller, &PresetsController::presetsChanged, this, &PresetsDialog::rebuild);
    rebuild();
}

QListWidgetItem *PresetsDialog::itemFor(const QString &name) const {
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(NameRole).toString() == name)
            return m_list->item(i);
    return nullptr;
}

QString PresetsDialog::currentName() const {
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(NameRole).toString() : QString();
}

void PresetsDialog::rebuild() {
    m_rebuilding = true;
    const QString current = currentName();
    m_list->clear();
    for (const workspace::SelectionPreset &p : m_controller->presets()) {
        auto *item = new QListWidgetItem(p.name, m_list);
        item->setData(NameRole, p.name);
        QString tip = tr("%n path(s)", nullptr, int(p.paths.size()));
        if (!p.globs.isEmpty())
            tip += tr(", %n glob(s)", nullptr, int(p.globs.size()));
        if (p.fromRepository) {
            item->setText(tr("%1  (from the repository)").arg(p.name));
            tip += tr("\nCommitted in .reposcope/presets.json: read-only here.");
        } else {
            item->setFlags(item->flags() | Qt::ItemIsEditable);
        }
        item->setToolTip(tip);
    }
    if (QListWidgetItem *item = itemFor(current))
        m_list->setCurrentItem(item);
    else if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    m_rebuilding = false;
    updateButtons();
}

void PresetsDialog::updateButtons() {
    const QString name = currentName();
    const bool mine = !name.isEmpty() && m_controller->hasUserPreset(name);
    m_load->setEnabled(!name.isEmpty());
    m_rename->setEnabled(mine);
    m_delete->setEnabled(mine);
    m_undoStrip->setVisible(m_controller->canUndoDelete());
    if (m_controller->canUndoDelete())
        m_undoLabel->setText(tr("Deleted '%1' — Ctrl+Z or Undo brings it back.")
                                 .arg(m_controller->lastDeletedName()));
}

void PresetsDialog::loadCurrent() {
    const QString name = currentName();
    if (name.isEmpty() || !m_controller->load(name))
        return;
    m_message->setText(tr("Loaded '%1' (Ctrl+Z in the main window brings the previous selection "
                          "back).")
                           .arg(name));
}

void PresetsDialog::deleteCurrent() {
    const QString name = currentName();
    if (!name.isEmpty() && m_controller->remove(name))
        m_message->clear(); // the undo strip says it
}

void PresetsDialog::undoDelete() {
    const QString name = m_controller->lastDeletedName();
    if (!m_controller->undoDelete())
        return;
    m_message->setText(tr("'%1' is back.").arg(name));
    if (QListWidgetItem *item = itemFor(name))
        m_list->setCurrentItem(item);
}

void PresetsDialog::onItemChanged(QListWidgetItem *item) {
    if (m_rebuilding)
        return;
    const QString from = item->data(NameRole).toString();
    const QString to = item->text().trimmed();
    if (to == from)
        return;
    const Result<Ok> renamed = m_controller->rename(from, to);
    if (!renamed) {
        m_message->setText(tr("Not renamed: %1").arg(renamed.error().message));
        m_rebuilding = true;
        item->setText(from);
        m_rebuilding = false;
        return;
    }
    m_message->setText(tr("Renamed '%1' to '%2'.").arg(from, to));
    if (QListWidgetItem *renamedItem = itemFor(to))
        m_list->setCurrentItem(renamedItem);
}

} // namespace reposcope::ui
