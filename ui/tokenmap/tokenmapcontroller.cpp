// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmapcontroller.h"

#include "prompt/selection.h"
#include "repotreemodel.h"
#include "tokenmap/tokenmaplayouter.h"
#include "tokenmap/tokenmapview.h"
#include "workspace/workspace.h"

#include <QLocale>

namespace reposcope::ui {

namespace {

QString percent(qint64 part, qint64 whole) {
    if (whole <= 0)
        return QStringLiteral("—");
    const double p = 100.0 * double(part) / double(whole);
    return QLocale().toString(p, 'f', p < 10 ? 1 : 0) + QLatin1Char('%');
}

} // namespace

TokenMapController::TokenMapController(workspace::Workspace *workspace,
                                       models::RepoTreeModel *model, TokenMapView *view,
                                       QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_model(model)
    , m_view(view)
    , m_layouter(new models::TokenMapLayouter(workspace->pool(), this)) {
    m_weightsTimer.setSingleShot(true);
    m_weightsTimer.setInterval(250);
    connect(&m_weightsTimer, &QTimer::timeout, this, &TokenMapController::rebuildWeights);
    m_resizeTimer.setSingleShot(true);
    m_resizeTimer.setInterval(120);
    connect(&m_resizeTimer, &QTimer::timeout, this, &TokenMapController::requestLayout);

    connect(m_layouter, &models::TokenMapLayouter::laidOut, this, &TokenMapController::onLaidOut);
    connect(workspace, &workspace::Workspace::aboutToReplace, this,
            &TokenMapController::onAboutToReplace);
    connect(workspace, &workspace::Workspace::opened, this, &TokenMapController::onOpened);
    connect(workspace, &workspace::Workspace::selectionRebuilt, this, [this] {
        m_view->setSelection(m_workspace->selection());
        rebuildWeights();
    });
    connect(workspace, &workspace::Workspace::countsApplied, this, [this](const QList<int> &) {
        if (!m_weightsTimer.isActive())
            m_weightsTimer.start();
    });
    connect(workspace, &workspace::Workspace::countingFinished, this, [this](bool, qint64) {
        m_weightsTimer.stop();
        rebuildWeights(); // the final weights at once
    });
    // Colours only: a repaint, no layout.
    connect(model, &models::RepoTreeModel::selectionTotalsChanged, m_view,
            qOverload<>(&QWidget::update));

    connect(view, &TokenMapView::resized, this, [this] { m_resizeTimer.start(); });
    connect(view, &TokenMapView::folderDoubleClicked, this, &TokenMapController::zoomTo);
    connect(view, &TokenMapView::backRequested, this, &TokenMapController::zoomOut);
    connect(view, &TokenMapView::toggleRequested, this, &TokenMapController::toggle);
    view->setToolTipProvider([this](int node) { return toolTip(node); });
    view->setPlaceholder(tr("No repository open. The token map shows where the tokens go once "
                            "one is open."));
    if (workspace->selection())
        onOpened();
}

TokenMapController::~TokenMapController() = default;

void TokenMapController::onAboutToReplace() {
    m_weightsTimer.stop();
    m_layouter->clear();
    m_weights.reset();
    m_kinds.reset();
    ++m_generation; // anything still in flight is for the old snapshot
    m_view->clearMap(tr("Opening…"));
}

void TokenMapController::onOpened() {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return;
    const repo::RepoSnapshot &snap = sel->snapshot();
    auto kinds = std::make_shared<std::vector<models::FileKind>>(size_t(snap.nodeCount()),
                                                                 models::FileKind::Other);
    std::vector<bool> seen(32, false);
    for (int node = 0; node < snap.nodeCount(); ++node) {
        if (snap.isDirectory(node))
            continue;
        const repo::Exclusion why = snap.file(node).exclusion;
        (*kinds)[size_t(node)] = models::classifyFileKind(snap.file(node).path, why);
        seen[size_t(why)] = true;
    }
    m_reasons.clear();
    for (size_t i = 1; i < seen.size(); ++i)
        if (seen[i])
            m_reasons << repo::Exclusion(i);
    m_kinds = kinds;
    m_root = 0;
    m_view->setKinds(m_kinds);
    m_view->setSelection(sel);
    m_view->setPlaceholder(tr("Laying out…"));
    Q_EMIT zoomChanged(m_root);
    rebuildWeights();
}

void TokenMapController::rebuildWeights() {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return;
    // Binary and generated content found while counting are new exclusion reasons.
    for (int node = 0, n = sel->snapshot().nodeCount(); node < n; ++node) {
        if (!sel->snapshot().isDirectory(node)) {
            const repo::Exclusion why = sel->exclusion(node);
            if (why != repo::Exclusion::None && !m_reasons.contains(why))
                m_reasons << why;
        }
    }
    std::sort(m_reasons.begin(), m_reasons.end());
    m_weights = models::MapWeights::fromSelection(*sel, ++m_generation);
    Q_EMIT legendChanged();
    requestLayout();
}

void TokenMapController::requestLayout() {
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    if (!snap || !m_weights || !m_view->isVisible() || m_view->width() <= 0 ||
        m_view->height() <= 0)
        return;
    ++m_layoutRequests;
    m_layouter->request(snap, m_weights, m_root, QSizeF(m_view->size()));
}

void TokenMapController::onLaidOut(std::shared_ptr<const models::MapLayout> layout) {
    if (!layout || !m_weights || layout->generation != m_weights->generation ||
        layout->root != m_root)
        return; // for an older snapshot, zoom or weights: a newer one is on its way
    m_view->setWeights(m_weights);
    m_view->setMapLayout(std::move(layout));
    Q_EMIT layoutDelivered();
}

void TokenMapController::zoomTo(int folder) {
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    if (!snap || folder < 0 || folder >= snap->nodeCount() || !snap->isDirectory(folder) ||
        folder == m_root)
        return;
    m_root = folder;
    m_view->setMarkedNodes({});
    Q_EMIT zoomChanged(m_root);
    requestLayout();
}

void TokenMapController::zoomOut() {
    const repo::SnapshotPtr snap = m_workspace->snapshot();
    if (snap && m_root > 0)
        zoomTo(snap->parent(m_root));
}

void TokenMapController::toggle(const std::vector<int> &nodes) {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel || nodes.empty())
        return;
    bool allChecked = true;
    for (int node : nodes)
        allChecked = allChecked && sel->checkState(node) == Qt::Checked;
    const bool on = !allChecked;
    if (nodes.size() == 1) {
        m_model->setNodeChecked(nodes.front(), on);
        return;
    }
    m_model->editSelection(on ? tr("Include %n Map Item(s)", nullptr, int(nodes.size()))
                              : tr("Exclude %n Map Item(s)", nullptr, int(nodes.size())),
                           [&nodes, on](prompt::Selection &s) {
                               for (int node : nodes)
                                   s.setChecked(node, on);
                           });
}

void TokenMapController::setPalette(MapPalette palette) {
    m_palette = palette;
    m_view->setPalette(palette);
    Q_EMIT legendChanged();
}

QString TokenMapController::toolTip(int node) const {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel || node < 0 || node >= sel->snapshot().nodeCount())
        return {};
    const repo::RepoSnapshot &snap = sel->snapshot();
    const bool dir = snap.isDirectory(node);
    QString path = node == 0 ? snap.name(0) : snap.visiblePath(node);
    if (dir)
        path += QLatin1Char('/');
    QStringList lines{QStringLiteral("<b>%1</b>").arg(path.toHtmlEscaped())};
    const bool estimated = m_weights && size_t(node) < m_weights->estimated.size() &&
                           m_weights->estimated[size_t(node)];
    const qint64 weight =
        m_weights && size_t(node) < m_weights->weight.size() ? m_weights->weight[size_t(node)] : 0;
    const QLocale locale;
    qint64 tokens = 0;
    if (dir) {
        tokens = sel->total(node).tokens;
        if (estimated)
            lines << tr("≈ %1 tokens (by size; %2 counted so far)")
                         .arg(locale.toString(weight), locale.toString(tokens));
        else
            lines << tr("%1 tokens in %Ln file(s)", nullptr, sel->total(node).files)
                         .arg(locale.toString(tokens));
        const qint64 selected = sel->selected(node).tokens;
        lines << tr("%1 tokens selected").arg(locale.toString(selected));
        tokens = selected;
    } else {
        const prompt::FileState &file = sel->file(node);
        if (!file.counted)
            lines << tr("≈ %1 tokens (by size)").arg(locale.toString(weight));
        else
            lines << tr("%1 tokens").arg(locale.toString(file.stats.tokens));
        tokens = file.counted ? file.stats.tokens : weight;
        const Qt::CheckState state = sel->checkState(node);
        if (state == Qt::Checked)
            lines << tr("Selected");
        else if (file.exclusion != repo::Exclusion::None)
            lines << tr("Excluded: %1").arg(repo::exclusionLabel(file.exclusion));
        else
            lines << tr("Not selected");
        if (state != Qt::Checked)
            tokens = 0; // its share of the selection is nothing; say what ticking it costs
        if (state != Qt::Checked && file.counted)
            lines << tr("Ticking it adds %1 tokens").arg(locale.toString(file.stats.tokens));
    }
    lines << tr("%1 of the selection").arg(percent(tokens, sel->selected(0).tokens));
    const qint64 capTokens = cap();
    if (capTokens > 0)
        lines << tr("%1 of the context cap (%2)")
                     .arg(percent(tokens, capTokens), models::formatTokens(capTokens));
    return lines.join(QStringLiteral("<br>"));
}

QList<LegendEntry> TokenMapController::legend() const {
    return TokenMapColors::legend(m_palette, m_reasons);
}

bool TokenMapController::hasEstimates() const {
    return m_weights && !m_weights->estimated.empty() && m_weights->estimated[size_t(m_root)];
}

QString TokenMapController::statusText() const {
    if (hasEstimates())
        return tr("Areas by size until counts finish (pale, hatched: estimated)");
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return {};
    return tr("Area: tokens with %1. Double-click a folder to zoom, Space toggles.")
        .arg(m_workspace->tokenizer().displayName());
}

QString TokenMapController::titleText() const {
    const prompt::Selection *sel = m_workspace->selection();
    if (!sel)
        return {};
    const repo::RepoSnapshot &snap = sel->snapshot();
    QString what = snap.info().rootPath;
    if (m_root > 0)
        what += QLatin1Char('/') + snap.visiblePath(m_root);
    if (!snap.info().shortSha.isEmpty())
        what += QStringLiteral(" @ ") + snap.info().shortSha;
    return tr("%1 — %2 tokens selected of %3 — %4")
        .arg(what, models::formatTokens(sel->selected(m_root).tokens),
             models::formatTokens(sel->total(m_root).tokens),
             m_workspace->tokenizer().displayName());
}

} // namespace reposcope::ui
