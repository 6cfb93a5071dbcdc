// SPDX-License-Identifier: MIT
#include "uitestsupport.h"

#include "eventloop.h"
#include "mainwindow.h"
#include "workspace/workspace.h"

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

llm::ModelEntry loadedModel(qint64 contextTokens) {
    llm::ModelEntry model;
    model.id = QStringLiteral("default");
    model.name = QStringLiteral("Loaded model");
    model.contextTokens = contextTokens;
    model.maxOutputTokens = 512;
    model.inputPerMillion = 0;
    model.outputPerMillion = 0;
    model.tokenizer = QStringLiteral("estimate");
    return model;
}

llm::ProviderEntry loopbackProvider(const QUrl &base, const QString &id, const QString &name) {
    llm::ProviderEntry provider;
    provider.id = id;
    provider.name = name;
    provider.kind = QStringLiteral("self-hosted");
    provider.baseUrl = base.toString();
    provider.auth = QStringLiteral("none");
    provider.models = {loadedModel()};
    return provider;
}

void useProvider(llm::ModelCatalog &catalog, const llm::ProviderEntry &provider) {
    catalog.upsertProvider(provider);
    QSettings().setValue(QStringLiteral("budget/provider"), provider.id);
}

void writeSqlDemo(ScratchRepo &repo) {
    repo.initGit();
    repo.write(QStringLiteral("app/db.py"),
               "def find(name):\n    return run(\"SELECT * FROM t WHERE n='\" + name)\n");
    repo.commitAll();
}

void ServicesTest::openInWindow(ui::MainWindow &window, const QString &path) {
    bool counted = false;
    // The connection ends with this call (a second open must not write to this frame).
    QObject context;
    QObject::connect(m_workspace.get(), &workspace::Workspace::countingFinished, &context,
                     [&] { counted = true; });
    window.openPath(path);
    ASSERT_TRUE(processEventsUntil([&] { return counted; }));
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
