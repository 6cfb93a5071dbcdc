// SPDX-License-Identifier: MIT
#include "repository/scanoptionsdialog.h"

#include <QCheckBox>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>

namespace reposcope::ui {

namespace {

QString groupFor(const QString &path) {
    return QStringLiteral("repositories/") +
           QString::fromLatin1(
               QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}

QStringList lines(const QPlainTextEdit *edit) {
    QStringList out;
    for (const QString &line : edit->toPlainText().split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

} // namespace

repo::ScanOptions loadScanOptions(const QString &path) {
    repo::ScanOptions o;
    o.path = path;
    QSettings s;
    s.beginGroup(groupFor(path));
    o.includeGlobs = s.value(QStringLiteral("include")).toStringList();
    o.excludeGlobs = s.value(QStringLiteral("exclude")).toStringList();
    o.sizeCap = s.value(QStringLiteral("sizeCap"), o.sizeCap).toLongLong();
    o.excludeLockFiles = s.value(QStringLiteral("lockFiles"), true).toBool();
    o.excludeGenerated = s.value(QStringLiteral("generated"), true).toBool();
    o.excludeVendored = s.value(QStringLiteral("vendored"), true).toBool();
    o.excludeSecretFiles = s.value(QStringLiteral("secretFiles"), true).toBool();
    return o;
}

void saveScanOptions(const repo::ScanOptions &o) {
    QSettings s;
    s.beginGroup(groupFor(o.path));
    s.setValue(QStringLiteral("path"), o.path);
    s.setValue(QStringLiteral("include"), o.includeGlobs);
    s.setValue(QStringLiteral("exclude"), o.excludeGlobs);
    s.setValue(QStringLiteral("sizeCap"), o.sizeCap);
    s.setValue(QStringLiteral("lockFiles"), o.excludeLockFiles);
    s.setValue(QStringLiteral("generated"), o.excludeGenerated);
    s.setValue(QStringLiteral("vendored"), o.excludeVendored);
    s.setValue(QStringLiteral("secretFiles"), o.excludeSecretFiles);
}

ScanOptionsDialog::ScanOptionsDialog(const repo::ScanOptions &options, QWidget *parent)
    : QDialog(parent)
    , m_base(options)
    , m_include(new QPlainTextEdit(this))
    , m_exclude(new QPlainTextEdit(this))
    , m_sizeCapKiB(new QSpinBox(this))
    , m_lockFiles(new QCheckBox(tr("Lock files (package-lock.json, Cargo.lock, go.sum, …)"), this))
    , m_generated(new QCheckBox(tr("Minified or generated files"), this))
    , m_vendored(new QCheckBox(
          tr("Vendored dependency folders (node_modules, vendor, third_party, …)"), this))
    , m_secretFiles(new QCheckBox(
          tr("Secret files (.env, *.pem, *.key, id_rsa, .npmrc, credentials*.json, …)"), this)) {
    setWindowTitle(tr("Files to scan — %1").arg(options.path));
    m_include->setPlaceholderText(
        tr("One glob per line, e.g. src/**  or  *.go  (empty: everything)"));
    m_exclude->setPlaceholderText(tr("One glob per line, e.g. **/testdata/**"));
    m_include->setPlainText(options.includeGlobs.join(QLatin1Char('\n')));
    m_exclude->setPlainText(options.excludeGlobs.join(QLatin1Char('\n')));
    m_sizeCapKiB->setRange(1, 1024 * 1024);
    m_sizeCapKiB->setSuffix(tr(" KiB"));
    m_sizeCapKiB->setValue(int(options.sizeCap / 1024));
    m_lockFiles->setChecked(options.excludeLockFiles);
    m_generated->setChecked(options.excludeGenerated);
    m_vendored->setChecked(options.excludeVendored);
    m_secretFiles->setChecked(options.excludeSecretFiles);

    auto *form = new QFormLayout(this);
    form->addRow(
        new QLabel(tr("Excluded files stay visible in the tree with their reason; tick one to "
                      "include it anyway."),
                   this));
    form->addRow(tr("Include globs"), m_include);
    form->addRow(tr("Exclude globs"), m_exclude);
    form->addRow(tr("Exclude files larger than"), m_sizeCapKiB);
    form->addRow(tr("Exclude by default"), m_lockFiles);
    form->addRow(QString(), m_generated);
    form->addRow(QString(), m_vendored);
    form->addRow(QString(), m_secretFiles);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

repo::ScanOptions ScanOptionsDialog::options() const {
    repo::ScanOptions o = m_base;
    o.includeGlobs = lines(m_include);
    o.excludeGlobs = lines(m_exclude);
    o.sizeCap = qint64(m_sizeCapKiB->value()) * 1024;
    o.excludeLockFiles = m_lockFiles->isChecked();
    o.excludeGenerated = m_generated->isChecked();
    o.excludeVendored = m_vendored->isChecked();
    o.excludeSecretFiles = m_secretFiles->isChecked();
    return o;
}

QStringList loadPins(const QString &path) {
    QSettings s;
    s.beginGroup(groupFor(path));
    return s.value(QStringLiteral("pins")).toStringList();
}

void savePins(const QString &path, const QStringList &pins) {
    QSettings s;
    s.beginGroup(groupFor(path));
    s.setValue(QStringLiteral("path"), path);
    if (pins.isEmpty())
        s.remove(QStringLiteral("pins"));
    else
        s.setValue(QStringLiteral("pins"), pins);
}

} // namespace reposcope::ui
