// SPDX-License-Identifier: MIT
#include "privacy/secretreviewdialog.h"

#include "prompt/selection.h"
#include "workspace/secretindex.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace reposcope::ui {

using security::secrets::AllowList;
using security::secrets::SecretHit;

namespace {

enum Column { FileColumn, LineColumn, RuleColumn, SeverityColumn, PreviewColumn, StatusColumn };
constexpr int kHitRole = Qt::UserRole + 1; // row in m_hits

// What in `list` allows `hit`: "this secret", "its rule", "its file", or "".
QString allowedBy(const AllowList &list, const SecretHit &hit) {
    if (list.secrets().contains(hit.fingerprint))
        return SecretReviewDialog::tr("this secret");
    if (list.rules().contains(hit.ruleId))
        return SecretReviewDialog::tr("rule %1").arg(hit.ruleId);
    if (list.files().contains(hit.path))
        return SecretReviewDialog::tr("this file");
    return {};
}

} // namespace

SecretReviewDialog::SecretReviewDialog(workspace::SecretIndex *index,
                                       workspace::Workspace *workspace, QWidget *parent)
    : QDialog(parent)
    , m_index(index)
    , m_workspace(workspace)
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_selectedOnly(new QCheckBox(tr("Selected files only"), this))
    , m_summary(new QLabel(this))
    , m_allowSecret(new QPushButton(tr("Allow This &Secret"), this))
    , m_allowRule(new QPushButton(tr("Allow &Rule in This Repository"), this))
    , m_allowFile(new QPushButton(tr("Allow &File in This Repository"), this))
    , m_remove(new QPushButton(tr("Re&move Allowance"), this)) {
    setObjectName(QStringLiteral("secretReviewDialog"));
    setWindowTitle(tr("Review Secrets"));
    resize(960, 480);
    m_model->setHorizontalHeaderLabels(
        {tr("File"), tr("Line"), tr("Rule"), tr("Severity"), tr("Preview"), tr("When sent")});
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(Qt::UserRole);
    m_table->setObjectName(QStringLiteral("secretReviewTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FileColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->installEventFilter(this);
    m_filter->setObjectName(QStringLiteral("secretReviewFilter"));
    m_filter->setPlaceholderText(tr("Filter by file, rule or preview"));
    m_filter->setClearButtonEnabled(true);
    m_selectedOnly->setObjectName(QStringLiteral("secretReviewSelectedOnly"));
    m_selectedOnly->setChecked(true);
    m_summary->setObjectName(QStringLiteral("secretReviewSummary"));
    m_summary->setWordWrap(true);
    m_allowSecret->setObjectName(QStringLiteral("secretReviewAllowSecret"));
    m_allowRule->setObjectName(QStringLiteral("secretReviewAllowRule"));
    m_allowFile->setObjectName(QStringLiteral("secretReviewAllowFile"));
    m_remove->setObjectName(QStringLiteral("secretReviewRemove"));
    m_remove->setToolTip(tr("Redact it again (Delete); Ctrl+Z undoes the last change"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_selectedOnly);
    auto *actions = new QHBoxLayout;
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    for (QPushButton *button : {m_allowSecret, m_allowRule, m_allowFile, m_remove,
                                close->button(QDialogButtonBox::Close)}) {
        button->setAutoDefault(false); // Enter opens the file, it does not press a button
        button->setDefault(false);
    }
    actions->addWidget(m_allowSecret);
    actions->addWidget(m_allowRule);
    actions->addWidget(m_allowFile);
    actions->addWidget(m_remove);
    actions->addStretch();
    actions->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addLayout(actions);

    connect(m_filter, &QLineEdit::textChanged, this, &SecretReviewDialog::setFilter);
    connect(m_filter, &QLineEdit::returnPressed, m_table, [this] { m_table->setFocus(); });
    connect(m_selectedOnly, &QCheckBox::toggled, this, &SecretReviewDialog::rebuild);
    connect(m_allowSecret, &QPushButton::clicked, this, &SecretReviewDialog::allowCurrentSecret);
    connect(m_allowRule, &QPushButton::clicked, this, &SecretReviewDialog::allowCurrentRule);
    connect(m_allowFile, &QPushButton::clicked, this, &SecretReviewDialog::allowCurrentFile);
    connect(m_remove, &QPushButton::clicked, this, &SecretReviewDialog::removeCurrentAllowance);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableView::doubleClicked, this, &SecretReviewDialog::openCurrent);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SecretReviewDialog::updateButtons);
    auto *undoKey = new QShortcut(QKeySequence::Undo, this);
    connect(undoKey, &QShortcut::activated, this, &SecretReviewDialog::undo);

    connect(index, &workspace::SecretIndex::hitsFound, this, &SecretReviewDialog::rebuild);
    connect(index, &workspace::SecretIndex::scanFinished, this, &SecretReviewDialog::rebuild);
    connect(index, &workspace::SecretIndex::cleared, this, &SecretReviewDialog::rebuild);
    connect(index, &workspace::SecretIndex::allowListChanged, this, &SecretReviewDialog::rebuild);
    rebuild();
}

SecretReviewDialog::~SecretReviewDialog() = default;

void SecretReviewDialog::setSelectedOnly(bool selectedOnly) {
    m_selectedOnly->setChecked(selectedOnly);
}

void SecretReviewDialog::setFilter(const QString &text) {
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
    if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
    updateButtons();
}

int SecretReviewDialog::rowCount() const {
    return m_proxy->rowCount();
}

void SecretReviewDialog::rebuild() {
    // Keep the current row across the rebuild (by the secret's fingerprint).
    SecretHit current;
    const bool hadCurrent = currentHit(&current);
    m_model->removeRows(0, m_model->rowCount());
    m_hits.clear();
    const repo::SnapshotPtr snap = m_index->snapshot();
    const prompt::Selection *selection = m_workspace->selection();
    const bool selectedOnly = m_selectedOnly->isChecked();
    int redacted = 0;
    int allowed = 0;
    if (snap && selection && selection->snapshotPtr() == snap) {
        for (int node : m_index->nodesWithHits()) {
            if (selectedOnly && !selection->file(node).checked)
                continue;
            const QString path = snap->visiblePath(node);
            for (const SecretHit &hit : m_index->hitsFor(node)) {
                QString status = allowedBy(m_index->userAllowList(), hit);
                if (status.isEmpty() && !allowedBy(m_index->repositoryAllowList(), hit).isEmpty())
                    status = tr("the repository's allow list");
                const bool isAllowed = m_index->allows(hit);
                (isAllowed ? allowed : redacted)++;
                auto cell = [&](const QString &text, const QVariant &sort) {
                    auto *item = new QStandardItem(text);
                    item->setData(sort, Qt::UserRole);
                    item->setData(int(m_hits.size()), kHitRole);
                    return item;
                };
                const QString sortKey =
                    path + QStringLiteral(":%1").arg(hit.line, 8, 10, QLatin1Char('0'));
                QList<QStandardItem *> row{
                    cell(path, sortKey),
                    cell(QString::number(hit.line), hit.line),
                    cell(hit.ruleId, hit.ruleId),
                    cell(security::secrets::severityName(hit.severity), int(hit.severity)),
                    cell(hit.masked, hit.masked),
                    cell(isAllowed ? tr("sent as it is (allowed: %1)").arg(status) : tr("redacted"),
                         isAllowed)};
                row[LineColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                row[FileColumn]->setToolTip(hit.description);
                m_model->appendRow(row);
                m_hits.append(hit);
            }
        }
    }
    if (!snap)
        m_summary->setText(tr("Open a repository first."));
    else if (m_hits.isEmpty())
        m_summary->setText(m_index->isScanning() ? tr("Scanning for secrets…")
                                                 : tr("No secrets found in %1.")
                                                       .arg(selectedOnly ? tr("the selected files")
                                                                         : tr("the repository")));
    else
        m_summary->setText(tr("%1 will be redacted, %2 allowed (sent as they are).%3 The allow "
                              "list keeps hashes only, never a secret.")
                               .arg(redacted)
                               .arg(allowed)
                               .arg(m_index->isScanning() ? tr(" Still scanning.") : QString()));
    m_table->resizeColumnsToContents();
    QModelIndex restore;
    for (int r = 0; hadCurrent && r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, 0);
        if (m_hits[index.data(kHitRole).toInt()].fingerprint == current.fingerprint)
            restore = index;
    }
    if (!restore.isValid() && m_proxy->rowCount() > 0)
        restore = m_proxy->index(0, 0);
    m_table->setCurrentIndex(restore);
    updateButtons();
}

bool SecretReviewDialog::currentHit(SecretHit *hit) const {
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid())
        return false;
    const int row = index.data(kHitRole).toInt();
    if (row < 0 || row >= m_hits.size())
        return false;
    *hit = m_hits[row];
    return true;
}

void SecretReviewDialog::updateButtons() {
    SecretHit hit;
    const bool has = currentHit(&hit);
    const bool allowed = has && m_index->allows(hit);
    m_allowSecret->setEnabled(has && !allowed);
    m_allowRule->setEnabled(has && !allowed);
    m_allowFile->setEnabled(has && !allowed);
    m_remove->setEnabled(has && allowed);
    if (has) {
        m_allowRule->setToolTip(
            tr("Send every %1 secret of this repository as it is").arg(hit.ruleId));
        m_allowFile->setToolTip(
            tr("Send every secret of %1 as it is").arg(QString::fromUtf8(hit.path)));
    }
}

bool SecretReviewDialog::change(AllowList list) {
    if (list == m_index->userAllowList())
        return false;
    m_undo.append(m_index->userAllowList());
    m_index->setUserAllowList(list); // rebuilds through allowListChanged
    m_table->setFocus();             // the keys go on working after a button
    return true;
}

bool SecretReviewDialog::allowCurrentSecret() {
    SecretHit hit;
    if (!currentHit(&hit))
        return false;
    AllowList list = m_index->userAllowList();
    list.allowSecret(hit.fingerprint);
    return change(list);
}

bool SecretReviewDialog::allowCurrentRule() {
    SecretHit hit;
    if (!currentHit(&hit))
        return false;
    AllowList list = m_index->userAllowList();
    list.allowRule(hit.ruleId);
    return change(list);
}

bool SecretReviewDialog::allowCurrentFile() {
    SecretHit hit;
    if (!currentHit(&hit))
        return false;
    AllowList list = m_index->userAllowList();
    list.allowFile(hit.path);
    return change(list);
}

bool SecretReviewDialog::removeCurrentAllowance() {
    SecretHit hit;
    if (!currentHit(&hit) || !m_index->allows(hit))
        return false;
    AllowList list = m_index->userAllowList();
    list.removeSecret(hit.fingerprint);
    list.removeRule(hit.ruleId);
    list.removeFile(hit.path);
    const bool changed = change(list);
    if (m_index->allows(hit))
        m_summary->setText(tr("%1:%2 is allowed by the repository's own list (%3): edit that "
                              "file to redact it again.")
                               .arg(QString::fromUtf8(hit.path))
                               .arg(hit.line)
                               .arg(AllowList::repositoryFile(m_index->rootPath())));
    return changed;
}

bool SecretReviewDialog::undo() {
    if (m_undo.isEmpty())
        return false;
    m_index->setUserAllowList(m_undo.takeLast());
    return true;
}

void SecretReviewDialog::openCurrent() {
    SecretHit hit;
    const QModelIndex index = m_table->currentIndex();
    if (!currentHit(&hit))
        return;
    Q_EMIT openRequested(index.siblingAtColumn(FileColumn).data().toString(), hit.line);
}

bool SecretReviewDialog::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            openCurrent();
            return true;
        }
        if (key->key() == Qt::Key_Delete || key->key() == Qt::Key_Backspace) {
            removeCurrentAllowance();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace reposcope::ui
