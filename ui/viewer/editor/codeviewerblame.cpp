// SPDX-License-Identifier: MIT
#include "viewer/editor/codeviewerblame.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::ui {

namespace {

enum Column { LinesColumn, CommitColumn, AuthorColumn, DateColumn, SummaryColumn };

QString lineSpan(int first, int last) {
    return first == last ? QString::number(first) : QStringLiteral("%1–%2").arg(first).arg(last);
}

QTreeWidgetItem *makeRow(const repo::BlameHunk &hunk) {
    auto *item = new QTreeWidgetItem;
    item->setText(LinesColumn, lineSpan(hunk.startLine, hunk.lastLine()));
    item->setTextAlignment(LinesColumn, Qt::AlignRight | Qt::AlignVCenter);
    if (!hunk.isCommitted()) {
        item->setText(CommitColumn, QStringLiteral("—"));
        item->setText(SummaryColumn, CodeViewerBlame::tr("Not committed yet"));
        QFont italic = item->font(SummaryColumn);
        italic.setItalic(true);
        item->setFont(SummaryColumn, italic);
        return item;
    }
    item->setText(CommitColumn, hunk.shortCommit);
    item->setText(AuthorColumn, hunk.authorName);
    item->setText(DateColumn, QLocale().toString(hunk.time.date(), QLocale::ShortFormat));
    item->setText(SummaryColumn, hunk.summary);
    const QString tip = CodeViewerBlame::tr("%1\n%2 <%3>\n%4\n\n%5")
                            .arg(hunk.commit, hunk.authorName, hunk.authorEmail,
                                 QLocale().toString(hunk.time, QLocale::LongFormat), hunk.summary);
    for (int column = LinesColumn; column <= SummaryColumn; ++column)
        item->setToolTip(column, tip);
    QFont fixed = item->font(CommitColumn);
    fixed.setFamilies({QStringLiteral("monospace")});
    fixed.setStyleHint(QFont::Monospace);
    item->setFont(CommitColumn, fixed);
    return item;
}

} // namespace

CodeViewerBlame::CodeViewerBlame(QThreadPool *pool, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_headline(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_list(new QTreeWidget(this)) {
    setObjectName(QStringLiteral("blameStrip"));
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setWordWrap(true);
    m_progress->setRange(0,
                         0); // busy, no percentage: libgit2 reports no progress
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(m_headline->sizeHint().height());
    m_progress->setTextVisible(false);
    auto *close = new QToolButton(this);
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setToolTip(tr("Close"));
    close->setAutoRaise(true);

    m_list->setHeaderLabels({tr("Lines"), tr("Commit"), tr("Author"), tr("Date"), tr("Summary")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(SummaryColumn, QHeaderView::Stretch);
    m_list->setMaximumHeight(150);

    auto *top = new QHBoxLayout;
    top->addWidget(m_headline, 1);
    top->addWidget(m_progress);
    top->addWidget(m_cancelButton);
    top->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 4);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_list);

    connect(m_cancelButton, &QPushButton::clicked, this, &CodeViewerBlame::cancel);
    connect(close, &QToolButton::clicked, this, [this] {
        cancel();
        hide();
    });
    setBusy(false);
}

CodeViewerBlame::~CodeViewerBlame() {
    for (const Run &run : std::as_const(m_runs)) {
        run.cancel->store(true);
        run.watcher->disconnect(this);
    }
    for (const Run &run : std::as_const(m_runs))
        run.watcher->waitForFinished();
}

void CodeViewerBlame::start(const repo::RepoInfo &info, const QString &path, int first, int last) {
    cancel();
    m_subject = tr("lines %1 of %2").arg(lineSpan(first, last), path);
    m_hunks.clear();
    m_list->clear();
    m_headline->setText(tr("Finding who changed %1…").arg(m_subject));
    setBusy(true);
    show();

    Run run;
    run.cancel = std::make_shared<std::atomic_bool>(false);
    run.watcher = new QFutureWatcher<Result<QList<repo::BlameHunk>>>(this);
    auto *watcher = run.watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] { onFinished(watcher); });
    m_runs.append(run);
    watcher->setFuture(QtConcurrent::run(m_pool, [info, path, first, last, flag = run.cancel] {
        return repo::blameLines(info, path, first, last, flag.get());
    }));
}

void CodeViewerBlame::showMessage(const QString &message) {
    cancel();
    m_hunks.clear();
    m_list->clear();
    m_list->hide();
    m_headline->setText(message);
    show();
}

void CodeViewerBlame::cancel() {
    if (!m_busy)
        return;
    if (!m_runs.isEmpty())
        m_runs.last().cancel->store(true);
    setBusy(false);
    m_headline->setText(tr("Cancelled."));
}

QString CodeViewerBlame::headline() const {
    return m_headline->text();
}

void CodeViewerBlame::onFinished(QFutureWatcher<Result<QList<repo::BlameHunk>>> *watcher) {
    const bool current = !m_runs.isEmpty() && m_runs.last().watcher == watcher;
    const bool wanted = current && !m_runs.last().cancel->load();
    m_runs.removeIf([watcher](const Run &run) { return run.watcher == watcher; });
    const Result<QList<repo::BlameHunk>> result = watcher->result();
    watcher->deleteLater();
    if (!wanted)
        return;
    setBusy(false);
    if (!result) {
        m_list->hide();
        m_headline->setText(result.error().message);
    } else {
        m_hunks = *result;
        fill();
    }
    Q_EMIT finished();
}

void CodeViewerBlame::setBusy(bool busy) {
    m_busy = busy;
    m_progress->setVisible(busy);
    m_cancelButton->setVisible(busy);
}

void CodeViewerBlame::fill() {
    m_list->clear();
    QList<QTreeWidgetItem *> rows;
    for (const repo::BlameHunk &hunk : std::as_const(m_hunks))
        rows.append(makeRow(hunk));
    m_list->addTopLevelItems(rows);
    m_list->setVisible(!rows.isEmpty());
    QSet<QString> commits;
    for (const repo::BlameHunk &hunk : std::as_const(m_hunks)) {
        if (hunk.isCommitted())
            commits.insert(hunk.commit);
    }
    const bool uncommitted = std::any_of(m_hunks.cbegin(), m_hunks.cend(),
                                         [](const repo::BlameHunk &h) { return !h.isCommitted(); });
    QString summary = commits.size() == 1 ? tr("one commit") : tr("%1 commits").arg(commits.size());
    if (uncommitted)
        summary += tr(" and changes not committed yet");
    m_headline->setText(tr("Who changed %1: %2").arg(m_subject, summary));
}

} // namespace reposcope::ui
