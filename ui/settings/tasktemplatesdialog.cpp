// SPDX-License-Identifier: MIT
#include "settings/tasktemplatesdialog.h"

#include "prompt/tasktemplates.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace reposcope::ui {

TaskTemplatesDialog::TaskTemplatesDialog(prompt::TaskTemplates *templates, QString userFile,
                                         QWidget *parent)
    : QDialog(parent)
    , m_templates(templates)
    , m_userFile(std::move(userFile))
    , m_list(new QListWidget(this))
    , m_title(new QLineEdit(this))
    , m_prompt(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_reset(new QPushButton(tr("Reset"), this))
    , m_draft(std::make_unique<prompt::TaskTemplates>(*templates)) {
    setWindowTitle(tr("Audit Templates"));
    resize(900, 560);
    m_list->setObjectName(QStringLiteral("templateList"));
    m_title->setObjectName(QStringLiteral("templateTitle"));
    m_prompt->setObjectName(QStringLiteral("templatePrompt"));
    m_status->setWordWrap(true);
    m_prompt->setToolTip(tr("%1 is replaced by the findings format every template shares.")
                             .arg(QLatin1String(prompt::TaskTemplates::kFindingsPlaceholder)));

    auto *add = new QPushButton(tr("New…"), this);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_reset);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    auto *form = new QFormLayout;
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Prompt"), m_prompt);
    auto *right = new QVBoxLayout;
    right->addLayout(form, 1);
    right->addWidget(m_status);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        storeCurrent();
        showCurrent();
    });
    connect(add, &QPushButton::clicked, this, &TaskTemplatesDialog::addTemplate);
    connect(m_reset, &QPushButton::clicked, this, &TaskTemplatesDialog::resetOrRemove);
    connect(buttons, &QDialogButtonBox::accepted, this, &TaskTemplatesDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    reloadList();
}

TaskTemplatesDialog::~TaskTemplatesDialog() = default;

void TaskTemplatesDialog::reloadList(const QString &select) {
    const QSignalBlocker block(m_list);
    m_list->clear();
    int row = 0;
    for (const prompt::TaskTemplate &t : m_draft->templates()) {
        auto *item = new QListWidgetItem(t.title, m_list);
        item->setData(Qt::UserRole, t.id);
        if (m_draft->isBuiltIn(t.id) && m_draft->isModified(t.id))
            item->setText(t.title + tr(" (changed)"));
        if (t.id == select)
            row = m_list->count() - 1;
    }
    m_list->setCurrentRow(m_list->count() > 0 ? row : -1);
    showCurrent();
}

void TaskTemplatesDialog::showCurrent() {
    const QListWidgetItem *item = m_list->currentItem();
    m_shownId = item ? item->data(Qt::UserRole).toString() : QString();
    const prompt::TaskTemplate *t = m_draft->find(m_shownId);
    m_title->setText(t ? t->title : QString());
    m_prompt->setPlainText(t ? t->prompt : QString());
    m_title->setEnabled(t != nullptr);
    m_prompt->setEnabled(t != nullptr);
    const bool builtIn = t && m_draft->isBuiltIn(t->id);
    m_reset->setText(builtIn ? tr("Reset to Built-in") : tr("Remove"));
    m_reset->setEnabled(t && (!builtIn || m_draft->isModified(t->id)));
}

void TaskTemplatesDialog::storeCurrent() {
    const prompt::TaskTemplate *t = m_draft->find(m_shownId);
    if (!t || (t->title == m_title->text() && t->prompt == m_prompt->toPlainText()))
        return;
    prompt::TaskTemplate edited = *t;
    edited.title = m_title->text().trimmed();
    edited.prompt = m_prompt->toPlainText();
    QString why;
    if (!m_draft->upsert(edited, &why))
        m_status->setText(tr("Not kept: %1").arg(why));
}

void TaskTemplatesDialog::addTemplate() {
    storeCurrent();
    bool ok = false;
    const QString title = QInputDialog::getText(this, tr("New Audit Template"), tr("Title:"),
                                                QLineEdit::Normal, QString(), &ok)
                              .trimmed();
    if (!ok || title.isEmpty())
        return;
    QString id = title.toLower();
    id.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    id = id.section(QLatin1Char('-'), 0, -1, QString::SectionSkipEmpty);
    if (id.isEmpty())
        id = QStringLiteral("task");
    const QString base = id;
    for (int n = 2; m_draft->find(id); ++n)
        id = base + QLatin1Char('-') + QString::number(n);
    prompt::TaskTemplate t{id, title, QString(),
                           tr("Describe the audit here.\n\n%1")
                               .arg(QLatin1String(prompt::TaskTemplates::kFindingsPlaceholder))};
    QString why;
    if (!m_draft->upsert(t, &why)) {
        m_status->setText(tr("Could not add it: %1").arg(why));
        return;
    }
    reloadList(id);
}

void TaskTemplatesDialog::resetOrRemove() {
    if (m_shownId.isEmpty())
        return;
    m_draft->removeOrReset(m_shownId);
    reloadList(m_shownId);
}

void TaskTemplatesDialog::save() {
    storeCurrent();
    const Result<Ok> written = m_draft->save(m_userFile);
    if (!written) {
        m_status->setText(tr("Not saved: %1").arg(written.error().message));
        return;
    }
    *m_templates = *m_draft;
    Q_EMIT saved();
    accept();
}

} // namespace reposcope::ui
