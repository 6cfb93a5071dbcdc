// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QModelIndex;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QToolButton;

namespace reposcope::models {
class FindingsFilterProxy;
class FindingsModel;
} // namespace reposcope::models

namespace reposcope::ui {

enum class FindingsFormat { Sarif, Markdown, Csv };

/// The Findings dock: filters (text, minimum severity, verification status,
/// triage), a sortable table, and the selected finding's details: quote,
/// explanation, verification note, its data-flow steps (each clickable) and its
/// triage (buttons and a note; also in the table's context menu). An "Export"
/// menu offers SARIF, Markdown and CSV. Without any finding it says how to get
/// some.
///
/// A view that emits intents: activating a finding (double-click, Enter) or a
/// flow step asks the owner to navigate; export asks the owner too. Triage is
/// written straight into the model (models::FindingsModel::setTriage), whose owner
/// stores it. Rows are always the model's rows (the tracker's finding indexes),
/// never the proxy's.
///
/// The model is not owned and must outlive the panel. UI thread only.
class FindingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit FindingsPanel(models::FindingsModel *model, QWidget *parent = nullptr);
    ~FindingsPanel() override;

    models::FindingsModel *model() const { return m_model; }
    models::FindingsFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QListWidget *flowList() const { return m_flow; }

    /// The selected finding (model row), or -1.
    int currentFinding() const;
    /// Selects the finding (model row) and scrolls to it; -1 clears the
    /// selection. A row hidden by the filters cannot be selected (returns false).
    bool setCurrentFinding(int row);
    /// Selects the next (delta 1) or previous (-1) finding in the order shown,
    /// wrapping around; starts at the first (or last) when nothing is selected.
    /// Returns the model row selected, or -1 when no finding is shown.
    int selectAdjacent(int delta);
    /// Marks the walked step of the selected finding's flow (-1: the finding
    /// itself).
    void setCurrentFlowStep(int step);

Q_SIGNALS:
    void currentFindingChanged(int row);
    void findingActivated(int row);
    void flowStepActivated(int row, int step);
    void exportRequested(FindingsFormat format);

protected:
    void changeEvent(QEvent *event) override;

private:
    QWidget *buildFilters();
    QWidget *buildDetails();
    void buildExportMenu();
    void applyFilters();
    void onCurrentChanged();
    void showDetails(int row);
    void updateSummary();
    void updateEmptyState();
    void setTriageState(int state);
    void commitNote();
    void showContextMenu(const QPoint &position);
    int modelRow(const QModelIndex &proxyIndex) const;

    models::FindingsModel *m_model;
    models::FindingsFilterProxy *m_proxy;
    QLineEdit *m_filterText;
    QComboBox *m_severity;
    QComboBox *m_status;
    QComboBox *m_triage;
    QToolButton *m_export;
    QLabel *m_summary;
    QStackedWidget *m_stack;
    QLabel *m_empty;
    QTableView *m_view;
    QWidget *m_details;
    QTextBrowser *m_text;
    QLabel *m_flowLabel;
    QListWidget *m_flow;
    QButtonGroup *m_triageButtons;
    QLineEdit *m_note;
    int m_shownRow = -1;
};

} // namespace reposcope::ui
