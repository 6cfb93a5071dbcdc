// SPDX-License-Identifier: MIT
// Secret files (.env, keys, credentials) are left out by default like lock files, and the
// files-to-scan dialog can take them back in, remembered per repository.
#include "repository/scanoptionsdialog.h"

#include <QCheckBox>
#include <QUuid>

#include <gtest/gtest.h>

using namespace reposcope;

namespace {

QCheckBox *secretFilesBox(ui::ScanOptionsDialog &dialog) {
    for (QCheckBox *box : dialog.findChildren<QCheckBox *>())
        if (box->text().startsWith(QStringLiteral("Secret files")))
            return box;
    return nullptr;
}

} // namespace

TEST(ScanOptionsDialog, SecretFilesAreLeftOutByDefaultAndCanBeTakenBackIn) {
    const QString path = QStringLiteral("/tmp/scan-options-") + QUuid::createUuid().toString();
    repo::ScanOptions options = ui::loadScanOptions(path);
    EXPECT_TRUE(options.excludeSecretFiles);

    ui::ScanOptionsDialog dialog(options);
    QCheckBox *box = secretFilesBox(dialog);
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->isChecked());
    box->setChecked(false);
    options = dialog.options();
    EXPECT_FALSE(options.excludeSecretFiles);
    EXPECT_TRUE(options.excludeLockFiles); // the others keep their defaults

    ui::saveScanOptions(options);
    EXPECT_FALSE(ui::loadScanOptions(path).excludeSecretFiles);
    ui::ScanOptionsDialog again(ui::loadScanOptions(path));
    ASSERT_NE(secretFilesBox(again), nullptr);
    EXPECT_FALSE(secretFilesBox(again)->isChecked());
}
