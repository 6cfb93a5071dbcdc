// SPDX-License-Identifier: MIT
#include "privacy/outgoingview.h"

#include "security/secrets/secretscanner.h"
#include "viewer/codeviewer.h"
#include "viewer/findbar.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::ui {

namespace {

// Colours that read on light and dark palettes alike.
const QColor kMarkerBackground(0x2e, 0x9e, 0x4f, 90);
const QColor kSecretBackground(0xe5, 0x39, 0x35, 120);
const QColor kHeaderBackground(0x80, 0x80, 0x80, 60);

} // namespace

OutgoingView::OutgoingView(KSyntaxHighlighting::Repository &syntax, QThreadPool *pool,
                           QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_summary(new QLabel(this))
    , m_status(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_parts(new QComboBox(this))
    , m_viewer(new CodeViewer(syntax, this))
    , m_find(new FindBar(m_viewer, this)) {
    setObjectName(QStringLiteral("outgoingView"));
    setWindowTitle(tr("What Leaves the Machine"));
    m_summary->setObjectName(QStringLiteral("outgoingSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("outgoingStatus"));
    m_status->setWordWrap(true);
    m_busy->setObjectName(QStringLiteral("outgoingBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    m_cancelButton->setObjectName(QStringLiteral("outgoingCancel"));
    m_parts->setObjectName(QStringLiteral("outgoingParts"));
    m_parts->setToolTip(tr("Jump to a part of the request"));
    m_parts->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_viewer->setObjectName(QStringLiteral("outgoingText"));
    m_viewer->setThreadPool(pool);
    m_find->hide();

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_cancelButton);
    auto *summaryRow = new QHBoxLayout;
    summaryRow->addWidget(m_summary, 1);
    summaryRow->addWidget(m_parts);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    refresh->setObjectName(QStringLiteral("outgoingRefresh"));
    refresh->setToolTip(tr("Prepare the request again, with the question now in the composer"));
    connect(refresh, &QPushButton::clicked, this, &OutgoingView::refreshRequested);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(summaryRow);
    layout->addLayout(statusRow);
    layout->addWidget(m_viewer, 1);
    layout->addWidget(m_find);
    layout->addWidget(buttons);

    auto addShortcut = [this](const QString &text, const QKeySequence &keys) {
        auto *action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
        return action;
    };
    connect(addShortcut(tr("Find"), QKeySequence::Find), &QAction::triggered, m_find,
            &FindBar::open);
    connect(addShortcut(tr("Find Next"), QKeySequence(Qt::Key_F3)), &QAction::triggered, m_find,
            &FindBar::findNext);
    connect(addShortcut(tr("Find Previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3)),
            &QAction::triggered, m_find, &FindBar::findPrevious);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_cancelButton, &QPushButton::clicked, this, &OutgoingView::cancel);
    connect(m_parts, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_layout.partStarts.size())
            m_viewer->selectText(m_layout.partStarts[index], 0);
    });
    // The part list names the part at the top of the view as it scrolls.
    connect(m_viewer->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        if (m_layout.partStarts.isEmpty())
            return;
        const int top =
            m_viewer->textPosition(m_viewer->cursorForPosition(QPoint(0, 0)).position());
        const auto after =
            std::upper_bound(m_layout.partStarts.cbegin(), m_layout.partStarts.cend(), top);
        const int part = std::max(0, int(after - m_layout.partStarts.cbegin()) - 1);
        if (part < m_parts->count())
            m_parts->setCurrentIndex(part);
    });
    connect(&m_watcher, &QFutureWatcher<Built>::finished, this, &OutgoingView::onBuilt);
    resize(1000, 700);
    showStatus(QString(), false);
}

OutgoingView::~OutgoingView() {
    if (m_cancel)
        m_cancel->store(true);
    m_watcher.waitForFinished();
}

void OutgoingView::prepare(workspace::OutgoingInputs inputs) {
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_running = true;
    m_waiting = false;
    const bool firstQuestion = inputs.messages.empty();
    const int files = int(inputs.files.size());
    showStatus(!firstQuestion ? tr("Preparing…")
               : files == 1   ? tr("Preparing… writing the pack of 1 file and scanning it for "
                                     "secrets.")
                              : tr("Preparing… writing the pack of %1 files and scanning it for "
                                     "secrets.")
                                  .arg(QLocale().toString(files)),
               true);
    QThreadPool *pool = m_pool;
    m_watcher.setFuture(
        QtConcurrent::run(pool, [inputs = std::move(inputs), pool, cancel = m_cancel]() -> Built {
            Built built;
            built.request = workspace::buildOutgoing(inputs, pool, cancel.get());
            if (built.request && !cancel->load())
                built.layout = workspace::layoutOutgoing(*built.request,
                                                         inputs.policy.scanner.get(), cancel.get());
            return built;
        }));
}

void OutgoingView::showWaiting(const QString &text) {
    m_viewer->clear();
    m_parts->clear();
    m_summary->clear();
    showStatus(text, true);
    m_waiting = true;
    m_cancelButton->hide(); // nothing of ours runs yet
}

void OutgoingView::cancel() {
    if (!m_running || !m_cancel)
        return;
    m_cancel->store(true);
}

void OutgoingView::onBuilt() {
    // A finished future of a build that a newer prepare() replaced is not ours.
    if (!m_watcher.future().isValid())
        return;
    Built built = m_watcher.result();
    const bool wasCancelled = m_cancel && m_cancel->load();
    m_running = false;
    if (wasCancelled || !built.request) {
        const QString message =
            wasCancelled
                ? tr("Cancelled: nothing is shown. Close this view, or open it again "
                     "to prepare the request anew.")
                : tr("Could not prepare the request: %1").arg(built.request.error().message);
        showStatus(message, false);
        Q_EMIT failed(message);
        return;
    }
    m_request = std::move(*built.request);
    m_layout = std::move(built.layout);
    m_viewer->showText(QString(), m_layout.text);
    QList<TextMark> marks;
    marks.reserve(m_layout.spans.size());
    for (const workspace::OutgoingLayout::Span &span : std::as_const(m_layout.spans)) {
        TextMark mark{span.position, span.length, {}, {}};
        switch (span.kind) {
        case workspace::OutgoingLayout::Span::Kind::Header:
            mark.background = kHeaderBackground;
            break;
        case workspace::OutgoingLayout::Span::Kind::Marker:
            mark.background = kMarkerBackground;
            break;
        case workspace::OutgoingLayout::Span::Kind::Secret:
            mark.background = kSecretBackground;
            break;
        }
        marks.append(mark);
    }
    m_viewer->setMarks(std::move(marks));
    m_parts->clear();
    for (const workspace::OutgoingPart &part : std::as_const(m_request.parts))
        m_parts->addItem(part.label);
    updateSummary();
    QString status = tr("Header lines (━━) are not sent; everything under them is, byte for "
                        "byte.");
    if (m_layout.crlf)
        status += tr(" CRLF line ends are shown as line breaks.");
    if (!m_request.problems.isEmpty())
        status +=
            tr(" Left out of the pack: %1.").arg(m_request.problems.join(QStringLiteral("; ")));
    for (const QString &warning : std::as_const(m_warnings))
        status += QLatin1Char('\n') + warning;
    showStatus(status, false);
    Q_EMIT prepared();
}

void OutgoingView::showStatus(const QString &text, bool busy) {
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    m_busy->setVisible(busy);
    m_cancelButton->setVisible(busy);
}

void OutgoingView::updateSummary() {
    const QLocale locale;
    const int redacted =
        m_request.packIsNew ? int(m_request.secrets.redacted.size()) : m_layout.markers;
    QStringList parts;
    parts << tr("%1 bytes").arg(locale.toString(m_request.bytes))
          << tr("%1%2 tokens")
                 .arg(m_request.tokensExact ? QString() : QStringLiteral("≈"),
                      locale.toString(m_request.tokens))
          << (redacted == 1 ? tr("1 secret redacted")
                            : tr("%1 secrets redacted").arg(locale.toString(redacted)));
    if (m_layout.secrets > 0)
        parts << (m_layout.secrets == 1 ? tr("1 secret sent as it is (red)")
                                        : tr("%1 secrets sent as they are (red)")
                                              .arg(locale.toString(m_layout.secrets)));
    QString text = parts.join(QStringLiteral(" · "));
    if (!m_request.redacts)
        text += tr("\nRedaction is off for this provider: secrets are found but sent as they "
                   "are. Turn it on in Settings ▸ Providers (\"Redact secrets before sending\").");
    m_summary->setText(text);
}

QString OutgoingView::summaryText() const {
    return m_summary->text();
}

QString OutgoingView::statusText() const {
    return m_status->text();
}

} // namespace reposcope::ui
