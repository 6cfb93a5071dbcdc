// SPDX-License-Identifier: MIT
#include "findings/findingspanel.h"

#include "findings/finding.h"
#include "findings/findingsfilter.h"
#include "findings/findingsmodel.h"
#include "findings/triage.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QRegularExpression>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace reposcope::ui {

using findings::Finding;
using findings::TriageState;
using findings::VerificationStatus;
using StatusFilter = models::FindingsFilterProxy::StatusFilter;
using TriageFilter = models::FindingsFilterProxy::TriageFilter;

namespace {

QString esc(const QString &text) {
    return text.toHtmlEscaped();
}

// Escaped, with the Markdown code spans models put in titles and explanations as <code>.
QString richText(const QString &text) {
    static const QRegularExpression codeSpan(QStringLiteral("`([^`]+)`"));
    return esc(text).replace(codeSpan, QStringLiteral("<code>\\1</code>"));
}

QString verificationLine(const findings::ResolvedLocation &resolved) {
    switch (resolved.status) {
    case VerificationStatus::Verified:
        return FindingsPanel::tr("Verified: the quote is at the cited lines.");
    case VerificationStatus::Located:
        return FindingsPanel::tr("Located: the file and lines exist, but there was no quote "
                                 "to check, so it is not verified.");
    case VerificationStatus::Corrected:
        return FindingsPanel::tr("Corrected: %1").arg(resolved.note);
    case VerificationStatus::Unverified:
        return FindingsPanel::tr("Unverified, not opened at a line: %1").arg(resolved.note);
    case VerificationStatus::Pending:
        break;
    }
    return FindingsPanel::tr("Not checked yet.");
}

QString detailsHtml(const Finding &finding) {
    QString out = QStringLiteral("<p><b>%1</b> &nbsp;%2</p>")
                      .arg(esc(findings::severityName(finding.severity)), richText(finding.title));
    out += QStringLiteral("<p><code>%1</code><br><i>%2</i></p>")
               .arg(esc(models::FindingsModel::locationText(finding)),
                    esc(verificationLine(finding.resolved)));
    if (!finding.quote.isEmpty())
        out += QStringLiteral("<p style=\"white-space: pre-wrap; font-family: monospace\">%1</p>")
                   .arg(esc(finding.quote));
    if (!finding.explanation.isEmpty())
        out += QStringLiteral("<p>%1</p>").arg(richText(finding.explanation));
    return out;
}

QString stepText(int index, const findings::FlowStep &step) {
    const findings::ResolvedLocation &r = step.resolved;
    QString location = r.canNavigate() && !r.path.isEmpty()
                           ? models::FindingsModel::locationText(r.path, r.startLine, r.endLine)
                           : step.citation.text;
    if (location.isEmpty())
        location = models::FindingsModel::locationText(step.citation.path, step.citation.startLine,
                                                       step.citation.endLine);
    QString text = QStringLiteral("%1. %2").arg(index + 1).arg(location);
    if (!step.label.isEmpty())
        text += QStringLiteral(" — ") + step.label;
    return text;
}

QComboBox *makeCombo(const QString &name, const QString &tip,
                     const QList<std::pair<QString, int>> &items) {
    auto *combo = new QComboBox;
    combo->setObjectName(name);
    combo->setToolTip(tip);
    for (const auto &[text, value] : items)
        combo->addItem(text, value);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return combo;
}

} // namespace

FindingsPanel::FindingsPanel(models::FindingsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new models::FindingsFilterProxy(this)) {
    m_proxy->setSourceModel(m_model);

    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("findingsView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(models::FindingsModel::SeverityColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(models::FindingsModel::TitleColumn, QHeaderView::Stretch);
    // Fixed starting widths: contents arrive row by row while the answer streams, and
    // resizing to the first rows would clip the longer words that come later.
    const QFontMetrics metrics = m_view->fontMetrics();
    const int decorated = 16 + 3 * metrics.averageCharWidth(); // icon and padding
    header->resizeSection(models::FindingsModel::SeverityColumn,
                          metrics.horizontalAdvance(QStringLiteral("CRITICAL")) + decorated);
    header->resizeSection(models::FindingsModel::LocationColumn, metrics.averageCharWidth() * 22);
    header->resizeSection(models::FindingsModel::StatusColumn,
                          metrics.horizontalAdvance(
                              models::FindingsModel::statusText(VerificationStatus::Unverified)) +
                              decorated);
    header->resizeSection(
        models::FindingsModel::TriageColumn,
        metrics.horizontalAdvance(models::FindingsModel::triageText(TriageState::FalsePositive)) +
            2 * metrics.averageCharWidth());

    m_empty = new QLabel(tr("<p><b>No findings yet.</b></p>"
                            "<p>Pick an audit task such as <i>Security review</i> in the Chat "
                            "panel and send it. "
                            "Its findings appear here while the answer streams, each checked "
                            "against the code "
                            "the question was asked on: <i>verified</i>, <i>corrected</i> (found "
                            "a few lines "
                            "away), <i>located</i> (the lines exist, no quote to check) or "
                            "<i>unverified</i> (never opened at a made-up line).</p>"
                            "<p>Double-click a finding to open it in the viewer; F8 and Shift+F8 "
                            "step through "
                            "them, Alt+Down and Alt+Up walk a data flow.</p>"));
    m_empty->setObjectName(QStringLiteral("findingsEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_empty->setMargin(12);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(buildDetails());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 260});
    splitter->setChildrenCollapsible(false);

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_empty);
    m_stack->addWidget(splitter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(buildFilters());
    layout->addWidget(m_stack, 1);

    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const int row = modelRow(index);
        if (row >= 0)
            Q_EMIT findingActivated(row);
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, &FindingsPanel::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FindingsPanel::onCurrentChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &first, const QModelIndex &last) {
                if (m_shownRow >= first.row() && m_shownRow <= last.row())
                    showDetails(m_shownRow);
                updateSummary();
            });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, [this] {
            updateEmptyState();
            updateSummary();
        });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateEmptyState();
        updateSummary();
        onCurrentChanged();
    });
    updateEmptyState();
    updateSummary();
    showDetails(-1);
}

FindingsPanel::~FindingsPanel() = default;

QWidget *FindingsPanel::buildFilters() {
    m_filterText = new QLineEdit;
    m_filterText->setObjectName(QStringLiteral("findingsFilter"));
    m_filterText->setPlaceholderText(tr("Filter by title or path"));
    m_filterText->setClearButtonEnabled(true);

    m_severity = makeCombo(QStringLiteral("findingsSeverityFilter"), tr("Minimum severity"),
                           {{tr("All severities"), 4},
                            {tr("Critical"), 0},
                            {tr("High and above"), 1},
                            {tr("Medium and above"), 2},
                            {tr("Low and above"), 3}});
    m_status = makeCombo(QStringLiteral("findingsStatusFilter"), tr("Verification status"),
                         {{tr("Any status"), int(StatusFilter::Any)},
                          {tr("Can be opened"), int(StatusFilter::Navigable)},
                          {tr("Verified"), int(StatusFilter::Verified)},
                          {tr("Corrected"), int(StatusFilter::Corrected)},
                          {tr("Located"), int(StatusFilter::Located)},
                          {tr("Unverified"), int(StatusFilter::Unverified)},
                          {tr("Pending"), int(StatusFilter::Pending)}});
    m_triage = makeCombo(QStringLiteral("findingsTriageFilter"), tr("Triage"),
                         {{tr("Any triage"), int(TriageFilter::Any)},
                          {tr("Open"), int(TriageFilter::Open)},
                          {tr("Untriaged"), int(TriageFilter::Untriaged)},
                          {tr("Confirmed"), int(TriageFilter::Confirmed)},
                          {tr("False positive"), int(TriageFilter::FalsePositive)},
                          {tr("Fixed"), int(TriageFilter::Fixed)}});
    buildExportMenu();
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("findingsSummary"));

    connect(m_filterText, &QLineEdit::textChanged, this, &FindingsPanel::applyFilters);
    for (QComboBox *combo : {m_severity, m_status, m_triage})
        connect(combo, &QComboBox::currentIndexChanged, this, &FindingsPanel::applyFilters);

    auto *box = new QWidget;
    auto *rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(4);
    auto *top = new QHBoxLayout;
    top->addWidget(m_filterText, 1);
    top->addWidget(m_export);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_severity);
    bottom->addWidget(m_status);
    bottom->addWidget(m_triage);
    bottom->addStretch(1);
    bottom->addWidget(m_summary);
    rows->addLayout(top);
    rows->addLayout(bottom);
    return box;
}

void FindingsPanel::buildExportMenu() {
    m_export = new QToolButton;
    m_export->setObjectName(QStringLiteral("findingsExportButton"));
    m_export->setText(tr("Export…"));
    m_export->setToolTip(tr("Export every finding with its verification and triage"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_export);
    menu->addAction(tr("SARIF 2.1.0 (code scanning)…"), this,
                    [this] { Q_EMIT exportRequested(FindingsFormat::Sarif); });
    menu->addAction(tr("Markdown report…"), this,
                    [this] { Q_EMIT exportRequested(FindingsFormat::Markdown); });
    menu->addAction(tr("CSV…"), this, [this] { Q_EMIT exportRequested(FindingsFormat::Csv); });
    m_export->setMenu(menu);
}

QWidget *FindingsPanel::buildDetails() {
    m_details = new QWidget;
    m_details->setObjectName(QStringLiteral("findingsDetails"));
    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("findingsDetailsText"));
    m_text->setOpenLinks(false);
    m_text->setMinimumHeight(m_text->fontMetrics().height() * 5);

    m_flowLabel = new QLabel(tr("Data flow (click a step; Alt+Down / Alt+Up walk it):"));
    m_flow = new QListWidget;
    m_flow->setObjectName(QStringLiteral("findingsFlow"));
    connect(m_flow, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        if (m_shownRow >= 0)
            Q_EMIT flowStepActivated(m_shownRow, m_flow->row(item));
    });
    connect(m_flow, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (m_shownRow >= 0)
            Q_EMIT flowStepActivated(m_shownRow, m_flow->row(item));
    });

    m_triageButtons = new QButtonGroup(this);
    m_triageButtons->setExclusive(true);
    auto *triageRow = new QHBoxLayout;
    triageRow->addWidget(new QLabel(tr("Triage:")));
    for (TriageState state : {TriageState::Confirmed, TriageState::FalsePositive,
                              TriageState::Fixed, TriageState::Untriaged}) {
        auto *button = new QToolButton;
        button->setText(models::FindingsModel::triageText(state));
        button->setCheckable(true);
        button->setObjectName(QStringLiteral("triage-") + findings::triageName(state));
        m_triageButtons->addButton(button, int(state));
        triageRow->addWidget(button);
    }
    m_note = new QLineEdit;
    m_note->setObjectName(QStringLiteral("findingsTriageNote"));
    m_note->setPlaceholderText(tr("Note (Enter to keep)"));
    triageRow->addWidget(m_note, 1);
    connect(m_triageButtons, &QButtonGroup::idClicked, this, &FindingsPanel::setTriageState);
    connect(m_note, &QLineEdit::editingFinished, this, &FindingsPanel::commitNote);

    auto *layout = new QVBoxLayout(m_details);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_flowLabel);
    layout->addWidget(m_flow);
    layout->addLayout(triageRow);
    return m_details;
}

void FindingsPanel::applyFilters() {
    m_proxy->setText(m_filterText->text());
    m_proxy->setMaxSeverityRank(m_severity->currentData().toInt());
    m_proxy->setStatusFilter(StatusFilter(m_status->currentData().toInt()));
    m_proxy->setTriageFilter(TriageFilter(m_triage->currentData().toInt()));
    updateSummary();
}

int FindingsPanel::modelRow(const QModelIndex &proxyIndex) const {
    if (!proxyIndex.isValid())
        return -1;
    return m_proxy->mapToSource(proxyIndex).row();
}

int FindingsPanel::currentFinding() const {
    return modelRow(m_view->selectionModel()->currentIndex());
}

bool FindingsPanel::setCurrentFinding(int row) {
    if (row < 0) {
        m_view->selectionModel()->clear();
        return true;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

int FindingsPanel::selectAdjacent(int delta) {
    const int shown = m_proxy->rowCount();
    if (shown == 0)
        return -1;
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    int next = 0;
    if (!current.isValid())
        next = delta > 0 ? 0 : shown - 1;
    else
        next = ((current.row() + delta) % shown + shown) % shown;
    const int row = modelRow(m_proxy->index(next, 0));
    setCurrentFinding(row);
    return row;
}

void FindingsPanel::setCurrentFlowStep(int step) {
    if (step < 0 || step >= m_flow->count()) {
        m_flow->clearSelection();
        m_flow->setCurrentRow(-1);
        return;
    }
    m_flow->setCurrentRow(step);
    m_flow->scrollToItem(m_flow->item(step));
}

void FindingsPanel::onCurrentChanged() {
    const int row = currentFinding();
    showDetails(row);
    Q_EMIT currentFindingChanged(row);
}

void FindingsPanel::showDetails(int row) {
    const bool changed = row != m_shownRow;
    m_shownRow = row;
    const bool valid = row >= 0 && row < m_model->rowCount();
    m_details->setEnabled(valid);
    if (!valid) {
        m_text->setHtml(tr("<p><i>Select a finding to see its quote, explanation and "
                           "verification.</i></p>"));
        m_flow->clear();
        m_flowLabel->hide();
        m_flow->hide();
        m_note->clear();
        return;
    }
    const Finding &finding = m_model->finding(row);
    m_text->setHtml(detailsHtml(finding));
    const int step = m_flow->currentRow();
    m_flow->clear();
    for (int i = 0; i < finding.flow.size(); ++i) {
        const findings::FlowStep &flowStep = finding.flow.at(i);
        auto *item = new QListWidgetItem(stepText(i, flowStep), m_flow);
        item->setIcon(m_model->statusIcon(flowStep.resolved.status));
        QString tip = models::FindingsModel::statusText(flowStep.resolved.status);
        if (!flowStep.resolved.note.isEmpty())
            tip += QStringLiteral(": ") + flowStep.resolved.note;
        if (!flowStep.quote.isEmpty())
            tip += QLatin1Char('\n') + flowStep.quote;
        item->setToolTip(tip);
        if (!flowStep.resolved.canNavigate())
            item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
    }
    if (!changed && step < m_flow->count())
        m_flow->setCurrentRow(step);
    m_flowLabel->setVisible(!finding.flow.isEmpty());
    // As tall as its steps, up to five; more scroll.
    const int shownSteps = std::clamp(int(finding.flow.size()), 1, 5);
    m_flow->setFixedHeight(shownSteps * std::max(m_flow->sizeHintForRow(0), 1) +
                           2 * m_flow->frameWidth());
    m_flow->setVisible(!finding.flow.isEmpty());

    const findings::Triage triage = m_model->triage(row);
    if (QAbstractButton *button = m_triageButtons->button(int(triage.state)))
        button->setChecked(true);
    if (changed || !m_note->hasFocus())
        m_note->setText(triage.note);
}

void FindingsPanel::setTriageState(int state) {
    const int row = m_shownRow;
    if (row < 0)
        return;
    m_model->setTriage(row, {TriageState(state), m_note->text().trimmed(), {}});
}

void FindingsPanel::commitNote() {
    const int row = m_shownRow;
    if (row < 0)
        return;
    const findings::Triage current = m_model->triage(row);
    const QString note = m_note->text().trimmed();
    if (note != current.note)
        m_model->setTriage(row, {current.state, note, {}});
}

void FindingsPanel::showContextMenu(const QPoint &position) {
    const int row = modelRow(m_view->indexAt(position));
    if (row < 0)
        return;
    QMenu menu(this);
    menu.addAction(tr("Open in Viewer"), this, [this, row] { Q_EMIT findingActivated(row); });
    menu.addSeparator();
    const findings::Triage current = m_model->triage(row);
    for (TriageState state : {TriageState::Confirmed, TriageState::FalsePositive,
                              TriageState::Fixed, TriageState::Untriaged}) {
        QAction *action =
            menu.addAction(models::FindingsModel::triageText(state), this, [this, row, state] {
                m_model->setTriage(row, {state, m_model->triage(row).note, {}});
            });
        action->setCheckable(true);
        action->setChecked(current.state == state);
    }
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

void FindingsPanel::updateEmptyState() {
    const bool empty = m_model->rowCount() == 0;
    m_stack->setCurrentIndex(empty ? 0 : 1);
    m_export->setEnabled(!empty);
}

void FindingsPanel::updateSummary() {
    int counts[findings::kStatusCount] = {}; // by VerificationStatus
    const int total = m_model->rowCount();
    for (int row = 0; row < total; ++row)
        ++counts[int(m_model->finding(row).resolved.status)];
    QString text = total == 1 ? tr("1 finding") : tr("%1 findings").arg(total);
    if (m_proxy->rowCount() != total)
        text = tr("%1 of %2 shown").arg(m_proxy->rowCount()).arg(total);
    m_summary->setText(text);
    m_summary->setToolTip(tr("%1 verified, %2 corrected, %3 located, %4 unverified, %5 pending")
                              .arg(counts[int(VerificationStatus::Verified)])
                              .arg(counts[int(VerificationStatus::Corrected)])
                              .arg(counts[int(VerificationStatus::Located)])
                              .arg(counts[int(VerificationStatus::Unverified)])
                              .arg(counts[int(VerificationStatus::Pending)]));
}

void FindingsPanel::changeEvent(QEvent *event) {
    if (event->type() == QEvent::PaletteChange)
        m_model->paletteChanged();
    QWidget::changeEvent(event);
}

} // namespace reposcope::ui
