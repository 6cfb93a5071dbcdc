// SPDX-License-Identifier: MIT
#pragma once

// Fixtures and helpers shared by the widget tests.

#include "llm/catalog/modelcatalog.h"
#include "scratchrepo.h"
#include "workspacetest.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

namespace reposcope::ui {
class MainWindow;
}

namespace reposcope::test {

// WorkspaceTest plus what the widgets read besides the workspace: QSettings of this test
// only (so parallel test processes never see each other's remembered caps, reserve or
// recent list) and the model catalog loaded as the app loads it. TearDown() points
// QSettings back at the standard location; derived fixtures destroy their widgets first.
class ServicesTest : public WorkspaceTest {
protected:
    void SetUp() override;
    void TearDown() override;

    // Opens `path` in `window` (as File > Open does) and waits until its tokens are counted.
    void openInWindow(ui::MainWindow &window, const QString &path);

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

// The model a llama-server reports as loaded: id "default", "Loaded model", 512 output
// tokens, priced at 0, the "estimate" tokenizer.
llm::ModelEntry loadedModel(qint64 contextTokens = 32768);

// A keyless self-hosted provider at `base` (a ScriptedServer's baseUrl()) serving
// loadedModel(), like a llama-server on loopback. Callers set what their test needs
// (capSource, returnProgress, models) before useProvider().
llm::ProviderEntry loopbackProvider(const QUrl &base,
                                    const QString &id = QStringLiteral("test-llama"),
                                    const QString &name = QStringLiteral("Test llama-server"));

// Puts `provider` into `catalog` and makes it the Budget combo's choice (budget/provider).
void useProvider(llm::ModelCatalog &catalog, const llm::ProviderEntry &provider);

// Makes `repo` a git repository with one commit holding app/db.py, a find() that builds
// its SQL by concatenation.
void writeSqlDemo(ScratchRepo &repo);

} // namespace reposcope::test
