// SPDX-License-Identifier: MIT
// Settings ▸ Audit Templates: edits stay in the dialog until Save, which writes only the
// user's changes; a changed built-in template can be reset.
#include "prompt/tasktemplates.h"
#include "settings/tasktemplatesdialog.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using reposcope::prompt::TaskTemplates;
using reposcope::ui::TaskTemplatesDialog;

namespace {

QPushButton *saveButton(TaskTemplatesDialog &dialog) {
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
}

} // namespace

TEST(TaskTemplatesDialog, EditsAreSavedOnlyOnSaveAndSurviveAReload) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("tasks.json"));
    QStringList warnings;
    TaskTemplates templates = TaskTemplates::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty());
    const QString id = templates.templates().constFirst().id;
    const QString original = templates.templates().constFirst().prompt;

    TaskTemplatesDialog dialog(&templates, file);
    auto *list = dialog.findChild<QListWidget *>(QStringLiteral("templateList"));
    auto *title = dialog.findChild<QLineEdit *>(QStringLiteral("templateTitle"));
    auto *prompt = dialog.findChild<QPlainTextEdit *>(QStringLiteral("templatePrompt"));
    ASSERT_TRUE(list && title && prompt);
    ASSERT_EQ(list->count(), templates.templates().size());
    list->setCurrentRow(0);
    prompt->setPlainText(QStringLiteral("Only the auth layer, please.\n{findings_format}"));
    title->setText(QStringLiteral("Auth review"));
    // For looking at it: REPOSCOPE_SCREENSHOT_DIR=/tmp ... --gtest_filter=TaskTemplatesDialog*
    if (const QString shots = qEnvironmentVariable("REPOSCOPE_SCREENSHOT_DIR"); !shots.isEmpty()) {
        dialog.show();
        dialog.grab().save(shots + QStringLiteral("/task-templates-dialog.png"));
    }
    // Not applied before Save.
    EXPECT_EQ(templates.find(id)->prompt, original);
    int saved = 0;
    QObject::connect(&dialog, &TaskTemplatesDialog::saved, &dialog, [&saved] { ++saved; });
    saveButton(dialog)->click();
    EXPECT_EQ(saved, 1);
    EXPECT_EQ(templates.find(id)->title, QStringLiteral("Auth review"));
    EXPECT_TRUE(templates.isModified(id));

    const TaskTemplates reloaded = TaskTemplates::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(reloaded.find(id)->prompt,
              QStringLiteral("Only the auth layer, please.\n{findings_format}"));
    EXPECT_TRUE(reloaded.promptFor(id).startsWith(QStringLiteral("Only the auth layer")));
    EXPECT_FALSE(reloaded.promptFor(id).contains(QStringLiteral("{findings_format}")));
}

TEST(TaskTemplatesDialog, ResetGivesTheBuiltInTextBack) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("tasks.json"));
    QStringList warnings;
    TaskTemplates templates = TaskTemplates::load(file, &warnings);
    const QString id = templates.templates().constFirst().id;
    const QString original = templates.templates().constFirst().prompt;
    {
        TaskTemplatesDialog dialog(&templates, file);
        dialog.findChild<QListWidget *>(QStringLiteral("templateList"))->setCurrentRow(0);
        dialog.findChild<QPlainTextEdit *>(QStringLiteral("templatePrompt"))
            ->setPlainText(QStringLiteral("changed"));
        saveButton(dialog)->click();
    }
    ASSERT_TRUE(templates.isModified(id));
    TaskTemplatesDialog dialog(&templates, file);
    dialog.findChild<QListWidget *>(QStringLiteral("templateList"))->setCurrentRow(0);
    QPushButton *reset = nullptr;
    for (QPushButton *b : dialog.findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("Reset to Built-in"))
            reset = b;
    ASSERT_NE(reset, nullptr);
    ASSERT_TRUE(reset->isEnabled());
    reset->click();
    saveButton(dialog)->click();
    EXPECT_FALSE(templates.isModified(id));
    EXPECT_EQ(templates.find(id)->prompt, original);
}
