// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "findings/findingsexport.h"
#include "findings/findingspanel.h"
#include "findings/triage.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QThreadPool;
class QUrl;

namespace reposcope::workspace {
class ChatSession;
class FindingsTracker;
class Workspace;
} // namespace reposcope::workspace

namespace reposcope::models {
class FindingsModel;
} // namespace reposcope::models

namespace reposcope::ui {

class CodeViewer;

/// Wires findings to the rest of the window: a FindingsTracker feeds the
/// panel's model; triage verdicts are loaded from the repository's TriageStore
/// and saved on every change; activating a finding, a flow step or a citation
/// link in the chat opens the location in the code viewer; export writes SARIF,
/// Markdown or CSV.
///
/// Navigation shows the text the question was asked on (the tracker's
/// SourceSet: the pack's bytes, the file at the audited commit), so the lines
/// that were verified are the lines shown even when the disk changed since; for
/// a working-tree audit the disk is compared off the UI thread and the status
/// bar says when it differs. Only verified and corrected locations are jumped
/// to and highlighted; an unverified one opens its file (when the path
/// resolved) at the top without a highlight, and the reason is always shown.
/// Messages go through statusMessage().
///
/// Not a widget; UI thread only. The panel, its model and the viewer are not
/// owned and must outlive the controller; so must the tracker, or be unset
/// first.
class FindingsController : public QObject {
    Q_OBJECT
public:
    using ContextProvider = std::function<findings::ExportContext()>;

    FindingsController(FindingsPanel *panel, CodeViewer *viewer, QThreadPool *pool,
                       QObject *parent = nullptr);
    ~FindingsController() override;

    /// Follows `tracker` (null: none; the panel empties).
    void setTracker(workspace::FindingsTracker *tracker);
    workspace::FindingsTracker *tracker() const;

    /// A repository was opened: its root (for the on-disk comparison; empty:
    /// none) and the ref audited ("" for the working tree, where the disk is
    /// compared).
    void setRepository(const QString &root, const QString &ref);
    /// Loads the triage store at `path` (TriageStore::defaultPathFor(root) in the
    /// app). A corrupt file is reported and left untouched: verdicts are then not
    /// saved.
    Result<Ok> openTriageStore(const QString &path);
    const findings::TriageStore *triageStore() const { return m_store.get(); }

    /// What exports say about the run (repository, commit, provider, model,
    /// question).
    void setContextProvider(ContextProvider provider) { m_context = std::move(provider); }
    /// The context from the open repository and the chat session's last question.
    static findings::ExportContext contextFor(workspace::Workspace *workspace,
                                              workspace::ChatSession *session);

    /// Opens finding `row` (the model's row, the tracker's index). Returns true
    /// when the viewer was moved to its lines (verified or corrected).
    bool openFinding(int row);
    /// Opens step `step` of finding `row`'s data flow.
    bool openFlowStep(int row, int step);
    /// A citation link from the chat: resolved by the tracker, then opened like a
    /// finding.
    bool openCitation(const findings::Citation &citation);
    /// Opens `url` when it is a citation link; false (nothing done) for any other
    /// URL.
    bool openUrl(const QUrl &url);

    /// Next / Previous Finding (F8, Shift+F8, as IDEs step through problems) and Next /
    /// Previous Data-Flow Step (Alt+Down, Alt+Up), for a menu; owned by the controller.
    QList<QAction *> navigationActions() const { return m_navigationActions; }
    /// File ▸ Export Findings… (Ctrl+Shift+E): the file dialog, every format.
    QAction *exportAction() const { return m_exportAction; }

    void nextFinding() { stepFinding(1); }
    void previousFinding() { stepFinding(-1); }
    void nextFlowStep() { walkFlow(1); }
    void previousFlowStep() { walkFlow(-1); }

    /// Writes every finding, with its verification and triage, to `path`
    /// (atomically).
    Result<Ok> exportTo(const QString &path, FindingsFormat format) const;
    /// Asks for a file (the format preselected, or chosen by its filter) and
    /// exports; failure is shown in a message box.
    void exportWithDialog(std::optional<FindingsFormat> format, QWidget *dialogParent);
    /// .sarif/.json, .md/.markdown, .csv; nullopt for anything else.
    static std::optional<FindingsFormat> formatForPath(const QString &path);

Q_SIGNALS:
    void statusMessage(const QString &text, int timeoutMs);

private:
    struct DiskCheck {
        QString path;
        bool differs = false;
    };
    bool showLocation(const findings::ResolvedLocation &resolved, const findings::Citation &cited,
                      const QString &prefix);
    bool showText(const QString &path);
    void checkDisk(const QString &path, const QString &message);
    void stepFinding(int delta);
    void walkFlow(int delta);
    void syncFinding(int index);
    void resetFindings();
    void onTriageEdited(const QString &fingerprint, const findings::Triage &triage);
    void createActions();

    FindingsPanel *m_panel;
    models::FindingsModel *m_model;
    CodeViewer *m_viewer;
    QThreadPool *m_pool;
    QPointer<workspace::FindingsTracker> m_tracker;
    QList<QMetaObject::Connection> m_trackerConnections;
    std::unique_ptr<findings::TriageStore> m_store;
    bool m_storeWritable = false;
    ContextProvider m_context;
    QString m_root;
    QString m_ref;
    int m_flowStep = -1; // the walked step of the panel's current finding; -1 = its location
    QFutureWatcher<DiskCheck> m_diskWatcher;
    QString m_diskMessage; // the navigation message the disk check completes
    QList<QAction *> m_navigationActions;
    QAction *m_exportAction = nullptr;
};

} // namespace reposcope::ui
