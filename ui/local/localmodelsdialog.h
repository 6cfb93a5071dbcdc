// SPDX-License-Identifier: MIT
#pragma once

#include "llm/local/localmodels.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QList>

#include <atomic>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QModelIndex;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStackedWidget;
class QTableView;
class QThreadPool;

namespace reposcope::models {
class LocalModelsTable;
} // namespace reposcope::models

namespace reposcope::ui {

// What the user chose to load: the engine's settings for one model.
struct LocalModelChoice {
    QString path;        // the GGUF file (first part of a split model)
    QString displayName; // as listed
    qint64 trainedContext = 0;
    int contextSize = 0; // tokens; never above the trained context
    int threads = 0;
    QString gpu; // "cpu", "cuda", "vulkan"
};

// Model ▸ Local Models…: the GGUF models found in the user's folders and the
// caches of llama.cpp, Hugging Face, LM Studio and Ollama, each with its shape
// and whether it fits in free memory at the chosen context; context, threads
// and GPU settings; Load. Discovery runs on the injected pool (never the UI
// thread) and is cancelled, then waited for, when the dialog goes. The user's
// folders are kept in QSettings
// ("localModels/folders"). UI thread only.
class LocalModelsDialog : public QDialog {
    Q_OBJECT
public:
    // Where to search for the user's folders; the default is
    // DiscoveryRoots::defaults.
    using RootsProvider = std::function<llm::DiscoveryRoots(const QStringList &userFolders)>;
    // Free memory in bytes, < 0 when unknown; the default is
    // availableMemoryBytes().
    using MemoryProvider = std::function<qint64()>;

    // Starts searching at once. `pool` must outlive the dialog.
    LocalModelsDialog(QThreadPool *pool, QWidget *parent = nullptr, RootsProvider roots = {},
                      MemoryProvider memory = {});
    ~LocalModelsDialog() override; // cancels the search and waits for it

    // Searches again (after a folder was added); a search in flight is cancelled
    // first.
    void rescan();
    void cancelSearch();
    // True from rescan() until the results are shown (searchFinished).
    bool isSearching() const;
    // Adds one file (Open GGUF file…) and selects it; reads its header on the
    // pool.
    void addModelFile(const QString &path);
    // Selects the row of `path` if listed.
    bool selectModel(const QString &path);
    // The user's own folders, as saved in QSettings.
    static QStringList userFolders();
    static void setUserFolders(const QStringList &folders);

    LocalModelChoice choice() const;
    models::LocalModelsTable *table() const { return m_table; }

    void accept() override; // asks first when the chosen model does not fit

Q_SIGNALS:
    void searchFinished(int models);
    void modelFileAdded(int row);

private:
    void buildControls();
    void onSearchFinished();
    void onSelectionChanged();
    void onContextChanged(int value);
    void addFolder();
    void openFile();
    void showHelpOrTable();
    QString helpText() const;
    int currentRow() const; // row in the table model, -1 when none
    void updateLoadButton();
    void updateMemory();

    QThreadPool *m_pool;
    RootsProvider m_rootsProvider;
    MemoryProvider m_memoryProvider;
    llm::DiscoveryRoots m_roots; // of the last search
    models::LocalModelsTable *m_table;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QStackedWidget *m_stack;
    QLabel *m_help;
    QLabel *m_status;
    QProgressBar *m_busy;
    QPushButton *m_cancel;
    QSpinBox *m_context;
    QSpinBox *m_threads;
    QComboBox *m_gpu;
    QLabel *m_memory;
    QPushButton *m_load;
    QList<llm::LocalModel> m_opened; // files opened by hand: kept across searches
    QFutureWatcher<QList<llm::LocalModel>> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancelFlag;
    bool m_searching = false; // until onSearchFinished() ran (the watcher's signal is queued)
};

} // namespace reposcope::ui
