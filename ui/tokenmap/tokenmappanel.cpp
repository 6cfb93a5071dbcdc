// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmappanel.h"

#include "prompt/selection.h"
#include "tokenmap/tokenmapbreadcrumb.h"
#include "tokenmap/tokenmapcontroller.h"
#include "tokenmap/tokenmapexport.h"
#include "tokenmap/tokenmapview.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

namespace {

const QString kPaletteKey = QStringLiteral("tokenMap/palette");

} // namespace

TokenMapPanel::TokenMapPanel(workspace::Workspace *workspace, models::RepoTreeModel *model,
                             QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_breadcrumb(new TokenMapBreadcrumb(this))
    , m_paletteBox(new QComboBox(this))
    , m_view(new TokenMapView(this))
    , m_legend(new QLabel(this))
    , m_status(new QLabel(this))
    , m_controller(new TokenMapController(workspace, model, m_view, this)) {
    m_paletteBox->addItem(tr("Colour: state"), QStringLiteral("state"));
    m_paletteBox->addItem(tr("Colour: kind"), QStringLiteral("kind"));
    m_paletteBox->setToolTip(tr("State: selected, not selected, or why a file is excluded. "
                                "Kind: code, tests, docs, config, generated, vendored."));
    const int saved = m_paletteBox->findData(QSettings().value(kPaletteKey).toString());
    m_paletteBox->setCurrentIndex(std::max(0, saved));
    m_controller->setPalette(m_paletteBox->currentIndex() == 1 ? MapPalette::Kind
                                                               : MapPalette::State);
    connect(m_paletteBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        QSettings().setValue(kPaletteKey, m_paletteBox->itemData(index));
        m_controller->setPalette(index == 1 ? MapPalette::Kind : MapPalette::State);
    });

    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    m_status->setWordWrap(true);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_breadcrumb, 1);
    top->addWidget(m_paletteBox);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(3);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_legend);
    layout->addWidget(m_status);

    connect(m_controller, &TokenMapController::zoomChanged, this,
            [this](int root) { m_breadcrumb->setPath(m_workspace->snapshot(), root); });
    connect(m_controller, &TokenMapController::legendChanged, this, &TokenMapPanel::updateLegend);
    connect(m_workspace, &workspace::Workspace::aboutToReplace, this,
            [this] { m_breadcrumb->setPath(nullptr, 0); });
    connect(m_breadcrumb, &TokenMapBreadcrumb::folderChosen, m_controller,
            &TokenMapController::zoomTo);
    connect(m_breadcrumb, &TokenMapBreadcrumb::backRequested, m_controller,
            &TokenMapController::zoomOut);
    connect(m_view, &TokenMapView::nodeClicked, this, &TokenMapPanel::nodeClicked);
    connect(m_view, &TokenMapView::fileDoubleClicked, this, &TokenMapPanel::fileActivated);
    connect(m_view, &TokenMapView::contextMenuRequested, this, &TokenMapPanel::showContextMenu);
    connect(&m_saveWatcher, &QFutureWatcher<Result<Ok>>::finished, this, [this] {
        const Result<Ok> result = m_saveWatcher.result();
        const QString error = result ? QString() : result.error().message;
        if (!error.isEmpty() && isVisible())
            QMessageBox::warning(this, tr("Save Map"), error);
        Q_EMIT exportFinished(m_savePath, error);
    });
    if (m_workspace->snapshot())
        m_breadcrumb->setPath(m_workspace->snapshot(), 0);
    updateLegend();
}

TokenMapPanel::~TokenMapPanel() {
    m_saveWatcher.waitForFinished();
}

void TokenMapPanel::setCapProvider(std::function<qint64()> cap) {
    m_controller->setCapProvider(std::move(cap));
}

void TokenMapPanel::updateLegend() {
    QStringList items;
    for (const LegendEntry &entry : m_controller->legend())
        items << QStringLiteral("<span style='background-color:%1'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
                                "&nbsp;%2")
                     .arg(entry.color.name(), entry.label.toHtmlEscaped());
    m_legend->setText(items.join(QStringLiteral(" &nbsp; ")));
    m_status->setText(m_controller->statusText());
}

QString TokenMapPanel::legendText() const {
    return m_legend->text();
}
QString TokenMapPanel::statusText() const {
    return m_status->text();
}

void TokenMapPanel::showContextMenu(int node, const QPoint &globalPos) {
    const prompt::Selection *sel = m_workspace->selection();
    QMenu menu(this);
    const std::vector<int> marked = m_view->markedNodes();
    if (sel && !marked.empty()) {
        bool allChecked = true;
        for (int n : marked)
            allChecked = allChecked && sel->checkState(n) == Qt::Checked;
        const QString what = marked.size() == 1 ? sel->snapshot().name(marked.front())
                                                : tr("%n items", nullptr, int(marked.size()));
        menu.addAction((allChecked ? tr("Exclude %1") : tr("Include %1")).arg(what) +
                           QStringLiteral("\tSpace"),
                       this, [this, marked] { m_controller->toggle(marked); });
    }
    if (sel && node >= 0) {
        menu.addAction(tr("Show in Tree"), this,
                       [this, node] { Q_EMIT showInTreeRequested(node); });
        const int folder = sel->snapshot().isDirectory(node) ? node : sel->snapshot().parent(node);
        if (folder >= 0 && folder != m_controller->root())
            menu.addAction(tr("Zoom In"), this, [this, folder] { m_controller->zoomTo(folder); });
    }
    if (m_controller->root() > 0)
        menu.addAction(tr("Zoom Out") + QStringLiteral("\tBackspace"), m_controller,
                       &TokenMapController::zoomOut);
    menu.addSeparator();
    QAction *png =
        menu.addAction(tr("Save Map as PNG…"), this, [this] { chooseAndSave(ExportFormat::Png); });
    QAction *svg =
        menu.addAction(tr("Save Map as SVG…"), this, [this] { chooseAndSave(ExportFormat::Svg); });
    png->setEnabled(m_view->mapLayout() != nullptr);
    svg->setEnabled(m_view->mapLayout() != nullptr);
    menu.exec(globalPos);
}

void TokenMapPanel::chooseAndSave(ExportFormat format) {
    const bool isPng = format == ExportFormat::Png;
    const QString folder =
        QSettings()
            .value(QStringLiteral("tokenMap/exportFolder"),
                   QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
            .toString();
    const QString path = QFileDialog::getSaveFileName(
        this, isPng ? tr("Save Map as PNG") : tr("Save Map as SVG"),
        folder + (isPng ? QStringLiteral("/token-map.png") : QStringLiteral("/token-map.svg")),
        isPng ? tr("PNG images (*.png)") : tr("SVG drawings (*.svg)"));
    if (path.isEmpty())
        return;
    QSettings().setValue(QStringLiteral("tokenMap/exportFolder"), QFileInfo(path).absolutePath());
    saveMap(path, format);
}

void TokenMapPanel::saveMap(const QString &path, ExportFormat format) {
    if (!m_view->mapLayout() || m_saveWatcher.isRunning()) {
        Q_EMIT exportFinished(path, m_view->mapLayout()
                                        ? tr("A save is still running; try again in a moment.")
                                        : tr("There is no map to save yet: open a repository "
                                             "and wait for the map to appear."));
        return;
    }
    MapExportPage page;
    page.scene = m_view->scene();
    page.mapSize = m_view->size();
    page.title = m_controller->titleText();
    page.legend = m_controller->legend();
    QByteArray bytes = format == ExportFormat::Png ? renderMapPng(page) : renderMapSvg(page);
    m_savePath = path;
    m_saveWatcher.setFuture(QtConcurrent::run(
        m_workspace->pool(), [path, bytes] { return writeExportFile(path, bytes); }));
}

} // namespace reposcope::ui
