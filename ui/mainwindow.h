// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

#include <optional>
#include <utility>

class QLabel;
class QMenu;
class QNetworkAccessManager;

namespace KSyntaxHighlighting {
class Repository;
}
namespace reposcope::workspace {
class SecretIndex;
class Workspace;
} // namespace reposcope::workspace
namespace reposcope::llm {
class EngineSupervisor;
class LatencyModel;
struct LocalModel;
class ModelCatalog;
} // namespace reposcope::llm
namespace reposcope::prompt {
class TaskTemplates;
}
namespace reposcope::security {
class ApiKeyStore;
}
namespace reposcope::models {
class RepoTreeModel;
}
namespace reposcope::tokenize {
class CorrectionStore;
class TokenizerRegistry;
} // namespace reposcope::tokenize

namespace reposcope::ui {

class BudgetMeter;
class ChatController;
class ChatPane;
class CodeViewer;
class CodeViewerPane;
class EngineStatus;
class FindingsController;
class FindingsPanel;
class OutgoingView;
class RepoPanel;

// Services the window is built from; created once in app/ and injected.
struct MainWindowServices {
    workspace::Workspace *workspace = nullptr;
    llm::ModelCatalog *catalog = nullptr;
    KSyntaxHighlighting::Repository *syntax = nullptr; // expensive: one per process
    tokenize::TokenizerRegistry *tokenizers = nullptr; // optional: without it, the estimator
    tokenize::CorrectionStore *corrections = nullptr;  // optional
    QNetworkAccessManager *network = nullptr;          // optional: without it, no chat backend
    security::ApiKeyStore *keys = nullptr;             // optional: environment variables only
    llm::LatencyModel *latency = nullptr;              // optional
    prompt::TaskTemplates *tasks = nullptr;            // optional
    llm::EngineSupervisor *engine = nullptr;           // optional: without it, no local engine
};

// Assembles the docks (repository, budget, chat, findings), the central code viewer, menus and
// actions. Panels own their behaviour; this class wires them together and handles
// opening (drop, File ▸ Open, recent list, command line).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowServices &services, QWidget *parent = nullptr);

    // Opens a folder or repository (a subfolder scopes the repository to it); ref empty
    // means the working tree.
    void openPath(const QString &path, const QString &ref = {});

    // Shows a repository-relative file in the viewer, at `line` if given (> 0); if no
    // repository is open yet, does so as soon as one is.
    // Puts `question` into the chat composer and sends it once the repository being
    // opened is counted (the --ask command-line option), as if typed and sent.
    void askWhenCounted(const QString &question);
    void viewFile(const QString &relativePath, int line = 0);
    // Runs this GGUF model in the local engine (the --local option; Model ▸ Local Models…)
    // and selects the "local" provider with the context size as its cap. contextSize 0:
    // min(trained context, 8192); threads 0: all cores; gpu "": the CPU. The file is read
    // off the UI thread first: a missing or unreadable one is reported in a message box
    // and the window stays usable. Needs MainWindowServices::engine.
    void loadLocalModel(const QString &path, int contextSize = 0, int threads = 0,
                        const QString &gpu = {});

    // The window's size when nothing is remembered: 1600×1000, or the screen's available
    // area when that is smaller.
    static QSize defaultWindowSize(const QRect &available);
    // The default layout for a window of `size`: docks in their places, sized so that the
    // repository tree shows all its columns, and the tree's default columns
    // (mainwindowlayout.cpp).
    void applyDefaultLayout(const QSize &size);
    // View ▸ Reset Layout: forgets the remembered layout and applies the default one.
    void resetLayout();

    RepoPanel *repoPanel() const { return m_repoPanel; }
    BudgetMeter *budgetMeter() const { return m_budget; }
    CodeViewer *codeViewer() const { return m_viewer; }
    FindingsPanel *findingsPanel() const { return m_findings; }
    FindingsController *findingsController() const { return m_findingsController; }
    models::RepoTreeModel *treeModel() const { return m_model; }
    workspace::SecretIndex *secretIndex() const { return m_secrets; }
    // Chat ▸ Review Secrets…: the review list of the selection's secrets (one per window).
    void reviewSecrets();
    EngineStatus *engineStatus() const { return m_engineStatus; } // null without an engine

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    // The remembered geometry, docks and columns (if on a screen), else the defaults; and
    // saving them on close (mainwindowlayout.cpp).
    void restoreLayout();
    void saveLayout();
    // The Findings dock under the chat, its controller and their wiring.
    void createFindings();
    // Images for the chat: "Attach as Image" in the tree (mainwindowimages.cpp).
    void createImages();
    // The background secret scan's marks in the tree, the strip's Review… button and
    // Chat ▸ Review Secrets… (mainwindowsecrets.cpp).
    void createSecretsGuard();
    // The local engine's menu (Model ▸ Local Models…), status widget and wiring
    // (mainwindowlocal.cpp); nothing without MainWindowServices::engine.
    void createLocalEngine();
    void chooseLocalModel();
    void startLocalEngine(const llm::LocalModel &model, int contextSize, int threads,
                          const QString &gpu);
    void rebuildRecentMenu();
    void chooseFolder();
    void chooseRef();
    void editScanOptions();
    void selectByGlob(bool select);
    void selectChangedSince();
    // Edit ▸ Undo / Redo of selection edits, Selection ▸ Reset to Defaults and Fit to
    // budget's result (mainwindowselection.cpp).
    void createEditMenu();
    void resetSelection();
    void fitToBudget(qint64 fixedTokens, qint64 cap, double tokensPerLine);
    // The tokenizer line in the status bar: at most a third of the window wide, so that a
    // message beside it stays readable; the whole line is its tooltip.
    void showTokenizerLine();
    void exportPack();
    void showFile(int node, int line = 0);
    // Loads the chosen model's tokenizer off the UI thread and counts with it.
    void applyModelTokenizer();
    // The chat learned a correction for approximate counts: show it in the meter.
    void refreshCorrection();
    void editProviders();
    void editTaskTemplates();
    void sendComposerWhenReady(int triesLeft);
    // Chat ▸ What Leaves the Machine… (Ctrl+Shift+L) and the confirmation strip's button:
    // the next request's exact text (mainwindowoutgoing.cpp).
    void createChatMenu();
    void showWhatLeaves();

    MainWindowServices m_services;
    models::RepoTreeModel *m_model;
    workspace::SecretIndex *m_secrets; // the open repository's secrets, found in the background
    RepoPanel *m_repoPanel;
    BudgetMeter *m_budget;
    ChatPane *m_chat;
    ChatController *m_chatController = nullptr;
    FindingsPanel *m_findings = nullptr;
    FindingsController *m_findingsController = nullptr;
    EngineStatus *m_engineStatus = nullptr;
    OutgoingView *m_outgoing = nullptr;
    QString m_pendingAsk;
    CodeViewer *m_viewer;
    CodeViewerPane *m_viewerPane = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_undoAction = nullptr;
    QLabel *m_statusLabel;
    QByteArray m_defaultDockState; // saveState() right after the docks are built
    QString m_pendingView;
    int m_pendingLine = 0;
    int m_tokenizerRequest = 0; // only the latest model choice is applied
    bool m_tokenizerLoading = false;
    std::optional<std::pair<QString, QString>> m_openAfterTokenizer; // path, ref
};

} // namespace reposcope::ui
