// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"

#include <QDialog>

class QCheckBox;
class QPlainTextEdit;
class QSpinBox;

namespace reposcope::ui {

// Edits what a scan includes: include/exclude globs and the default exclusion rules.
// Remembered per repository (see loadScanOptions / saveScanOptions).
class ScanOptionsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ScanOptionsDialog(const repo::ScanOptions &options, QWidget *parent = nullptr);
    repo::ScanOptions options() const;

private:
    repo::ScanOptions m_base;
    QPlainTextEdit *m_include;
    QPlainTextEdit *m_exclude;
    QSpinBox *m_sizeCapKiB;
    QCheckBox *m_lockFiles;
    QCheckBox *m_generated;
    QCheckBox *m_vendored;
    QCheckBox *m_secretFiles;
};

// Per-repository settings, keyed by the path that was opened.
repo::ScanOptions loadScanOptions(const QString &path);
void saveScanOptions(const repo::ScanOptions &options);
// Files and folders pinned for "Fit to budget" (repository-relative paths), per repository.
QStringList loadPins(const QString &path);
void savePins(const QString &path, const QStringList &pins);

} // namespace reposcope::ui
