// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

#include <memory>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace reposcope::prompt {
class TaskTemplates;
}

namespace reposcope::ui {

// Settings ▸ Audit Templates: edit the title and prompt of each audit task, add new
// ones, reset a changed built-in one or remove an added one. Save validates and writes
// only the user's changes to `userFile` (a few KB, on the UI thread); the built-in
// templates stay in the resource. `templates` is changed in place on Save only.
class TaskTemplatesDialog : public QDialog {
    Q_OBJECT
public:
    TaskTemplatesDialog(prompt::TaskTemplates *templates, QString userFile,
                        QWidget *parent = nullptr);
    ~TaskTemplatesDialog() override;

Q_SIGNALS:
    void saved();

private:
    void reloadList(const QString &select = QString());
    void showCurrent();
    void storeCurrent();
    void addTemplate();
    void resetOrRemove();
    void save();

    prompt::TaskTemplates *m_templates;
    QString m_userFile;
    QListWidget *m_list;
    QLineEdit *m_title;
    QPlainTextEdit *m_prompt;
    QLabel *m_status;
    QPushButton *m_reset;
    QString m_shownId;
    std::unique_ptr<prompt::TaskTemplates> m_draft; // edits until Save
};

} // namespace reposcope::ui
