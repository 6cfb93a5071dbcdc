// SPDX-License-Identifier: MIT
// Shared GoogleTest main: an offscreen QApplication (widget tests need one; the others
// are happy with it) and test-mode standard paths so tests never touch user settings.
#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

int main(int argc, char **argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("RepoScopeTests"));
    QApplication::setApplicationName(QStringLiteral("reposcope-tests"));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
