// SPDX-License-Identifier: MIT
#include "mainwindow.h"
#include "budget/uncountedconfirm.h"
#include "quitconfirm.h"

#include "budget/budgetbar.h"
#include "budget/budgetmeter.h"
#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "findings/findingscontroller.h"
#include "findings/findingsmodel.h"
#include "findings/findingspanel.h"
#include "findings/triage.h"
#include "prompt/budget.h"
#include "prompt/packwriter.h"
#include "prompt/tasktemplates.h"
#include "repo/contentreader.h"
#include "repo/refs.h"
#include "repository/presetsmenu.h"
#include "repository/recentrepositories.h"
#include "repository/repopanel.h"
#include "repository/scanoptionsdialog.h"
#include "repository/startfolder.h"
#include "repotreemodel.h"
#include "settings/providersdialog.h"
#include "settings/tasktemplatesdialog.h"
#include "text/textdecoder.h"
#include "tokenize/correctionstore.h"
#include "tokenize/tokenizerregistry.h"
#include "tokenmap/tokenmappanel.h"
#include "transcript/transcriptview.h"
#include "viewer/codeviewer.h"
#include "viewer/codeviewerpane.h"
#include "viewer/viewerfileload.h"
#include "workspace/chatsession.h"
#include "workspace/findingstracker.h"
#include "workspace/secretindex.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileIconProvider>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QTreeView>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

namespace {

const QString kOpenDialog = QStringLiteral("open");
const QString kExportPackDialog = QStringLiteral("exportPack");

QString localFolderFrom(const QMimeData *mime) {
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir())
            return info.absoluteFilePath();
    }
    return {};
}

// Runs `work` on the pool and hands its result to `done` on the UI thread.
template <typename T, typename Work, typename Done>
void runInBackground(QObject *context, QThreadPool *pool, Work work, Done done) {
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

} // namespace

MainWindow::MainWindow(const MainWindowServices &services, QWidget *parent)
    : QMainWindow(parent)
    , m_services(services)
    , m_model(new models::RepoTreeModel(services.workspace, this))
    , m_secrets(new workspace::SecretIndex(services.workspace, this))
    , m_repoPanel(new RepoPanel(services.workspace, m_model, this))
    , m_budget(new BudgetMeter(services.workspace, services.catalog, this))
    , m_chat(new ChatPane(services.syntax, this))
    , m_viewer(new CodeViewer(*services.syntax, this))
    , m_statusLabel(new QLabel(this)) {
    setWindowTitle(tr("RepoScope"));
    setAcceptDrops(true);
    QFileIconProvider icons;
    m_model->setIcons(icons.icon(QFileIconProvider::Folder), icons.icon(QFileIconProvider::File));

    auto *viewerPane = m_viewerPane =
        new CodeViewerPane(m_viewer, services.workspace->pool(), this);
    viewerPane->setRepoInfoProvider([workspace = services.workspace] {
        const repo::SnapshotPtr snapshot = workspace->snapshot();
        return snapshot ? std::optional(snapshot->info()) : std::nullopt;
    });
    setCentralWidget(viewerPane); // find bar and blame strip under the viewer
    auto addDock = [this](QWidget *widget, const QString &title, const QString &name,
                          Qt::DockWidgetArea area) {
        auto *dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        addDockWidget(area, dock);
        return dock;
    };
    addDock(m_repoPanel, tr("Repository"), QStringLiteral("repositoryDock"),
            Qt::LeftDockWidgetArea);
    addDock(m_budget, tr("Budget"), QStringLiteral("budgetDock"), Qt::LeftDockWidgetArea);
    addDock(m_chat, tr("Chat"), QStringLiteral("chatDock"), Qt::RightDockWidgetArea);
    statusBar()->addPermanentWidget(m_statusLabel);

    connect(m_model, &models::RepoTreeModel::selectionTotalsChanged, m_budget,
            &BudgetMeter::refresh);
    connect(m_budget, &BudgetMeter::fitRequested, this, &MainWindow::fitToBudget);
    connect(m_budget->budgetBar(), &BudgetBar::folderClicked, m_repoPanel, &RepoPanel::revealNode);
    m_repoPanel->tokenMap()->setCapProvider([this] { return m_budget->contextCap(); });
    if (services.network) {
        m_chatController = new ChatController(
            {services.workspace, services.network, services.catalog, services.keys,
             services.latency, services.corrections, services.tasks, services.engine, m_secrets},
            m_budget, m_chat, this);
        connect(m_model, &models::RepoTreeModel::selectionTotalsChanged, m_chatController,
                &ChatController::refreshSummary);
        connect(m_chatController, &ChatController::correctionLearned, this,
                &MainWindow::refreshCorrection);
    }
    connect(m_budget, &BudgetMeter::modelChanged, this, &MainWindow::applyModelTokenizer);
    connect(m_repoPanel, &RepoPanel::fileActivated, this, [this](int node) { showFile(node); });
    connect(services.workspace, &workspace::Workspace::scanFailed, this,
            [this](const Error &error) {
                QMessageBox::warning(this, tr("Could not open"), error.message);
            });
    connect(services.workspace, &workspace::Workspace::opened, this, [this] {
        const repo::RepoInfo &info = m_services.workspace->snapshot()->info();
        setWindowTitle(tr("%1 — RepoScope").arg(QFileInfo(info.rootPath).fileName()));
        showTokenizerLine();
        if (!m_pendingView.isEmpty())
            viewFile(std::exchange(m_pendingView, QString()), m_pendingLine);
    });

    connect(services.workspace, &workspace::Workspace::countingFinished, this,
            [this](bool cancelled) {
                if (cancelled || m_pendingAsk.isEmpty())
                    return;
                m_chat->setComposerText(std::exchange(m_pendingAsk, QString()));
                sendComposerWhenReady(50);
            });

    createFindings();
    createImages();
    createActions();
    createSecretsGuard();
    applyModelTokenizer();
    restoreLayout();
}

void MainWindow::createActions() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Folder or Repository…"), QKeySequence::Open, this,
                    &MainWindow::chooseFolder);
    file->addAction(tr("Audit a &Commit, Branch or Tag…"), QKeySequence(tr("Ctrl+Shift+O")), this,
                    &MainWindow::chooseRef);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addAction(tr("Files to &Scan…"), this, &MainWindow::editScanOptions);
    file->addSeparator();
    file->addAction(tr("&Export Pack…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportPack);
    file->addAction(m_findingsController->exportAction());
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    createEditMenu();

    QMenu *select = menuBar()->addMenu(tr("&Selection"));
    select->addAction(tr("&Select by Glob…"), QKeySequence(tr("Ctrl+Shift+A")), this,
                      [this] { selectByGlob(true); });
    select->addAction(tr("&Deselect by Glob…"), QKeySequence(tr("Ctrl+Shift+D")), this,
                      [this] { selectByGlob(false); });
    select->addAction(tr("&Invert Selection"), QKeySequence(tr("Ctrl+I")), this,
                      [this] { m_model->invertSelection(); });
    select->addAction(tr("Select Files &Changed Since…"), QKeySequence(tr("Ctrl+Shift+C")), this,
                      &MainWindow::selectChangedSince);
    select->addSeparator();
    select->addAction(tr("&Fit to Budget"), QKeySequence(tr("Ctrl+Shift+F")), m_budget,
                      &BudgetMeter::requestFit);
    select->addAction(tr("&Reset to Defaults"), this, &MainWindow::resetSelection);
    select->addSeparator();
    PresetsMenu::install(select, m_services.workspace, m_model, this);
    // Esc stops what runs: the chat request first, else the counting.
    select->addAction(tr("Stop (Chat Request or Counting)"), QKeySequence(Qt::Key_Escape), this,
                      [this] {
                          if (m_chatController && m_chatController->session()->isBusy())
                              m_chatController->session()->stop();
                          else
                              m_services.workspace->cancel();
                      });

    createChatMenu();

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_viewer->goToLineAction());
    view->addSeparator();
    view->addActions(m_findingsController->navigationActions()); // F8, Shift+F8, Alt+Down/Up
    // One Ctrl+F: find in the shown file while the focus is in the viewer's pane (or
    // anywhere but the tree when a file is shown), else filter the tree by name.
    view->addAction(tr("&Find"), QKeySequence::Find, this, [this] {
        QWidget *focus = QApplication::focusWidget();
        const bool inTree = focus && m_repoPanel->isAncestorOf(focus);
        if (!inTree && !m_viewer->currentPath().isEmpty()) {
            m_viewerPane->findAction()->trigger();
            return;
        }
        if (auto *filter = m_repoPanel->findChild<QLineEdit *>())
            filter->setFocus();
    });
    view->addAction(m_viewerPane->blameAction());
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("Reset &Layout"), this, &MainWindow::resetLayout)
        ->setObjectName(QStringLiteral("resetLayoutAction"));

    createLocalEngine(); // the Model menu goes here, before Settings

    QMenu *settings = menuBar()->addMenu(tr("Se&ttings"));
    settings->addAction(tr("&Providers and API Keys…"), QKeySequence(tr("Ctrl+,")), this,
                        &MainWindow::editProviders);
    settings->addAction(tr("&Audit Templates…"), this, &MainWindow::editTaskTemplates);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RepoScope"), this, [this] {
        QMessageBox::about(this, tr("About RepoScope"),
                           tr("<b>RepoScope %1</b><p>Interactive audits of whole repositories with "
                              "long-context language models.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = recentRepositories();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openPath(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::openPath(const QString &path, const QString &ref) {
    if (m_tokenizerLoading) {
        // Opening now would count with the old tokenizer and again once the new one is in.
        m_openAfterTokenizer.emplace(path, ref);
        return;
    }
    repo::ScanOptions options = loadScanOptions(QFileInfo(path).absoluteFilePath());
    options.ref = ref;
    addRecentRepository(options.path);
    rebuildRecentMenu();
    m_viewer->clear();
    m_services.workspace->open(options);
}

namespace {

// A dropped folder is opened, never moved: accept as a copy (or a link, when that is all
// the source offers), whatever the source proposed. A file manager that is told "move"
// deletes the folder once the drop is done.
void acceptAsCopyOrLink(QDropEvent *event) {
    const Qt::DropActions offered = event->possibleActions();
    if (offered & Qt::CopyAction)
        event->setDropAction(Qt::CopyAction);
    else if (offered & Qt::LinkAction)
        event->setDropAction(Qt::LinkAction);
    else {
        // Only a move is offered: refuse rather than let the source delete the folder.
        event->setDropAction(Qt::IgnoreAction);
        event->ignore();
        return;
    }
    event->accept();
}

} // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    if (!localFolderFrom(event->mimeData()).isEmpty())
        acceptAsCopyOrLink(event);
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event) {
    if (!localFolderFrom(event->mimeData()).isEmpty())
        acceptAsCopyOrLink(event);
}

void MainWindow::dropEvent(QDropEvent *event) {
    const QString folder = localFolderFrom(event->mimeData());
    if (folder.isEmpty())
        return;
    acceptAsCopyOrLink(event);
    if (event->isAccepted())
        openPath(folder);
}

void MainWindow::closeEvent(QCloseEvent *event) {
    if (m_chatController && m_chatController->session()->isBusy()) {
        if (!confirmQuitWhileBusy(this)) {
            event->ignore();
            return;
        }
        m_chatController->session()->stop();
    }
    m_services.workspace->cancel();
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Folder or Repository"),
                                                          dialogStartFolder(kOpenDialog));
    if (dir.isEmpty())
        return;
    // The folder above the repository: the next one is likely a sibling.
    rememberDialogFolder(kOpenDialog, QFileInfo(dir).absolutePath());
    openPath(dir);
}

void MainWindow::chooseRef() {
    const repo::SnapshotPtr snap = m_services.workspace->snapshot();
    if (!snap || !snap->info().isGit) {
        QMessageBox::information(this, tr("Audit a commit"), tr("Open a git repository first."));
        return;
    }
    const QString path = m_services.workspace->options().path;
    runInBackground<Result<QStringList>>(
        this, m_services.workspace->pool(), [path] { return repo::listReferences(path); },
        [this, path](const Result<QStringList> &refs) {
            QStringList items{tr("(working tree)")};
            if (refs)
                items += *refs;
            bool ok = false;
            const QString choice =
                QInputDialog::getItem(this, tr("Audit a Commit, Branch or Tag"),
                                      tr("Contents then come from git's object database, not the "
                                         "disk.\nBranch, tag or commit:"),
                                      items, 0, true, &ok);
            if (ok)
                openPath(path, choice == items.first() ? QString() : choice.trimmed());
        });
}

void MainWindow::editScanOptions() {
    ScanOptionsDialog dialog(m_services.workspace->options(), this);
    if (m_services.workspace->options().path.isEmpty() || dialog.exec() != QDialog::Accepted)
        return;
    repo::ScanOptions options = dialog.options();
    saveScanOptions(options);
    m_services.workspace->open(options);
}

void MainWindow::selectChangedSince() {
    const repo::SnapshotPtr snap = m_services.workspace->snapshot();
    if (!snap || !snap->info().isGit)
        return;
    bool ok = false;
    const QString ref =
        QInputDialog::getText(this, tr("Select Files Changed Since"),
                              tr("Branch, tag or commit to compare with (e.g. main):"),
                              QLineEdit::Normal, QStringLiteral("main"), &ok);
    if (!ok || ref.trimmed().isEmpty())
        return;
    const QString path = snap->info().rootPath;
    runInBackground<Result<QList<QByteArray>>>(
        this, m_services.workspace->pool(),
        [path, ref] { return repo::changedFilesSince(path, ref.trimmed()); },
        [this, ref](const Result<QList<QByteArray>> &changed) {
            if (!changed) {
                QMessageBox::warning(this, tr("Select Files Changed Since"),
                                     changed.error().message);
                return;
            }
            const int n = m_model->selectOnly(*changed);
            statusBar()->showMessage(
                tr("%Ln file(s) changed since %1 selected", nullptr, n).arg(ref), 8000);
        });
}

void MainWindow::exportPack() {
    prompt::Selection *sel = m_services.workspace->selection();
    if (!sel) {
        QMessageBox::information(this, tr("Export Pack"), tr("Open a repository first."));
        return;
    }
    if (!confirmUncounted(this, *sel, tr("Export")))
        return;
    const QString fileName = QFileDialog::getSaveFileName(
        this, tr("Export Pack"), dialogStartPath(kExportPackDialog, QStringLiteral("pack.xml")),
        tr("XML pack (*.xml);;Markdown pack (*.md)"));
    if (fileName.isEmpty())
        return;
    rememberDialogFolder(kExportPackDialog, fileName);
    prompt::PackOptions options;
    options.format = fileName.endsWith(QLatin1String(".md")) ? prompt::PackOptions::Format::Markdown
                                                             : prompt::PackOptions::Format::Xml;
    options.lineNumbers = m_budget->lineNumbers();
    const repo::SnapshotPtr snap = sel->snapshotPtr();
    const std::vector<int> files = sel->selectedFiles();
    QThreadPool *pool = m_services.workspace->pool();
    statusBar()->showMessage(tr("Writing %1…").arg(fileName));
    runInBackground<Result<prompt::PackStats>>(
        this, pool,
        [snap, files, options, fileName, pool]() -> Result<prompt::PackStats> {
            QSaveFile out(fileName);
            if (!out.open(QIODevice::WriteOnly))
                return Error::make(
                    Error::Code::Io,
                    QStringLiteral("cannot write %1: %2").arg(fileName, out.errorString()));
            Result<prompt::PackStats> stats =
                prompt::writePack(*snap, files, prompt::PackFormat(options), out, pool);
            if (stats && !out.commit())
                return Error::make(Error::Code::Io,
                                   QStringLiteral("cannot save %1: %2 (is the disk full?)")
                                       .arg(fileName, out.errorString()));
            return stats;
        },
        [this, fileName](const Result<prompt::PackStats> &stats) {
            if (!stats) {
                QMessageBox::warning(this, tr("Export Pack"), stats.error().message);
                return;
            }
            QString text = tr("Wrote %Ln file(s) to %1", nullptr, stats->files).arg(fileName);
            if (!stats->problems.isEmpty())
                text += tr(" — %Ln skipped (see the log)", nullptr, int(stats->problems.size()));
            statusBar()->showMessage(text, 10000);
        });
}

void MainWindow::applyModelTokenizer() {
    const llm::ModelEntry *model = m_budget->currentModel();
    if (!m_services.tokenizers || !model)
        return;
    const int request = ++m_tokenizerRequest;
    m_tokenizerLoading = true;
    m_services.workspace->setTokenizerPending(); // the meter must not show old counts as final
    const QString name = model->tokenizer;
    const bool exact = model->tokenizerExact;
    const QString userFile = m_budget->tokenizerFileSetting();
    const QString providerId = m_budget->currentProviderId();
    const QString modelId = model->id;
    tokenize::TokenizerRegistry *registry = m_services.tokenizers;
    statusBar()->showMessage(
        tr("Loading the %1 tokenizer…").arg(userFile.isEmpty() ? name : userFile));
    runInBackground<tokenize::TokenizerChoice>(
        this, m_services.workspace->pool(),
        [registry, name, exact, userFile] { return registry->resolve(name, exact, userFile); },
        [this, request, providerId, modelId](const tokenize::TokenizerChoice &choice) {
            if (request != m_tokenizerRequest)
                return; // the user picked another model meanwhile
            m_tokenizerLoading = false;
            statusBar()->clearMessage();
            // With an open waiting, count once: with the new tokenizer, in the new repository.
            m_services.workspace->setTokenizer(choice.tokenizer, choice.exactForModel,
                                               !m_openAfterTokenizer.has_value());
            tokenize::Correction correction;
            if (m_services.corrections)
                correction = m_services.corrections->correction(
                    tokenize::CorrectionStore::keyFor(providerId, modelId, choice.tokenizer->id()));
            m_budget->setTokenizerInfo(choice.note, correction);
            showTokenizerLine();
            if (m_openAfterTokenizer) {
                const auto [path, ref] = *std::exchange(m_openAfterTokenizer, std::nullopt);
                openPath(path, ref);
            }
        });
}

void MainWindow::askWhenCounted(const QString &question) {
    m_pendingAsk = question;
}

void MainWindow::sendComposerWhenReady(int triesLeft) {
    // The chat target may still be resolving (the key lookup is asynchronous): Send is
    // enabled once it is ready. Give up after the tries, leaving the question typed.
    auto *send = m_chat->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    if (!send)
        return;
    if (send->isEnabled() && send->isVisible()) {
        send->click();
        return;
    }
    if (triesLeft > 0)
        QTimer::singleShot(200, this, [this, triesLeft] { sendComposerWhenReady(triesLeft - 1); });
}

void MainWindow::editProviders() {
    auto *dialog = new ProvidersDialog({m_services.catalog, m_services.keys, m_services.network,
                                        llm::ModelCatalog::defaultUserFile()},
                                       this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->selectProvider(m_budget->currentProviderId());
    connect(dialog, &ProvidersDialog::catalogSaved, this, [this] {
        m_budget->reloadCatalog();
        if (m_chatController)
            m_chatController->refreshTarget();
    });
    // A key saved or removed changes what the chat can send with.
    connect(dialog, &QDialog::finished, this, [this] {
        if (m_chatController)
            m_chatController->refreshTarget();
    });
    dialog->open();
}

void MainWindow::editTaskTemplates() {
    if (!m_services.tasks)
        return;
    auto *dialog =
        new TaskTemplatesDialog(m_services.tasks, prompt::TaskTemplates::defaultUserFile(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TaskTemplatesDialog::saved, this, [this] {
        if (m_chatController)
            m_chatController->reloadTasks();
    });
    dialog->open();
}

void MainWindow::refreshCorrection() {
    const llm::ModelEntry *model = m_budget->currentModel();
    if (!model || !m_services.corrections)
        return;
    m_budget->setCorrection(m_services.corrections->correction(tokenize::CorrectionStore::keyFor(
        m_budget->currentProviderId(), model->id, m_services.workspace->tokenizer().id())));
    showTokenizerLine();
}

void MainWindow::viewFile(const QString &relativePath, int line) {
    const repo::SnapshotPtr snap = m_services.workspace->snapshot();
    if (!snap) {
        m_pendingView = relativePath;
        m_pendingLine = line;
        return;
    }
    const int node = snap->findVisible(relativePath);
    if (node <= 0 || snap->isDirectory(node)) {
        statusBar()->showMessage(tr("%1 is not a file of this repository").arg(relativePath), 8000);
        return;
    }
    m_repoPanel->revealNode(node);
    showFile(node, line);
}

void MainWindow::showFile(int node, int line) {
    const repo::SnapshotPtr snap = m_services.workspace->snapshot();
    if (!snap)
        return;
    const repo::ScannedFile file = snap->file(node);
    if (file.kind != repo::EntryKind::File)
        return;
    const QString path = snap->visiblePath(node); // the form findings cite
    runInBackground<ViewerFile>(
        this, m_services.workspace->pool(), [snap, file] { return loadForViewer(*snap, file); },
        [this, path, line](const ViewerFile &loaded) {
            if (!loaded.problem.isEmpty()) {
                m_viewer->clear();
                statusBar()->showMessage(path + QStringLiteral(": ") + loaded.problem, 8000);
                return;
            }
            m_viewer->showText(path, loaded.text);
            if (line > 0)
                m_viewer->goToLine(line);
        });
}

} // namespace reposcope::ui
