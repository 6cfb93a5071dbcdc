// SPDX-License-Identifier: MIT
// The main window's layout: its size, the docks' places and sizes and the repository
// tree's columns, remembered across runs (QSettings), and View ▸ Reset Layout.
#include "budget/budgetmeter.h"
#include "mainwindow.h"
#include "repository/repopanel.h"

#include <QDockWidget>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QTreeView>

#include <algorithm>

namespace reposcope::ui {

namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kTreeHeaderKey = QStringLiteral("window/treeHeader");

// Whether enough of `frame` lies on some screen to grab and move it: a window saved on a
// monitor that is gone is not put back where nobody can see it.
bool reachable(const QRect &frame) {
    const QList<QScreen *> screens = QGuiApplication::screens();
    return std::any_of(screens.begin(), screens.end(), [&frame](const QScreen *screen) {
        const QRect common = screen->availableGeometry().intersected(frame);
        return common.width() >= 100 && common.height() >= 50;
    });
}

} // namespace

QSize MainWindow::defaultWindowSize(const QRect &available) {
    return QSize(1600, 1000).boundedTo(available.size());
}

void MainWindow::applyDefaultLayout(const QSize &size) {
    resize(size);
    restoreState(m_defaultDockState); // every dock back in its place, none floating
    m_repoPanel->resetColumns();
    auto dock = [this](const char *name) {
        return findChild<QDockWidget *>(QString::fromLatin1(name));
    };
    // The repository dock is wide enough for all its columns (at most half the window);
    // the right column (chat and findings) takes about a third; the viewer the rest.
    const int repoWidth =
        std::clamp(m_repoPanel->preferredWidth(), size.width() * 4 / 10, size.width() / 2);
    const int chatWidth = std::max(320, size.width() * 3 / 10);
    auto sizeDocks = [this, dock, size, repoWidth, chatWidth] {
        resizeDocks({dock("repositoryDock"), dock("chatDock")}, {repoWidth, chatWidth},
                    Qt::Horizontal);
        resizeDocks({dock("repositoryDock"), dock("budgetDock")},
                    {size.height() * 64 / 100, size.height() * 26 / 100}, Qt::Vertical);
    };
    sizeDocks();
    // Before the window is shown its dock areas have no geometry yet and the sizes above
    // are partly lost: apply them again once it is laid out.
    if (!isVisible())
        QTimer::singleShot(0, this, sizeDocks);
}

void MainWindow::restoreLayout() {
    m_defaultDockState = saveState();
    const QSettings settings;
    const QScreen *screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    const QSize defaults = defaultWindowSize(screen ? screen->availableGeometry() : QRect());
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry) || !reachable(frameGeometry())) {
        applyDefaultLayout(defaults);
        if (screen) // centred where the window would otherwise open
            move(screen->availableGeometry().center() - rect().center());
        return;
    }
    // The dock sizes first so that a state saved without some dock still gets sizes.
    applyDefaultLayout(size());
    restoreState(settings.value(kStateKey).toByteArray());
    m_repoPanel->treeView()->header()->restoreState(settings.value(kTreeHeaderKey).toByteArray());
}

void MainWindow::saveLayout() {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kTreeHeaderKey, m_repoPanel->treeView()->header()->saveState());
}

void MainWindow::resetLayout() {
    QSettings settings;
    settings.remove(kGeometryKey);
    settings.remove(kStateKey);
    settings.remove(kTreeHeaderKey);
    if (isMaximized() || isFullScreen())
        showNormal();
    const QScreen *screen = this->screen();
    applyDefaultLayout(defaultWindowSize(screen ? screen->availableGeometry() : QRect()));
    statusBar()->showMessage(
        tr("Layout reset to the defaults: window size, docks and the tree's columns."), 8000);
}

void MainWindow::showTokenizerLine() {
    const QString line = m_budget->tokenizerLine();
    m_statusLabel->setMaximumWidth(std::max(240, width() / 3));
    m_statusLabel->setText(m_statusLabel->fontMetrics().elidedText(line, Qt::ElideRight,
                                                                   m_statusLabel->maximumWidth()));
    m_statusLabel->setToolTip(line);
}

} // namespace reposcope::ui
