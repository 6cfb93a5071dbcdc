// SPDX-License-Identifier: MIT
// MainWindow's local engine: Model ▸ Local Models…, the engine's state in the
// status bar, and selecting the "local" provider when a model is loaded (split
// from mainwindow.cpp).
#include "mainwindow.h"

#include "chat/chatformat.h"

#include "budget/budgetmeter.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"
#include "llm/local/localmodels.h"
#include "local/enginestatus.h"
#include "local/localmodelsdialog.h"
#include "workspace/workspace.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

namespace {

constexpr int kDefaultLocalContext = 8192;

} // namespace

void MainWindow::createLocalEngine() {
    llm::EngineSupervisor *engine = m_services.engine;
    if (!engine)
        return;
    QMenu *model = menuBar()->addMenu(tr("&Model"));
    model->addAction(tr("&Local Models…"), QKeySequence(tr("Ctrl+L")), this,
                     &MainWindow::chooseLocalModel);
    model->addAction(tr("&Stop the Local Engine"), engine, &llm::EngineSupervisor::stop);

    m_engineStatus = new EngineStatus(this);
    statusBar()->addPermanentWidget(m_engineStatus);
    m_engineStatus->attach(engine);
    connect(engine, &llm::EngineSupervisor::ready, this, [this, engine] {
        statusBar()->showMessage(
            tr("The local engine is ready: %1 (loaded in %2)")
                .arg(engine->info().model, chatformat::duration(engine->info().loadMs)),
            8000);
    });
}

void MainWindow::chooseLocalModel() {
    if (!m_services.engine)
        return;
    auto *dialog = new LocalModelsDialog(m_services.workspace->pool(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString running = m_services.engine->config().modelPath;
    if (!running.isEmpty())
        connect(dialog, &LocalModelsDialog::searchFinished, dialog,
                [dialog, running] { dialog->selectModel(running); });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const LocalModelChoice c = dialog->choice();
        loadLocalModel(c.path, c.contextSize, c.threads, c.gpu);
    });
    dialog->open();
}

void MainWindow::loadLocalModel(const QString &path, int contextSize, int threads,
                                const QString &gpu) {
    if (!m_services.engine)
        return;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    auto *watcher = new QFutureWatcher<llm::LocalModel>(this);
    connect(watcher, &QFutureWatcher<llm::LocalModel>::finished, this,
            [this, watcher, contextSize, threads, gpu] {
                const llm::LocalModel model = watcher->result();
                watcher->deleteLater();
                if (!model.error.isEmpty()) {
                    const QString message =
                        tr("Could not load the local model: %1").arg(model.error);
                    statusBar()->showMessage(message, 15000);
                    auto *box = new QMessageBox(QMessageBox::Warning, tr("Local Model"), message,
                                                QMessageBox::Close, this);
                    box->setInformativeText(
                        tr("Pick another model in Model ▸ Local Models… (Ctrl+L)."));
                    box->setAttribute(Qt::WA_DeleteOnClose);
                    box->open();
                    return;
                }
                startLocalEngine(model, contextSize, threads, gpu);
            });
    watcher->setFuture(QtConcurrent::run(m_services.workspace->pool(), [absolute] {
        if (!QFileInfo(absolute).isFile()) {
            llm::LocalModel missing;
            missing.path = absolute;
            missing.error = QStringLiteral("%1: no such file").arg(absolute);
            return missing;
        }
        return llm::inspectLocalModel(absolute, llm::modelsource::folder(),
                                      QFileInfo(absolute).completeBaseName());
    }));
}

void MainWindow::startLocalEngine(const llm::LocalModel &model, int contextSize, int threads,
                                  const QString &gpu) {
    int context = contextSize > 0 ? contextSize : kDefaultLocalContext;
    if (model.trainedContext > 0)
        context = int(std::min<qint64>(context, model.trainedContext));
    llm::EngineConfig config;
    config.modelPath = model.path;
    config.contextSize = context;
    config.threads = threads;
    config.gpu = gpu.isEmpty() ? QStringLiteral("cpu") : gpu;
    // Started first, so the chat sees "starting" rather than a previous model's
    // engine.
    m_services.engine->start(config);

    const llm::ProviderEntry *known = m_services.catalog->builtInProvider(llm::localProviderId());
    if (!known)
        known = m_services.catalog->provider(llm::localProviderId());
    const std::optional<llm::ProviderEntry> builtIn =
        known ? std::optional(*known) : std::nullopt; // a copy: upsert replaces the entry
    const llm::ProviderEntry provider =
        llm::localProviderEntry(builtIn ? &*builtIn : nullptr, model.path, context);
    m_services.catalog->upsertProvider(provider);
    // The cap is the context the engine runs with; the GGUF's own vocabulary
    // counts exactly.
    m_budget->selectModelWith(provider.id, provider.models.constFirst().id, context, model.path);
}

} // namespace reposcope::ui
