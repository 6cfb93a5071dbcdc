// SPDX-License-Identifier: MIT
#include "local/localmodelsdialog.h"

#include "local/localmodelstable.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QThread>
#include <QThreadPool>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <limits>

namespace reposcope::ui {

namespace {

constexpr int kDefaultContext = 8192;
constexpr int kMinContext = 64;
constexpr int kMaxContextUnknown = 1 << 20; // a model that does not state its context

QString foldersKey() {
    return QStringLiteral("localModels/folders");
}

// Every place discovery looked, for the "nothing found" help.
QStringList searchedPlaces(const llm::DiscoveryRoots &roots) {
    QStringList places = roots.folders;
    places << roots.llamaCppCache << roots.huggingFaceHub << roots.lmStudio << roots.ollamaModels;
    places.removeAll(QString());
    return places;
}

} // namespace

LocalModelsDialog::LocalModelsDialog(QThreadPool *pool, QWidget *parent, RootsProvider roots,
                                     MemoryProvider memory)
    : QDialog(parent)
    , m_pool(pool)
    , m_rootsProvider(roots ? std::move(roots) : RootsProvider([](const QStringList &folders) {
        return llm::DiscoveryRoots::defaults(folders);
    }))
    , m_memoryProvider(memory ? std::move(memory) : MemoryProvider(&llm::availableMemoryBytes))
    , m_table(new models::LocalModelsTable(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_stack(new QStackedWidget(this))
    , m_help(new QLabel(this))
    , m_status(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Stop searching"), this))
    , m_context(new QSpinBox(this))
    , m_threads(new QSpinBox(this))
    , m_gpu(new QComboBox(this))
    , m_memory(new QLabel(this))
    , m_load(nullptr) {
    setWindowTitle(tr("Local Models"));
    resize(1100, 520);
    buildControls();
    connect(&m_watcher, &QFutureWatcher<QList<llm::LocalModel>>::finished, this,
            &LocalModelsDialog::onSearchFinished);
    rescan();
}

LocalModelsDialog::~LocalModelsDialog() {
    cancelSearch();
    m_watcher.waitForFinished(); // the worker reads only its own copies; this is short
}

void LocalModelsDialog::buildControls() {
    m_proxy->setSourceModel(m_table);
    m_proxy->setSortRole(models::LocalModelsTable::kSortRole);
    QStyle *st = style();
    m_table->setFitIcons({st->standardIcon(QStyle::SP_DialogApplyButton),
                          st->standardIcon(QStyle::SP_MessageBoxCritical),
                          st->standardIcon(QStyle::SP_MessageBoxWarning),
                          st->standardIcon(QStyle::SP_MessageBoxQuestion)});
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // discovery order until the user sorts
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    // Every column as wide as its content; the name takes what is left (long names elide).
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(models::LocalModelsTable::Name,
                                                     QHeaderView::Stretch);
    m_view->setTextElideMode(Qt::ElideMiddle);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LocalModelsDialog::onSelectionChanged);
    connect(m_view, &QTableView::doubleClicked, this, [this] {
        if (m_load->isEnabled())
            accept();
    });

    m_help->setObjectName(QStringLiteral("localModelsHelp"));
    m_help->setWordWrap(true);
    m_help->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_help->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_help->setMargin(12);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_help);

    m_status->setObjectName(QStringLiteral("localModelsStatus"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    connect(m_cancel, &QPushButton::clicked, this, &LocalModelsDialog::cancelSearch);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_cancel);

    const QSettings settings;
    m_context->setRange(kMinContext, kDefaultContext);
    m_context->setValue(kDefaultContext);
    m_context->setSingleStep(1024);
    m_context->setGroupSeparatorShown(true);
    m_context->setSuffix(tr(" tokens"));
    m_context->setToolTip(tr("The context size the engine is started with: the budget's cap. The "
                             "KV cache grows with it."));
    connect(m_context, &QSpinBox::valueChanged, this, &LocalModelsDialog::onContextChanged);
    m_threads->setRange(1, 256);
    m_threads->setValue(
        settings.value(QStringLiteral("localEngine/threads"), QThread::idealThreadCount()).toInt());
    m_threads->setToolTip(tr("CPU threads for the engine; more than the cores slows it down."));
    m_gpu->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_gpu->addItem(tr("CUDA (NVIDIA)"), QStringLiteral("cuda"));
    m_gpu->addItem(tr("Vulkan"), QStringLiteral("vulkan"));
    m_gpu->setCurrentIndex(std::max(
        0,
        m_gpu->findData(
            settings.value(QStringLiteral("localEngine/gpu"), QStringLiteral("cpu")).toString())));
    m_gpu->setToolTip(tr("Where the model runs. The memory estimate is compared with free RAM."));
    m_memory->setObjectName(QStringLiteral("localModelsMemory"));
    auto *settingsRow = new QHBoxLayout;
    auto *form = new QFormLayout;
    form->addRow(tr("Context"), m_context);
    auto *form2 = new QFormLayout;
    form2->addRow(tr("Threads"), m_threads);
    auto *form3 = new QFormLayout;
    form3->addRow(tr("Run on"), m_gpu);
    settingsRow->addLayout(form);
    settingsRow->addLayout(form2);
    settingsRow->addLayout(form3);
    settingsRow->addStretch(1);
    settingsRow->addWidget(m_memory);

    auto *buttons = new QDialogButtonBox(this);
    m_load = buttons->addButton(tr("Load"), QDialogButtonBox::AcceptRole);
    m_load->setDefault(true);
    m_load->setEnabled(false);
    buttons->addButton(QDialogButtonBox::Cancel);
    auto *addFolderButton = buttons->addButton(tr("Add folder…"), QDialogButtonBox::ActionRole);
    auto *openButton = buttons->addButton(tr("Open GGUF file…"), QDialogButtonBox::ActionRole);
    auto *rescanButton = buttons->addButton(tr("Search again"), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &LocalModelsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &LocalModelsDialog::reject);
    connect(addFolderButton, &QPushButton::clicked, this, &LocalModelsDialog::addFolder);
    connect(openButton, &QPushButton::clicked, this, &LocalModelsDialog::openFile);
    connect(rescanButton, &QPushButton::clicked, this, &LocalModelsDialog::rescan);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(statusRow);
    layout->addWidget(m_stack, 1);
    layout->addLayout(settingsRow);
    layout->addWidget(buttons);
}

QStringList LocalModelsDialog::userFolders() {
    return QSettings().value(foldersKey()).toStringList();
}

void LocalModelsDialog::setUserFolders(const QStringList &folders) {
    QSettings().setValue(foldersKey(), folders);
}

bool LocalModelsDialog::isSearching() const {
    return m_searching;
}

void LocalModelsDialog::cancelSearch() {
    if (m_cancelFlag)
        m_cancelFlag->store(true);
}

void LocalModelsDialog::rescan() {
    cancelSearch();
    m_watcher.waitForFinished(); // a cancelled search stops between two files
    m_roots = m_rootsProvider(userFolders());
    m_cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_searching = true;
    m_status->setText(tr("Searching for GGUF models…"));
    m_busy->show();
    m_cancel->show();
    m_stack->setCurrentWidget(m_view);
    m_watcher.setFuture(QtConcurrent::run(m_pool, [roots = m_roots, cancel = m_cancelFlag] {
        return llm::discoverLocalModels(roots, cancel.get());
    }));
}

void LocalModelsDialog::onSearchFinished() {
    const bool cancelled = m_cancelFlag && m_cancelFlag->load();
    m_searching = false;
    m_busy->hide();
    m_cancel->hide();
    updateMemory();
    QList<llm::LocalModel> models = m_watcher.result();
    for (const llm::LocalModel &opened : std::as_const(m_opened))
        if (std::none_of(models.cbegin(), models.cend(),
                         [&](const llm::LocalModel &m) { return m.path == opened.path; }))
            models.append(opened);
    m_table->setModels(std::move(models));
    const int count = m_table->rowCount();
    const int unreadable = int(std::count_if(m_table->models().cbegin(), m_table->models().cend(),
                                             [](const auto &m) { return !m.error.isEmpty(); }));
    QString status = cancelled ? tr("Search stopped: %n model(s) so far.", nullptr, count)
                               : tr("%n model(s) found.", nullptr, count);
    if (unreadable > 0)
        status += QLatin1Char(' ') + tr("%n cannot be read (greyed).", nullptr, unreadable);
    m_status->setText(status);
    showHelpOrTable();
    // Select the first model that can be loaded.
    for (int row = 0; row < count; ++row)
        if (m_table->model(row).error.isEmpty()) {
            m_view->selectRow(m_proxy->mapFromSource(m_table->index(row, 0)).row());
            break;
        }
    updateLoadButton();
    Q_EMIT searchFinished(count);
}

void LocalModelsDialog::updateMemory() {
    const qint64 available = m_memoryProvider();
    m_table->setAvailableBytes(available);
    m_memory->setText(
        available < 0
            ? tr("Free memory: unknown")
            : tr("Free memory: %1").arg(models::LocalModelsTable::formatBytes(available)));
}

void LocalModelsDialog::showHelpOrTable() {
    if (m_table->rowCount() > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    m_help->setText(helpText());
    m_stack->setCurrentWidget(m_help);
}

QString LocalModelsDialog::helpText() const {
    QString places;
    for (const QString &place : searchedPlaces(m_roots))
        places += QStringLiteral("<li><code>%1</code></li>").arg(place.toHtmlEscaped());
    return tr("<p><b>No GGUF model found.</b></p><p>RepoScope looked "
              "in:</p><ul>%1</ul>"
              "<p>Download a GGUF model (for example a Q4_K_M quantisation of a "
              "1–8 B instruct "
              "model) into one of these folders, or add your own folder with "
              "<b>Add "
              "folder…</b>, or pick a file with <b>Open GGUF file…</b>.</p>"
              "<p>Models that Ollama, LM Studio or llama.cpp (<code>llama-cli "
              "-hf …</code>) "
              "downloaded are found where those tools keep them.</p>")
        .arg(places);
}

int LocalModelsDialog::currentRow() const {
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_proxy->mapToSource(rows.first()).row();
}

bool LocalModelsDialog::selectModel(const QString &path) {
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->model(row).path == path) {
            m_view->selectRow(m_proxy->mapFromSource(m_table->index(row, 0)).row());
            return true;
        }
    return false;
}

void LocalModelsDialog::onSelectionChanged() {
    const int row = currentRow();
    if (row >= 0) {
        const llm::LocalModel &m = m_table->model(row);
        const qint64 trained = m.trainedContext > 0 ? m.trainedContext : kMaxContextUnknown;
        const int max = int(std::min<qint64>(trained, std::numeric_limits<int>::max()));
        QSignalBlocker block(m_context);
        m_context->setMaximum(max);
        // The user's own choice, else the default, capped at what the model was
        // trained for.
        const int wanted =
            QSettings().value(QStringLiteral("localEngine/context"), kDefaultContext).toInt();
        m_context->setValue(std::min(wanted, max));
        m_table->setContextTokens(m_context->value());
    }
    updateLoadButton();
}

void LocalModelsDialog::onContextChanged(int value) {
    QSettings().setValue(QStringLiteral("localEngine/context"), value);
    m_table->setContextTokens(value);
}

void LocalModelsDialog::updateLoadButton() {
    const int row = currentRow();
    m_load->setEnabled(row >= 0 && m_table->model(row).error.isEmpty());
}

LocalModelChoice LocalModelsDialog::choice() const {
    LocalModelChoice c;
    const int row = currentRow();
    if (row < 0)
        return c;
    const llm::LocalModel &m = m_table->model(row);
    c.path = m.path;
    c.displayName = m.displayName;
    c.trainedContext = m.trainedContext;
    c.contextSize = m_context->value();
    c.threads = m_threads->value();
    c.gpu = m_gpu->currentData().toString();
    return c;
}

void LocalModelsDialog::accept() {
    const int row = currentRow();
    if (row < 0 || !m_table->model(row).error.isEmpty())
        return;
    const llm::MemoryEstimate e = m_table->estimate(row);
    if (e.availableBytes >= 0 && !e.fits) {
        const auto answer = QMessageBox::question(
            this, tr("Load Model"),
            tr("%1 does not fit: at %2 tokens of context it %3.\n\nLoading it may "
               "make the "
               "machine swap or the engine fail. A smaller context or a smaller "
               "quantisation "
               "helps. Load anyway?")
                .arg(m_table->model(row).displayName)
                .arg(e.contextTokens)
                .arg(e.summary),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("localEngine/threads"), m_threads->value());
    settings.setValue(QStringLiteral("localEngine/gpu"), m_gpu->currentData().toString());
    QDialog::accept();
}

void LocalModelsDialog::addFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a Folder of GGUF Models"));
    if (dir.isEmpty())
        return;
    QStringList folders = userFolders();
    if (!folders.contains(dir))
        folders.append(dir);
    setUserFolders(folders);
    rescan();
}

void LocalModelsDialog::openFile() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open a GGUF Model"), QString(),
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (!file.isEmpty())
        addModelFile(file);
}

void LocalModelsDialog::addModelFile(const QString &path) {
    auto *watcher = new QFutureWatcher<llm::LocalModel>(this);
    connect(watcher, &QFutureWatcher<llm::LocalModel>::finished, this, [this, watcher] {
        const llm::LocalModel model = watcher->result();
        watcher->deleteLater();
        m_opened.append(model);
        updateMemory();
        const int row = m_table->addModel(model);
        showHelpOrTable();
        m_view->selectRow(m_proxy->mapFromSource(m_table->index(row, 0)).row());
        Q_EMIT modelFileAdded(row);
    });
    const QString name = QFileInfo(path).completeBaseName();
    watcher->setFuture(QtConcurrent::run(m_pool, [path, name] {
        return llm::inspectLocalModel(path, llm::modelsource::folder(), name);
    }));
}

} // namespace reposcope::ui
