// SPDX-License-Identifier: MIT
#include "viewer/codeviewerpane.h"

#include "viewer/codeviewer.h"
#include "viewer/editor/codeviewerblame.h"
#include "viewer/findbar.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace reposcope::ui {

CodeViewerPane::CodeViewerPane(CodeViewer *viewer, QThreadPool *pool, QWidget *parent)
    : QWidget(parent)
    , m_viewer(viewer)
    , m_header(new QWidget(this))
    , m_headerPath(new QLabel(m_header))
    , m_headerSource(new QLabel(m_header))
    , m_headerNote(new QLabel(m_header))
    , m_copyPath(new QToolButton(m_header))
    , m_findBar(new FindBar(viewer, this))
    , m_blame(new CodeViewerBlame(pool, this))
    , m_findAction(addShortcutAction(tr("Find…"), QKeySequence::Find))
    , m_findNextAction(addShortcutAction(tr("Find Next"), QKeySequence(Qt::Key_F3)))
    , m_findPreviousAction(
          addShortcutAction(tr("Find Previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3)))
    , m_blameAction(addShortcutAction(tr("Who Changed These Lines?"),
                                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B))) {
    setObjectName(QStringLiteral("codeViewerPane"));
    m_viewer->setParent(this);
    m_viewer->setThreadPool(pool);
    m_findBar->hide();
    m_blame->hide();
    m_header->setObjectName(QStringLiteral("viewerHeader"));
    m_headerPath->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_headerPath->font();
    bold.setBold(true);
    m_headerPath->setFont(bold);
    m_headerSource->setForegroundRole(QPalette::PlaceholderText);
    m_headerNote->setForegroundRole(QPalette::PlaceholderText);
    m_copyPath->setIcon(style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    m_copyPath->setText(tr("Copy Path"));
    m_copyPath->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copyPath->setToolTip(tr("Copy the file's path to the clipboard"));
    m_copyPath->setAutoRaise(true);
    // Labels may shrink below their text (the full text is in the tooltip), so a long path
    // or note never widens the window.
    for (QLabel *label : {m_headerSource, m_headerNote})
        label->setMinimumWidth(1);
    // Row one: path, copy button, commit or working tree; row two (when there is one): the
    // note, so neither squeezes the other in a narrow viewer.
    auto *headerLayout = new QVBoxLayout(m_header);
    headerLayout->setContentsMargins(6, 2, 2, 2);
    headerLayout->setSpacing(0);
    auto *firstRow = new QHBoxLayout;
    firstRow->setSpacing(8);
    firstRow->addWidget(m_headerPath);
    firstRow->addWidget(m_copyPath);
    firstRow->addWidget(m_headerSource, 1);
    headerLayout->addLayout(firstRow);
    headerLayout->addWidget(m_headerNote);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_viewer, 1);
    layout->addWidget(m_findBar);
    layout->addWidget(m_blame);

    m_viewer->addContextMenuAction(m_findAction);
    m_viewer->addContextMenuAction(m_blameAction);
    connect(m_findAction, &QAction::triggered, m_findBar, &FindBar::open);
    connect(m_findNextAction, &QAction::triggered, m_findBar, &FindBar::findNext);
    connect(m_findPreviousAction, &QAction::triggered, m_findBar, &FindBar::findPrevious);
    connect(m_blameAction, &QAction::triggered, this, &CodeViewerPane::blameSelection);
    connect(m_viewer, &CodeViewer::textReplaced, this, &CodeViewerPane::onTextReplaced);
    connect(m_viewer, &CodeViewer::loadFinished, this, &CodeViewerPane::updateHeader);
    connect(m_copyPath, &QToolButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_viewer->currentPath()); });
    m_viewer->installEventFilter(this);
    m_findBar->lineEdit()->installEventFilter(this);
    // Ctrl+F is also the main window's "Find" (it filters the tree unless the focus is in
    // this pane): the key is claimed by the event filter above, never by this action's
    // shortcut, so the two never compete ("ambiguous shortcut").
    m_findAction->setShortcutContext(Qt::WidgetShortcut);
    onTextReplaced();
}

bool CodeViewerPane::eventFilter(QObject *watched, QEvent *event) {
    const bool key = event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress;
    if (key && (watched == m_viewer || watched == m_findBar->lineEdit()) &&
        static_cast<QKeyEvent *>(event)->matches(QKeySequence::Find) && m_findAction->isEnabled()) {
        if (event->type() == QEvent::KeyPress)
            m_findBar->open();
        event->accept();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

CodeViewerPane::~CodeViewerPane() = default;

QAction *CodeViewerPane::addShortcutAction(const QString &text, const QKeySequence &key) {
    auto *action = new QAction(text, this);
    action->setShortcut(key);
    // Active while the viewer, the find bar or the blame strip has the focus.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return action;
}

std::pair<int, int> CodeViewerPane::blameRange() const {
    const auto [first, last] = m_viewer->highlightedRange();
    if (first > 0)
        return {first, last};
    const QTextCursor cursor = m_viewer->textCursor();
    const QTextDocument *doc = m_viewer->document();
    if (!cursor.hasSelection())
        return {m_viewer->currentLine(), m_viewer->currentLine()};
    const QTextBlock start = doc->findBlock(cursor.selectionStart());
    QTextBlock end = doc->findBlock(cursor.selectionEnd());
    // A selection ending at the start of a line (whole lines selected) leaves
    // that line out.
    if (end.position() == cursor.selectionEnd() && end != start)
        end = end.previous();
    return {start.blockNumber() + 1, end.blockNumber() + 1};
}

void CodeViewerPane::blameSelection() {
    if (m_viewer->lineCount() == 0)
        return;
    const std::optional<repo::RepoInfo> info = m_repoInfo ? m_repoInfo() : std::nullopt;
    if (!info) {
        m_blame->showMessage(tr("Open a git repository to see who changed these lines."));
        return;
    }
    const auto [first, last] = blameRange();
    m_blame->start(*info, m_viewer->currentPath(), first, last);
}

void CodeViewerPane::onTextReplaced() {
    const bool open = !m_viewer->currentPath().isEmpty();
    m_findNextAction->setEnabled(open);
    m_findPreviousAction->setEnabled(open);
    m_blameAction->setEnabled(open);
    m_findAction->setEnabled(open);
    if (m_blame->isVisible()) {
        m_blame->cancel();
        m_blame->hide();
    }
    updateHeader();
}

void CodeViewerPane::updateHeader() {
    const QString path = m_viewer->currentPath();
    m_header->setVisible(!path.isEmpty());
    m_headerPath->setText(path);
    m_headerPath->setToolTip(path);
    // The path shrinks last, and only when it is very long.
    m_headerPath->setMinimumWidth(
        std::min(m_headerPath->fontMetrics().horizontalAdvance(path) + 4, 360));
    const std::optional<repo::RepoInfo> info = m_repoInfo ? m_repoInfo() : std::nullopt;
    QString source;
    if (info && info->isGit && !info->ref.isEmpty())
        source = tr("%1 @ %2").arg(info->ref, info->shortSha);
    else if (info && info->isGit)
        source = info->dirty
                     ? tr("working tree · %1 @ %2 + changes").arg(info->headName, info->shortSha)
                     : tr("working tree · %1 @ %2").arg(info->headName, info->shortSha);
    else if (info)
        source = tr("folder (not a git repository)");
    m_headerSource->setText(source);
    m_headerSource->setToolTip(source);
    m_headerSource->setVisible(!source.isEmpty());
    QString note = m_viewer->isLoaded() ? QString() : tr("loading…");
    const QString highlighting = m_viewer->highlightingNote();
    if (!highlighting.isEmpty())
        note = note.isEmpty() ? highlighting : note + QStringLiteral(" · ") + highlighting;
    m_headerNote->setText(note);
    m_headerNote->setToolTip(note);
    m_headerNote->setVisible(!note.isEmpty());
}

QString CodeViewerPane::headerPathText() const {
    return m_headerPath->text();
}

QString CodeViewerPane::headerSourceText() const {
    return m_headerSource->text();
}

QString CodeViewerPane::headerNoteText() const {
    return m_headerNote->text();
}

} // namespace reposcope::ui
