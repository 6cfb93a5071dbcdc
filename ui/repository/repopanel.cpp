// SPDX-License-Identifier: MIT
#include "repository/repopanel.h"

#include "images/imageprep.h"
#include "prompt/selection.h"
#include "repository/scanoptionsdialog.h"
#include "repotreemodel.h"
#include "repotreesortproxy.h"
#include "selectionhistory.h"
#include "text/visibletext.h"
#include "tokenmap/tokenmappanel.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QClipboard>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTabWidget>
#include <QTreeView>
#include <QUndoStack>
#include <QVBoxLayout>

#include <map>

namespace reposcope::ui {

RepoPanel::RepoPanel(workspace::Workspace *workspace, models::RepoTreeModel *model, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(model)
    , m_proxy(new models::RepoTreeSortProxy(this))
    , m_header(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_emptyNote(new QLabel(this))
    , m_tree(new QTreeView(this))
    , m_map(new TokenMapPanel(workspace, model, this))
    , m_tabs(new QTabWidget(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_status(new QLabel(this)) {
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setText(tr("<b>No repository open.</b> Drop a folder anywhere on this window, "
                         "or use File ▸ Open (Ctrl+O)."));

    m_filter->setPlaceholderText(tr("Filter by name (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(models::RepoTreeModel::NameColumn);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        m_model->stopTrackingExpansion();
        if (!text.isEmpty()) {
            m_tree->expandAll(); // reports no expansions: every folder gets notified
        } else {
            m_tree->collapseAll();
            expandTopLevel();
        }
    });

    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(models::RepoTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    resetColumns();
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &proxyIndex) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        if (!index.data(models::RepoTreeModel::IsDirectoryRole).toBool())
            Q_EMIT fileActivated(index.data(models::RepoTreeModel::NodeRole).toInt());
    });

    auto reportExpansion = [this](const QModelIndex &proxyIndex, bool expanded) {
        m_model->setExpanded(
            m_proxy->mapToSource(proxyIndex).data(models::RepoTreeModel::NodeRole).toInt(),
            expanded);
    };
    connect(m_tree, &QTreeView::expanded, this,
            [reportExpansion](const QModelIndex &i) { reportExpansion(i, true); });
    connect(m_tree, &QTreeView::collapsed, this,
            [reportExpansion](const QModelIndex &i) { reportExpansion(i, false); });
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &RepoPanel::showContextMenu);

    m_progress->setVisible(false);
    m_progress->setTextVisible(true);
    m_cancel->setVisible(false);
    m_cancel->setToolTip(tr("Stop counting; counts found so far are kept (Esc)"));
    connect(m_cancel, &QPushButton::clicked, m_workspace, &workspace::Workspace::cancel);
    m_status->setWordWrap(true);
    m_emptyNote->setObjectName(QStringLiteral("emptyNote"));
    m_emptyNote->setTextFormat(Qt::RichText);
    m_emptyNote->setWordWrap(true);
    m_emptyNote->setFrameShape(QFrame::StyledPanel);
    m_emptyNote->setMargin(6);
    m_emptyNote->setVisible(false);

    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addWidget(m_filter);
    // Tree and token map as tabs; the one shown last is shown again.
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_tree, tr("Tree"));
    m_tabs->addTab(m_map, tr("Map"));
    m_tabs->setTabToolTip(1, tr("Token map: each file's area is its tokens"));
    m_tabs->setCurrentIndex(QSettings().value(QStringLiteral("repoPanel/view")).toString() ==
                                    QStringLiteral("map")
                                ? 1
                                : 0);
    connect(m_tabs, &QTabWidget::currentChanged, this, [](int index) {
        QSettings().setValue(QStringLiteral("repoPanel/view"),
                             index == 1 ? QStringLiteral("map") : QStringLiteral("tree"));
    });
    connect(m_map, &TokenMapPanel::nodeClicked, this, &RepoPanel::revealNode);
    connect(m_map, &TokenMapPanel::showInTreeRequested, this, [this](int node) {
        m_tabs->setCurrentWidget(m_tree);
        revealNode(node);
    });
    connect(m_map, &TokenMapPanel::fileActivated, this, &RepoPanel::fileActivated);
    layout->addWidget(m_emptyNote);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(progressRow);
    layout->addWidget(m_status);

    connect(workspace, &workspace::Workspace::scanStarted, this, [this](const QString &path) {
        m_header->setText(tr("<b>Scanning</b> %1 …").arg(path.toHtmlEscaped()));
        m_progress->setRange(0, 0);
        m_progress->setVisible(true);
        m_cancel->setVisible(true);
        m_status->clear();
        m_emptyNote->setVisible(false);
    });
    connect(workspace, &workspace::Workspace::scanFailed, this, [this](const Error &error) {
        m_progress->setVisible(false);
        m_cancel->setVisible(false);
        m_header->setText(tr("<b>Could not open.</b> %1").arg(error.message.toHtmlEscaped()));
    });
    connect(workspace, &workspace::Workspace::opened, this, &RepoPanel::onOpened);
    connect(workspace, &workspace::Workspace::countingProgress, this, &RepoPanel::onProgress);
    connect(workspace, &workspace::Workspace::countingFinished, this,
            &RepoPanel::onCountingFinished);
}

QString RepoPanel::currentPath() const {
    return m_proxy->mapToSource(m_tree->currentIndex())
        .data(models::RepoTreeModel::PathRole)
        .toString();
}

void RepoPanel::revealNode(int node) {
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexForNode(node));
    if (!index.isValid())
        return;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        m_tree->expand(p);
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
}

void RepoPanel::expandTopLevel() {
    // expand() (unlike expandToDepth) emits expanded(), which the model tracks.
    for (int row = 0, rows = m_proxy->rowCount(); row < rows; ++row)
        m_tree->expand(m_proxy->index(row, 0));
    // A scoped open (a subfolder of a repository) shows the way down to that subfolder.
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    if (!snap || snap->info().scopePrefix.isEmpty())
        return;
    for (int node = snap->find(snap->info().scopePrefix.toUtf8()); node > 0;
         node = snap->parent(node))
        m_tree->expand(m_proxy->mapFromSource(m_model->indexForNode(node)));
}

void RepoPanel::setSelectedRowsChecked(bool checked) {
    // One undo step for all the rows.
    QUndoStack *stack = m_model->history()->stack();
    stack->beginMacro(checked ? tr("Include Selected Rows") : tr("Exclude Selected Rows"));
    for (const QModelIndex &proxyIndex : m_tree->selectionModel()->selectedRows())
        m_model->setNodeChecked(
            m_proxy->mapToSource(proxyIndex).data(models::RepoTreeModel::NodeRole).toInt(),
            checked);
    stack->endMacro();
}

void RepoPanel::setPinned(int node, bool pinned) {
    prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return;
    m_model->setPinned(node, pinned);
    QStringList pins;
    for (const QByteArray &path : sel->pinnedPaths())
        pins << text::visibleName(path); // reversible, unlike fromUtf8 for names not in UTF-8
    savePins(m_workspace->options().path, pins);
}

void RepoPanel::restorePins() {
    prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return;
    // Paths that are gone (renamed, deleted) are kept in the settings but pin nothing.
    for (const QString &path : loadPins(m_workspace->options().path)) {
        const int node = sel->snapshot().findVisible(path);
        if (node > 0)
            m_model->setPinned(node, true);
    }
}

void RepoPanel::showContextMenu(const QPoint &pos) {
    const QModelIndex index = m_proxy->mapToSource(m_tree->indexAt(pos));
    if (!index.isValid())
        return;
    QMenu menu(this);
    menu.addAction(tr("Include Selected Rows"), this, [this] { setSelectedRowsChecked(true); });
    menu.addAction(tr("Exclude Selected Rows"), this, [this] { setSelectedRowsChecked(false); });
    menu.addSeparator();
    const QString path = index.data(models::RepoTreeModel::PathRole).toString();
    const int pinNode = index.data(models::RepoTreeModel::NodeRole).toInt();
    if (index.data(models::RepoTreeModel::PinnedRole).toBool())
        menu.addAction(tr("Unpin"), this, [this, pinNode] { setPinned(pinNode, false); });
    else
        menu.addAction(tr("Pin (always keep)"), this, [this, pinNode] { setPinned(pinNode, true); })
            ->setToolTip(tr("Fit to budget never drops this file, or any file in this folder."));
    menu.addSeparator();
    menu.addAction(tr("Copy Path"), this, [path] { QApplication::clipboard()->setText(path); });
    if (!index.data(models::RepoTreeModel::IsDirectoryRole).toBool()) {
        const int node = index.data(models::RepoTreeModel::NodeRole).toInt();
        menu.addAction(tr("View File"), this, [this, node] { Q_EMIT fileActivated(node); });
        if (images::looksLikeImageFile(path))
            menu.addAction(tr("Attach as Image"), this,
                           [this, node] { Q_EMIT attachImageRequested(node); });
    }
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void RepoPanel::onOpened(qint64 scanMs) {
    restorePins();
    const repo::RepoInfo &info = m_workspace->snapshot()->info();
    QString what = info.rootPath.toHtmlEscaped();
    if (!info.scopePrefix.isEmpty())
        what += QStringLiteral(" ▸ ") + info.scopePrefix.toHtmlEscaped();
    QString state;
    if (!info.isGit)
        state = tr("folder (not a git repository)");
    else if (!info.ref.isEmpty())
        state = tr("at <b>%1</b> (%2) — contents from git, not the disk")
                    .arg(info.ref.toHtmlEscaped(), info.shortSha);
    else
        state = tr("working tree on <b>%1</b> @ %2%3")
                    .arg(info.headName.toHtmlEscaped(), info.shortSha,
                         info.dirty ? tr(", <span style='color:#c0392b'>modified</span>")
                                    : tr(", clean"));
    m_header->setText(QStringLiteral("<b>%1</b><br>%2").arg(what, state));
    m_header->setToolTip(info.warnings.join(QLatin1Char('\n')));
    expandTopLevel();
    updateEmptyNote();
    m_status->setText(
        tr("%Ln file(s) listed in %1 ms", nullptr, m_workspace->snapshot()->fileCount())
            .arg(QLocale().toString(scanMs)) +
        (info.warnings.isEmpty()
             ? QString()
             : tr(" — %n warning(s), see tooltip", nullptr, int(info.warnings.size()))));
}

void RepoPanel::onProgress(int done, int total) {
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(done);
    m_progress->setFormat(tr("Counting tokens: %v / %m files"));
    const bool busy = done < total;
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
}

void RepoPanel::onCountingFinished(bool cancelled, qint64 elapsedMs) {
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    QString text = m_status->text().section(QStringLiteral(" · "), 0, 0);
    text += cancelled ? tr(" · counting cancelled; uncounted files show …")
                      : tr(" · counted in %1 ms").arg(elapsedMs);
    if (const QString problem = m_workspace->cacheProblem(); !problem.isEmpty())
        text += QStringLiteral(" · ") + problem;
    m_status->setText(text);
    updateEmptyNote(); // counting may have excluded the last files (binary, generated)
}

void RepoPanel::resetColumns() {
    using models::RepoTreeModel;
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(RepoTreeModel::NameColumn, QHeaderView::Stretch);
    const QFontMetrics cell(m_tree->font());
    // Room for the Name column's indentation, check box and icon besides its text.
    header->setMinimumSectionSize(cell.horizontalAdvance(QStringLiteral("Lines")) + 8);
    const int padding =
        2 * (m_tree->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_tree) + 1) + 4;
    const QLocale locale = QLocale::system();
    // Fixed widths from the widest likely figure, not from the rows' contents: the columns
    // do not jump while counts fill in, and a 78k-file tree is not measured.
    auto fit = [&](int column, const QStringList &samples) {
        header->setSectionResizeMode(column, QHeaderView::Interactive);
        int width = header->sectionSizeHint(column); // the header text and the sort indicator
        for (const QString &sample : samples)
            width = std::max(width, cell.horizontalAdvance(sample) + padding);
        header->resizeSection(column, width);
    };
    fit(RepoTreeModel::TokensColumn,
        {QStringLiteral("≈888.8K / 888.8K"), QStringLiteral("≈") + locale.toString(8888888)});
    fit(RepoTreeModel::BytesColumn, {QStringLiteral("888.8 KB / 888.8 KB")});
    fit(RepoTreeModel::LinesColumn, {locale.toString(888888)});
    fit(RepoTreeModel::NoteColumn, {QStringLiteral("lock file")}); // longer notes: elided
    m_tree->setTextElideMode(Qt::ElideRight);
}

int RepoPanel::preferredWidth() const {
    const QHeaderView *header = m_tree->header();
    int width = 0;
    for (int column = models::RepoTreeModel::TokensColumn;
         column < models::RepoTreeModel::ColumnCount; ++column)
        width += header->sectionSize(column);
    // A Name column for two levels of indentation, the check box, the icon and ~20 characters.
    const int name =
        2 * m_tree->indentation() + 40 + QFontMetrics(m_tree->font()).averageCharWidth() * 20;
    const int scrollBar = m_tree->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_tree);
    const QMargins margins = layout()->contentsMargins();
    return width + name + scrollBar + 2 * m_tree->frameWidth() + margins.left() + margins.right();
}

void RepoPanel::updateEmptyNote() {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel) {
        m_emptyNote->setVisible(false);
        return;
    }
    const repo::RepoSnapshot &snap = sel->snapshot();
    const repo::RepoInfo &info = snap.info();
    std::map<repo::Exclusion, int> reasons;
    int files = 0;
    int included = 0;
    for (int node = 1, n = snap.nodeCount(); node < n; ++node) {
        if (snap.isDirectory(node))
            continue;
        ++files;
        if (sel->exclusion(node) == repo::Exclusion::None)
            ++included;
        else
            ++reasons[sel->exclusion(node)];
    }
    if (files > 0 && included > 0) {
        m_emptyNote->setVisible(false);
        return;
    }
    const QString what = !info.scopePrefix.isEmpty()
                             ? tr("The folder %1").arg(info.scopePrefix.toHtmlEscaped())
                         : info.isGit ? tr("This repository")
                                      : tr("This folder");
    QString text;
    if (files == 0) {
        text = tr("<b>%1 has no files.</b> Open another folder (File ▸ Open, Ctrl+O), or "
                  "check File ▸ Files to Scan… (its include globs)")
                   .arg(what);
        text += info.isGit ? tr("; files that .gitignore ignores are not listed.")
                           : QStringLiteral(".");
        if (info.isGit && !info.ref.isEmpty())
            text += tr(" At %1 the tree holds no files.").arg(info.ref.toHtmlEscaped());
    } else {
        QStringList why;
        for (const auto &[reason, count] : reasons)
            why << QStringLiteral("%1 %2").arg(count).arg(repo::exclusionLabel(reason));
        const QString all = files == 1 ? tr("The only file is excluded")
                                       : tr("All %1 files are excluded").arg(files);
        text = tr("<b>%1</b> (%2), so nothing is selected. Tick files in the tree to include "
                  "them anyway, or change the rules in File ▸ Files to Scan….")
                   .arg(all, why.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    m_emptyNote->setText(text);
    m_emptyNote->setVisible(true);
}

} // namespace reposcope::ui
