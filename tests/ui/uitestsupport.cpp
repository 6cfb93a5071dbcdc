// SPDX-License-Identifier: MIT
#include "uitestsupport.h"

#include <QApplication>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

namespace reposcope::test {

namespace {

void setUserSettingsPath(const QString &path) {
    for (QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
        QSettings::setPath(format, QSettings::UserScope, path);
}

} // namespace

void ServicesTest::SetUp() {
    ASSERT_TRUE(m_settingsDir.isValid());
    setUserSettingsPath(m_settingsDir.path());
    ASSERT_TRUE(QSettings().fileName().startsWith(m_settingsDir.path()))
        << QSettings().fileName().toStdString();
    ASSERT_NO_FATAL_FAILURE(WorkspaceTest::SetUp());
    m_catalog = llm::ModelCatalog::load(llm::ModelCatalog::defaultUserFile(), &m_catalogWarnings);
}

void ServicesTest::TearDown() {
    WorkspaceTest::TearDown();
    setUserSettingsPath(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));
}

ModalCloser::ModalCloser() {
    m_timer.setInterval(10);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        QWidget *modal = QApplication::activeModalWidget();
        if (!modal)
            return;
        if (auto *box = qobject_cast<QMessageBox *>(modal))
            m_texts << box->text();
        else
            m_texts << modal->windowTitle();
        modal->close();
    });
    m_timer.start();
}

} // namespace reposcope::test
