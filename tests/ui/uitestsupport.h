// SPDX-License-Identifier: MIT
#pragma once

// Fixtures and helpers shared by the widget tests.

#include "llm/modelcatalog.h"
#include "workspacetest.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

namespace reposcope::test {

// WorkspaceTest plus what the widgets read besides the workspace: QSettings of this test
// only (so parallel test processes never see each other's remembered caps, reserve or
// recent list) and the model catalog loaded as the app loads it. TearDown() points
// QSettings back at the standard location; derived fixtures destroy their widgets first.
class ServicesTest : public WorkspaceTest {
protected:
    void SetUp() override;
    void TearDown() override;

    QTemporaryDir m_settingsDir;
    llm::ModelCatalog m_catalog;
    QStringList m_catalogWarnings; // what loading the catalog warned about
};

// Closes every modal dialog as soon as it is shown (QMessageBox::warning, exec()) and
// remembers the message boxes' texts, so code that opens one does not block the test.
// Polls every 10 ms on the thread that creates it (the UI thread).
class ModalCloser : public QObject {
public:
    ModalCloser();
    const QStringList &texts() const { return m_texts; }

private:
    QTimer m_timer;
    QStringList m_texts;
};

} // namespace reposcope::test
