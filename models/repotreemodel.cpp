// SPDX-License-Identifier: MIT
#include "repotreemodel.h"
#include "common/figures.h"

#include "prompt/selection.h"
#include "repo/scantypes.h"
#include "selectionhistory.h"
#include "text/textdecoder.h"
#include "workspace/secretindex.h"
#include "workspace/workspace.h"

#include <QFont>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace reposcope::models {

QString formatTokens(qint64 tokens) {
    if (tokens < 1000)
        return QString::number(tokens);
    if (tokens < 1000000)
        return QString::number(double(tokens) / 1e3, 'f', tokens < 10000 ? 2 : 1) +
               QLatin1Char('K');
    return QString::number(double(tokens) / 1e6, 'f', tokens < 10000000 ? 2 : 1) + QLatin1Char('M');
}

RepoTreeModel::RepoTreeModel(workspace::Workspace *workspace, QObject *parent)
    : QAbstractItemModel(parent)
    , m_workspace(workspace)
    , m_history(new SelectionHistory(workspace, this)) {
    connect(m_history, &SelectionHistory::restored, this, &RepoTreeModel::refreshAll);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(100);
    connect(&m_flushTimer, &QTimer::timeout, this, &RepoTreeModel::flushPending);
    connect(workspace, &workspace::Workspace::aboutToReplace, this, [this] {
        beginResetModel();
        m_resetting = true;
        m_flushTimer.stop();
    });
    connect(workspace, &workspace::Workspace::opened, this, &RepoTreeModel::onOpened);
    // Same snapshot, new counts: the rows stay, so no reset (a reset would collapse every
    // view's folders and lose its scroll position and current row); the figures change.
    connect(workspace, &workspace::Workspace::selectionRebuilt, this, &RepoTreeModel::refreshAll);
    connect(workspace, &workspace::Workspace::countsApplied, this, &RepoTreeModel::onCountsApplied);
    if (hasSelection())
        onOpened();
}

namespace {

// The icon with a pin mark (a red head on a grey needle) in its top-right corner.
QIcon withPinMark(const QIcon &icon) {
    QPixmap pixmap = icon.isNull() ? QPixmap(16, 16) : icon.pixmap(16, 16);
    if (icon.isNull())
        pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(90, 90, 90), 1.5));
    p.drawLine(QPointF(11.5, 5.5), QPointF(8.5, 10.5));
    p.setPen(QPen(QColor(120, 0, 0), 1));
    p.setBrush(QColor(220, 30, 30));
    p.drawEllipse(QPointF(12, 4), 3.5, 3.5);
    return QIcon(pixmap);
}

// The icon with a secret mark in its bottom-right corner: an amber badge with a dark
// keyhole for files, a small amber dot for folders (subtle: it only says "look inside").
QIcon withSecretMark(const QIcon &icon, bool folder) {
    QPixmap pixmap = icon.isNull() ? QPixmap(16, 16) : icon.pixmap(16, 16);
    if (icon.isNull())
        pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(120, 60, 0), 1));
    p.setBrush(QColor(245, 160, 20));
    if (folder) {
        p.drawEllipse(QPointF(12.5, 12.5), 2.5, 2.5);
        return QIcon(pixmap);
    }
    p.drawEllipse(QPointF(11.5, 11.5), 4.5, 4.5);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(60, 30, 0));
    p.drawEllipse(QPointF(11.5, 10.5), 1.3, 1.3);
    p.drawRect(QRectF(11, 10.5, 1, 3.5));
    return QIcon(pixmap);
}

// `text` with line breaks at spaces so that no line is longer than `width` characters
// (unless a single word is): a tooltip of plain text does not wrap by itself.
QString wrapped(const QString &text, int width = 80) {
    QString out;
    int lineLength = 0;
    for (const QString &word : text.split(QLatin1Char(' '))) {
        if (lineLength > 0 && lineLength + 1 + word.size() > width) {
            out += QLatin1Char('\n');
            lineLength = 0;
        } else if (lineLength > 0 || !out.isEmpty()) {
            out += QLatin1Char(' ');
            ++lineLength;
        }
        out += word;
        lineLength += int(word.size());
    }
    return out;
}

} // namespace

void RepoTreeModel::setIcons(const QIcon &folder, const QIcon &file) {
    m_folderIcon = folder;
    m_fileIcon = file;
    m_pinnedFolderIcon = withPinMark(folder);
    m_pinnedFileIcon = withPinMark(file);
    m_secretIcons[0] = withSecretMark(m_folderIcon, true);
    m_secretIcons[1] = withSecretMark(m_fileIcon, false);
    m_secretIcons[2] = withSecretMark(m_pinnedFolderIcon, true);
    m_secretIcons[3] = withSecretMark(m_pinnedFileIcon, false);
}

void RepoTreeModel::setSecretIndex(const workspace::SecretIndex *index) {
    if (m_secrets)
        disconnect(m_secrets, nullptr, this, nullptr);
    m_secrets = index;
    if (!index) {
        refreshAll();
        return;
    }
    if (m_secretIcons[1].isNull())
        setIcons(m_folderIcon, m_fileIcon);
    // New hits change the file's row and its folders' rows: published like new counts.
    connect(index, &workspace::SecretIndex::hitsFound, this, &RepoTreeModel::onCountsApplied);
    connect(index, &workspace::SecretIndex::allowListChanged, this, &RepoTreeModel::refreshAll);
    connect(index, &workspace::SecretIndex::cleared, this, &RepoTreeModel::refreshAll);
    refreshAll();
}

QString RepoTreeModel::secretsNote(int node) const {
    if (!m_secrets || m_secrets->snapshot() != m_workspace->snapshot())
        return {};
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    if (snap.isDirectory(node)) {
        const int files = m_secrets->unallowedFilesUnder(node);
        return files == 0   ? QString()
               : files == 1 ? tr("1 file inside holds secrets")
                            : tr("%1 files inside hold secrets").arg(files);
    }
    const QList<security::secrets::SecretHit> hits = m_secrets->hitsFor(node);
    if (hits.isEmpty())
        return {};
    QStringList unallowed;
    int allowed = 0;
    for (const security::secrets::SecretHit &hit : hits) {
        if (m_secrets->allows(hit))
            ++allowed;
        else if (!unallowed.contains(hit.ruleId))
            unallowed << hit.ruleId;
    }
    const int count = int(hits.size()) - allowed;
    QString note;
    if (count > 0)
        note = (count == 1 ? tr("holds 1 secret: %1 — it will be redacted")
                           : tr("holds %2 secrets: %1 — they will be redacted"))
                   .arg(unallowed.join(QStringLiteral(", ")))
                   .arg(count);
    if (allowed > 0) {
        if (!note.isEmpty())
            note += QStringLiteral("; ");
        note += allowed == 1 ? tr("1 allowed secret (sent as it is)")
                             : tr("%1 allowed secrets (sent as they are)").arg(allowed);
    }
    return note;
}

QIcon RepoTreeModel::icon(int node, bool dir, bool pinned) const {
    const bool marked =
        m_secrets && m_secrets->snapshot() == m_workspace->snapshot() &&
        (dir ? m_secrets->unallowedFilesUnder(node) > 0 : m_secrets->unallowedIn(node) > 0);
    if (marked)
        return m_secretIcons[(pinned ? 2 : 0) + (dir ? 0 : 1)];
    if (pinned)
        return dir ? m_pinnedFolderIcon : m_pinnedFileIcon;
    return dir ? m_folderIcon : m_fileIcon;
}

bool RepoTreeModel::hasSelection() const {
    return !m_resetting && m_workspace->selection() != nullptr;
}

void RepoTreeModel::onOpened() {
    if (!m_resetting)
        beginResetModel();
    m_resetting = false;
    m_flushTimer.stop();
    const int n = m_workspace->snapshot()->nodeCount();
    m_seen.assign(size_t(n), false);
    m_expanded.assign(size_t(n), false);
    m_pendingMark.assign(size_t(n), false);
    m_pendingParents.clear();
    endResetModel();
    Q_EMIT selectionTotalsChanged();
}

QModelIndex RepoTreeModel::index(int row, int column, const QModelIndex &parent) const {
    if (!hasSelection() || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    const int parentNode = parent.isValid() ? int(parent.internalId()) : 0;
    if (row >= snap.childCount(parentNode))
        return {};
    return createIndex(row, column, quintptr(snap.child(parentNode, row)));
}

QModelIndex RepoTreeModel::parent(const QModelIndex &child) const {
    if (!child.isValid() || !hasSelection())
        return {};
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    const int p = snap.parent(int(child.internalId()));
    if (p <= 0)
        return {};
    return createIndex(snap.row(p), 0, quintptr(p));
}

int RepoTreeModel::rowCount(const QModelIndex &parent) const {
    if (!hasSelection() || (parent.isValid() && parent.column() != 0))
        return 0;
    const int node = parent.isValid() ? int(parent.internalId()) : 0;
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    if (!snap.isDirectory(node))
        return 0;
    m_seen[size_t(node)] = true;
    return snap.childCount(node);
}

int RepoTreeModel::columnCount(const QModelIndex &) const {
    return ColumnCount;
}

QModelIndex RepoTreeModel::indexForNode(int node, int column) const {
    if (!hasSelection() || node <= 0)
        return {};
    return createIndex(m_workspace->snapshot()->row(node), column, quintptr(node));
}

int RepoTreeModel::nodeForIndex(const QModelIndex &index) const {
    return index.isValid() ? int(index.internalId()) : 0;
}

QVariant RepoTreeModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || !hasSelection())
        return {};
    const int node = int(index.internalId());
    const prompt::Selection &sel = *m_workspace->selection();
    const repo::RepoSnapshot &snap = sel.snapshot();
    const bool dir = snap.isDirectory(node);
    const prompt::Totals &selected = sel.selected(node);
    const prompt::Totals &total = sel.total(node);
    const bool exact = m_workspace->countsAreExact();
    const QString approx = exact ? QString() : QStringLiteral("≈");

    switch (role) {
    case NodeRole:
        return node;
    case PathRole:
        return snap.visiblePath(node);
    case IsDirectoryRole:
        return dir;
    case ExcludedRole:
        return !dir && sel.exclusion(node) != repo::Exclusion::None;
    case PinnedRole:
        return sel.isPinned(node);
    case SecretsRole:
        if (!m_secrets || m_secrets->snapshot() != m_workspace->snapshot())
            return 0;
        return dir ? m_secrets->unallowedFilesUnder(node) : m_secrets->unallowedIn(node);
    default:
        break;
    }

    const int column = index.column();
    if (role == Qt::CheckStateRole && column == NameColumn)
        return sel.checkState(node);
    if (role == Qt::DecorationRole && column == NameColumn)
        return icon(node, dir, sel.isPinned(node));
    if (role == Qt::FontRole && column == NameColumn && sel.isPinned(node)) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::TextAlignmentRole && column != NameColumn && column != NoteColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && !dir && sel.exclusion(node) != repo::Exclusion::None &&
        !sel.file(node).checked)
        return QColor(Qt::gray);

    const prompt::FileState *file = dir ? nullptr : &sel.file(node);
    // A file's tokens and lines are known once it is read as text; its size unless it is
    // a symlink or a submodule. Unknown figures show "—" ("…" while counting may still
    // read the file) and have no sort value, so they sort last (RepoTreeSortProxy).
    const bool isFile = dir || snap.file(node).kind == repo::EntryKind::File;
    const bool contentKnown =
        dir || (file->counted && !file->stats.binary && file->problem.isEmpty());
    const bool pending = !dir && !file->counted && isFile &&
                         file->exclusion != repo::Exclusion::GitDir &&
                         file->exclusion != repo::Exclusion::Unreadable;
    const QString unknown = pending ? QStringLiteral("…") : QStringLiteral("—");
    if (role == SortRole) {
        switch (column) {
        case NameColumn:
            return QString((dir ? QStringLiteral("0") : QStringLiteral("1")) +
                           snap.name(node).toLower());
        case TokensColumn:
            return contentKnown ? QVariant(total.tokens) : QVariant();
        case BytesColumn:
            return isFile ? QVariant(total.bytes) : QVariant();
        case LinesColumn:
            return contentKnown ? QVariant(total.lines) : QVariant();
        case NoteColumn:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return snap.name(node);
        case TokensColumn:
            if (dir)
                return QString(approx + formatTokens(selected.tokens) + QStringLiteral(" / ") +
                               formatTokens(total.tokens));
            if (!contentKnown)
                return unknown;
            return QString(approx + QLocale::system().toString(qint64(file->stats.tokens)));
        case BytesColumn:
            if (dir)
                return QString(formatBytes(selected.bytes) + QStringLiteral(" / ") +
                               formatBytes(total.bytes));
            return isFile ? formatBytes(total.bytes) : QStringLiteral("—");
        case LinesColumn:
            if (!contentKnown)
                return unknown;
            return QLocale::system().toString(dir ? total.lines : qint64(file->stats.lines));
        case NoteColumn: {
            const QString pin =
                sel.isPinned(node) ? tr("pinned: always kept by Fit to budget") : QString();
            if (dir) {
                QStringList notes;
                if (!pin.isEmpty())
                    notes << pin;
                if (selected.files != total.files)
                    notes << QStringLiteral("%1 of %2 files").arg(selected.files).arg(total.files);
                if (const QString secrets = secretsNote(node); !secrets.isEmpty())
                    notes << secrets;
                return notes.join(QStringLiteral("; "));
            }
            QStringList notes;
            if (!pin.isEmpty())
                notes << pin;
            if (file->exclusion != repo::Exclusion::None)
                notes << repo::exclusionLabel(file->exclusion) +
                             (file->checked ? QStringLiteral(" (included by you)") : QString());
            if (!file->problem.isEmpty())
                notes << file->problem;
            if (const QString secrets = secretsNote(node); !secrets.isEmpty())
                notes << secrets;
            text::DecodedText decoded;
            decoded.encoding = file->stats.encoding;
            decoded.replacedBytes = file->stats.replacedBytes;
            if (file->counted && !file->stats.binary && !decoded.note().isEmpty())
                notes << decoded.note();
            return notes.join(QStringLiteral("; "));
        }
        }
    }
    if (role == Qt::ToolTipRole) {
        const QString path = snap.visiblePath(node);
        QString tip = path.isEmpty() ? snap.name(node) : path;
        tip += QStringLiteral("\nSelected: %1%2 tokens, %3 files\nTotal: %1%4 tokens, %5 files")
                   .arg(approx, QLocale::system().toString(selected.tokens))
                   .arg(selected.files)
                   .arg(QLocale::system().toString(total.tokens))
                   .arg(total.files);
        if (!exact)
            tip += QStringLiteral("\n≈: estimated with %1")
                       .arg(m_workspace->tokenizer().displayName());
        tip +=
            QStringLiteral("\nSize: %1").arg(data(index.siblingAtColumn(BytesColumn)).toString());
        tip +=
            QStringLiteral("\nLines: %1").arg(data(index.siblingAtColumn(LinesColumn)).toString());
        // Views elide the Notes column: its tooltip starts with the whole note, wrapped.
        const QString note = data(index.siblingAtColumn(NoteColumn), Qt::DisplayRole).toString();
        if (note.isEmpty())
            return tip;
        if (column == NoteColumn)
            return QString(wrapped(note) + QStringLiteral("\n\n") + tip);
        return QString(tip + QLatin1Char('\n') + note);
    }
    return {};
}

Qt::ItemFlags RepoTreeModel::flags(const QModelIndex &index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    const int node = int(index.internalId());
    if (!m_workspace->snapshot()->isDirectory(node))
        f |= Qt::ItemNeverHasChildren;
    return f;
}

bool RepoTreeModel::setData(const QModelIndex &index, const QVariant &value, int role) {
    if (!index.isValid() || role != Qt::CheckStateRole || index.column() != NameColumn)
        return false;
    const auto state = Qt::CheckState(value.toInt());
    const int node = int(index.internalId());
    // A partially checked folder becomes fully checked on click.
    const bool checked =
        state == Qt::Checked || (state == Qt::PartiallyChecked &&
                                 m_workspace->selection()->checkState(node) != Qt::Checked);
    setNodeChecked(node, checked);
    return true;
}

QVariant RepoTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    const bool figure = section == TokensColumn || section == BytesColumn || section == LinesColumn;
    // The first click on a figure's header sorts largest first; on Name or Notes, A to Z.
    if (role == Qt::InitialSortOrderRole)
        return int(figure ? Qt::DescendingOrder : Qt::AscendingOrder);
    if (role == Qt::ToolTipRole && section == TokensColumn)
        return tr("Folders: selected / total. Files that were not read as text (binary, "
                  "unreadable) show —, and … while counting.");
    if (role == Qt::ToolTipRole && section == BytesColumn)
        return tr("Folders: selected / total. Symlinks and submodules show —.");
    if (role == Qt::ToolTipRole && section == LinesColumn)
        return tr("Files that were not read as text (binary, unreadable) show —.");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TokensColumn:
        return tr("Tokens");
    case BytesColumn:
        return tr("Size");
    case LinesColumn:
        return tr("Lines");
    case NoteColumn:
        return tr("Notes");
    }
    return {};
}

void RepoTreeModel::setExpanded(int node, bool expanded) {
    if (node < 0 || size_t(node) >= m_expanded.size())
        return;
    m_tracksExpansion = true;
    m_expanded[size_t(node)] = expanded;
}

void RepoTreeModel::stopTrackingExpansion() {
    m_tracksExpansion = false;
    std::fill(m_expanded.begin(), m_expanded.end(), false);
}

void RepoTreeModel::emitRowsChanged(const std::vector<int> &parents) {
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    for (int p : parents) {
        if (!m_seen[size_t(p)] || snap.childCount(p) == 0)
            continue;
        // Each notification costs the view a walk over its expanded rows: tell it only
        // about rows it shows.
        if (m_tracksExpansion && p != 0 && !m_expanded[size_t(p)])
            continue;
        const QModelIndex parentIndex = p == 0 ? QModelIndex() : indexForNode(p);
        Q_EMIT dataChanged(index(0, 0, parentIndex),
                           index(snap.childCount(p) - 1, ColumnCount - 1, parentIndex));
    }
}

void RepoTreeModel::setNodeChecked(int node, bool checked) {
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    const QString name = snap.name(node);
    m_history->record(checked ? tr("Tick %1").arg(name) : tr("Untick %1").arg(name),
                      [&](prompt::Selection &sel) { sel.setChecked(node, checked); });
    // Rows that changed: every folder row inside the subtree, the node's own row, and
    // the rows of its ancestors.
    std::vector<int> parents;
    for (int i = node, end = snap.subtreeEnd(node); i < end; ++i)
        if (snap.isDirectory(i) && m_seen[size_t(i)])
            parents.push_back(i);
    for (int p = snap.parent(node); p >= 0; p = snap.parent(p))
        parents.push_back(p);
    emitRowsChanged(parents);
    Q_EMIT selectionTotalsChanged();
}

void RepoTreeModel::refreshAll() {
    if (!hasSelection())
        return;
    std::vector<int> parents;
    for (size_t i = 0; i < m_seen.size(); ++i)
        if (m_seen[i])
            parents.push_back(int(i));
    emitRowsChanged(parents);
    Q_EMIT selectionTotalsChanged();
}

void RepoTreeModel::editSelection(const QString &name,
                                  const std::function<void(prompt::Selection &)> &edit) {
    if (!hasSelection())
        return;
    m_history->record(name, edit);
    refreshAll();
}

int RepoTreeModel::checkByGlob(const QString &glob, bool checked) {
    int n = 0;
    editSelection(checked ? tr("Select %1").arg(glob) : tr("Deselect %1").arg(glob),
                  [&](prompt::Selection &sel) { n = sel.setCheckedByGlob(glob, checked); });
    return n;
}

void RepoTreeModel::invertSelection() {
    editSelection(tr("Invert Selection"), [](prompt::Selection &sel) { sel.invert(); });
}

int RepoTreeModel::selectOnly(const QList<QByteArray> &paths) {
    int n = 0;
    editSelection(tr("Select Changed Files"),
                  [&](prompt::Selection &sel) { n = sel.selectOnly(paths); });
    return n;
}

void RepoTreeModel::setPinned(int node, bool pinned) {
    if (!hasSelection() || m_workspace->selection()->isPinned(node) == pinned)
        return;
    m_workspace->selection()->setPinned(node, pinned);
    const QModelIndex row = indexForNode(node);
    Q_EMIT dataChanged(row, row.siblingAtColumn(ColumnCount - 1));
}

void RepoTreeModel::onCountsApplied(const QList<int> &nodes) {
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    for (int node : nodes) {
        for (int p = snap.parent(node); p >= 0 && !m_pendingMark[size_t(p)]; p = snap.parent(p)) {
            m_pendingMark[size_t(p)] = true;
            m_pendingParents.push_back(p);
        }
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void RepoTreeModel::flushPending() {
    std::vector<int> parents;
    parents.swap(m_pendingParents);
    for (int p : parents)
        m_pendingMark[size_t(p)] = false;
    emitRowsChanged(parents);
    Q_EMIT selectionTotalsChanged();
}

} // namespace reposcope::models
