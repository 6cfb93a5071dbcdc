// SPDX-License-Identifier: MIT
#include "findings/findingscontroller.h"

#include "findings/citationurl.h"
#include "findings/findingsmodel.h"
#include "repository/startfolder.h"
#include "text/textdecoder.h"
#include "viewer/codeviewer.h"
#include "workspace/chatsession.h"
#include "workspace/findingstracker.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSaveFile>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace reposcope::ui {

using findings::Citation;
using findings::ResolvedLocation;
using findings::VerificationStatus;

namespace {

constexpr int kMessageMs = 10000;

QString withoutCarriageReturns(QByteArray bytes) {
    return QString::fromUtf8(bytes.replace('\r', QByteArray()));
}

QString filterFor(FindingsFormat format) {
    switch (format) {
    case FindingsFormat::Sarif:
        return FindingsController::tr("SARIF 2.1.0 (*.sarif *.json)");
    case FindingsFormat::Markdown:
        return FindingsController::tr("Markdown report (*.md)");
    case FindingsFormat::Csv:
        return FindingsController::tr("CSV (*.csv)");
    }
    return {};
}

QString extensionFor(FindingsFormat format) {
    switch (format) {
    case FindingsFormat::Sarif:
        return QStringLiteral(".sarif");
    case FindingsFormat::Markdown:
        return QStringLiteral(".md");
    case FindingsFormat::Csv:
        return QStringLiteral(".csv");
    }
    return {};
}

// What a correction changed, in the words the status bar uses: "cited line 40, found at
// 47", or the paths when the file was found under another path.
QString correction(const Citation &cited, const ResolvedLocation &resolved) {
    if (!cited.path.isEmpty() && cited.path != resolved.path)
        return FindingsController::tr("cited %1, found at %2")
            .arg(models::FindingsModel::locationText(cited.path, cited.startLine, cited.endLine),
                 models::FindingsModel::locationText(resolved.path, resolved.startLine,
                                                     resolved.endLine));
    if (cited.startLine > 0 && cited.startLine != resolved.startLine)
        return FindingsController::tr("cited line %1, found at %2")
            .arg(cited.startLine)
            .arg(resolved.startLine);
    return resolved.note;
}

} // namespace

FindingsController::FindingsController(FindingsPanel *panel, CodeViewer *viewer, QThreadPool *pool,
                                       QObject *parent)
    : QObject(parent)
    , m_panel(panel)
    , m_model(panel->model())
    , m_viewer(viewer)
    , m_pool(pool) {
    m_model->setTriageLookup([this](const QString &fingerprint) {
        return m_store ? m_store->get(fingerprint) : findings::Triage{};
    });
    connect(m_model, &models::FindingsModel::triageEdited, this,
            &FindingsController::onTriageEdited);
    createActions();
    connect(m_panel, &FindingsPanel::findingActivated, this, [this](int row) { openFinding(row); });
    connect(m_panel, &FindingsPanel::flowStepActivated, this,
            [this](int row, int step) { openFlowStep(row, step); });
    connect(m_panel, &FindingsPanel::currentFindingChanged, this, [this] { m_flowStep = -1; });
    connect(m_panel, &FindingsPanel::exportRequested, this,
            [this](FindingsFormat format) { exportWithDialog(format, m_panel); });
    connect(&m_diskWatcher, &QFutureWatcher<DiskCheck>::finished, this, [this] {
        const DiskCheck check = m_diskWatcher.result();
        if (check.differs && check.path == m_viewer->currentPath())
            Q_EMIT statusMessage(
                m_diskMessage + tr(" (the file changed on disk since the question; shown as it "
                                   "was then)"),
                kMessageMs);
    });
}

void FindingsController::createActions() {
    auto add = [this](const QString &text, const QKeySequence &keys,
                      void (FindingsController::*slot)()) {
        auto *action = new QAction(text, this);
        action->setShortcut(keys);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_navigationActions = {
        add(tr("&Next Finding"), QKeySequence(Qt::Key_F8), &FindingsController::nextFinding),
        add(tr("P&revious Finding"), QKeySequence(Qt::SHIFT | Qt::Key_F8),
            &FindingsController::previousFinding),
        add(tr("Next &Data-Flow Step"), QKeySequence(Qt::ALT | Qt::Key_Down),
            &FindingsController::nextFlowStep),
        add(tr("Previous Data-Flow &Step"), QKeySequence(Qt::ALT | Qt::Key_Up),
            &FindingsController::previousFlowStep),
    };
    m_exportAction = new QAction(tr("Export &Findings…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_exportAction, &QAction::triggered, this,
            [this] { exportWithDialog(std::nullopt, m_panel->window()); });
}

FindingsController::~FindingsController() {
    m_diskWatcher.waitForFinished(); // one small file read at most
}

void FindingsController::setTracker(workspace::FindingsTracker *tracker) {
    for (const QMetaObject::Connection &connection : std::as_const(m_trackerConnections))
        disconnect(connection);
    m_trackerConnections.clear();
    m_tracker = tracker;
    if (tracker) {
        m_trackerConnections = {
            connect(tracker, &workspace::FindingsTracker::findingAdded, this,
                    &FindingsController::syncFinding),
            connect(tracker, &workspace::FindingsTracker::findingChanged, this,
                    &FindingsController::syncFinding),
            connect(tracker, &workspace::FindingsTracker::findingsReset, this,
                    &FindingsController::resetFindings),
        };
    }
    resetFindings();
}

workspace::FindingsTracker *FindingsController::tracker() const {
    return m_tracker;
}

void FindingsController::syncFinding(int index) {
    if (!m_tracker)
        return;
    const QList<findings::Finding> &all = m_tracker->findings();
    if (index < 0 || index >= all.size() || index > m_model->rowCount()) {
        resetFindings();
        return;
    }
    m_model->setFinding(index, all.at(index));
}

void FindingsController::resetFindings() {
    m_flowStep = -1;
    if (m_tracker)
        m_model->setFindings(m_tracker->findings());
    else
        m_model->clear();
}

void FindingsController::setRepository(const QString &root, const QString &ref) {
    m_root = root;
    m_ref = ref;
}

Result<Ok> FindingsController::openTriageStore(const QString &path) {
    m_store = std::make_unique<findings::TriageStore>(path);
    m_store->setRepositoryRoot(m_root); // written into the file for people and tools
    Result<Ok> loaded = m_store->load();
    m_storeWritable = loaded.ok();
    // Re-read every row's verdict from the new store.
    m_model->setTriageLookup([this](const QString &fingerprint) {
        return m_store ? m_store->get(fingerprint) : findings::Triage{};
    });
    if (!loaded)
        Q_EMIT statusMessage(
            tr("Triage not loaded, and not saved until fixed: %1").arg(loaded.error().message), 0);
    return loaded;
}

void FindingsController::onTriageEdited(const QString &fingerprint,
                                        const findings::Triage &triage) {
    if (!m_store)
        return;
    m_store->set(fingerprint, triage);
    if (!m_storeWritable) {
        Q_EMIT statusMessage(tr("Triage kept for this session only: the triage file could not "
                                "be read, so it is left as it is."),
                             kMessageMs);
        return;
    }
    const Result<Ok> saved = m_store->save();
    if (!saved)
        Q_EMIT statusMessage(tr("Could not save the triage: %1").arg(saved.error().message),
                             kMessageMs);
}

bool FindingsController::openFinding(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return false;
    if (m_panel->currentFinding() != row)
        m_panel->setCurrentFinding(row);
    m_flowStep = -1;
    m_panel->setCurrentFlowStep(-1);
    const findings::Finding &finding = m_model->finding(row);
    return showLocation(finding.resolved, finding.citation, QString());
}

bool FindingsController::openFlowStep(int row, int step) {
    if (row < 0 || row >= m_model->rowCount())
        return false;
    const findings::Finding &finding = m_model->finding(row);
    if (step < 0 || step >= finding.flow.size())
        return false;
    if (m_panel->currentFinding() != row)
        m_panel->setCurrentFinding(row);
    m_flowStep = step;
    m_panel->setCurrentFlowStep(step);
    const findings::FlowStep &flowStep = finding.flow.at(step);
    QString prefix = tr("Step %1 of %2").arg(step + 1).arg(finding.flow.size());
    if (!flowStep.label.isEmpty())
        prefix += QStringLiteral(" (") + flowStep.label + QLatin1Char(')');
    return showLocation(flowStep.resolved, flowStep.citation, prefix + QStringLiteral(": "));
}

bool FindingsController::openCitation(const Citation &citation) {
    if (!m_tracker) {
        Q_EMIT statusMessage(tr("%1 cannot be checked: no question was asked on this "
                                "repository yet")
                                 .arg(citation.text),
                             kMessageMs);
        return false;
    }
    return showLocation(m_tracker->resolve(citation), citation, QString());
}

bool FindingsController::openUrl(const QUrl &url) {
    if (url.scheme() != findings::kCitationScheme)
        return false;
    const std::optional<Citation> citation = findings::citationFromUrl(url);
    if (!citation) {
        Q_EMIT statusMessage(tr("Not a valid citation link: %1").arg(url.toString()), kMessageMs);
        return true;
    }
    openCitation(*citation);
    return true;
}

bool FindingsController::showText(const QString &path) {
    const findings::SourceSetPtr sources = m_tracker ? m_tracker->sources() : nullptr;
    const std::optional<QByteArray> text = sources ? sources->text(path) : std::nullopt;
    if (!text)
        return false;
    if (m_viewer->currentPath() != path || m_viewer->lineCount() == 0 ||
        m_viewer->shownText() != QString::fromUtf8(*text))
        m_viewer->showText(path, QString::fromUtf8(*text));
    return true;
}

bool FindingsController::showLocation(const ResolvedLocation &resolved, const Citation &cited,
                                      const QString &prefix) {
    const QString citedText =
        cited.text.isEmpty()
            ? models::FindingsModel::locationText(cited.path, cited.startLine, cited.endLine)
            : cited.text;
    if (resolved.canNavigate() && !resolved.path.isEmpty()) {
        if (!showText(resolved.path)) {
            Q_EMIT statusMessage(prefix + tr("%1 cannot be shown: its text from the question is "
                                             "no longer available")
                                              .arg(resolved.path),
                                 kMessageMs);
            return false;
        }
        const int first = std::max(1, resolved.startLine);
        const int last = std::max(first, resolved.endLine);
        if (resolved.startLine > 0) {
            m_viewer->highlightLines(first, last);
            m_viewer->goToLine(first);
        } else {
            m_viewer->clearLineHighlight();
        }
        const QString where = models::FindingsModel::locationText(resolved.path, resolved.startLine,
                                                                  resolved.endLine);
        QString message = resolved.status == VerificationStatus::Corrected
                              ? tr("%1 — corrected: %2").arg(where, correction(cited, resolved))
                          : resolved.status == VerificationStatus::Located
                              ? tr("%1 — located (no quote to check)").arg(where)
                              : tr("%1 — verified").arg(where);
        message.prepend(prefix);
        Q_EMIT statusMessage(message, kMessageMs);
        checkDisk(resolved.path, message);
        return true;
    }
    // Never at a line: the cited one is not trustworthy.
    const QString reason = resolved.note.isEmpty()
                               ? (resolved.status == VerificationStatus::Pending
                                      ? tr("not checked yet (the request's files are not known)")
                                      : tr("the location could not be checked"))
                               : resolved.note;
    QString message;
    if (!resolved.path.isEmpty() && showText(resolved.path)) {
        m_viewer->clearLineHighlight();
        m_viewer->goToLine(1);
        message = tr("%1 is unverified: %2 — %3 opened at the top, not at a line")
                      .arg(citedText, reason, resolved.path);
    } else {
        message = tr("%1 is unverified: %2 — the viewer was not moved").arg(citedText, reason);
    }
    Q_EMIT statusMessage(prefix + message, kMessageMs);
    return false;
}

void FindingsController::checkDisk(const QString &path, const QString &message) {
    // Only a working-tree audit can drift from the disk; a ref audit shows the
    // commit.
    if (m_root.isEmpty() || !m_ref.isEmpty() || !m_pool || m_diskWatcher.isRunning())
        return;
    const QString file = m_root + QLatin1Char('/') + path;
    const QString shown = m_viewer->shownText(); // all of it, cut lines included
    m_diskMessage = message;
    m_diskWatcher.setFuture(QtConcurrent::run(m_pool, [file, path, shown] {
        DiskCheck check{path, false};
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly)) {
            check.differs = true; // deleted or unreadable since
            return check;
        }
        const text::DecodedText decoded = text::decodeText(in.readAll());
        check.differs = !decoded.binary && withoutCarriageReturns(decoded.utf8) !=
                                               QString(shown).remove(QLatin1Char('\r'));
        return check;
    }));
}

void FindingsController::stepFinding(int delta) {
    const int row = m_panel->selectAdjacent(delta);
    if (row < 0) {
        Q_EMIT statusMessage(m_model->rowCount() == 0 ? tr("No findings yet")
                                                      : tr("No finding matches the filters"),
                             kMessageMs);
        return;
    }
    openFinding(row);
}

void FindingsController::walkFlow(int delta) {
    int row = m_panel->currentFinding();
    if (row < 0) {
        row = m_panel->selectAdjacent(1);
        if (row < 0) {
            Q_EMIT statusMessage(tr("No findings yet"), kMessageMs);
            return;
        }
    }
    const qsizetype steps = m_model->finding(row).flow.size();
    if (steps == 0) {
        Q_EMIT statusMessage(tr("This finding has no data-flow steps"), kMessageMs);
        return;
    }
    const int step = m_flowStep + delta;
    if (step < 0 || step >= steps) {
        Q_EMIT statusMessage(step < 0 ? tr("Already at the first step of the data flow")
                                      : tr("Already at the last step of the data flow"),
                             kMessageMs);
        return;
    }
    openFlowStep(row, step);
}

std::optional<FindingsFormat> FindingsController::formatForPath(const QString &path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("sarif") || suffix == QLatin1String("json"))
        return FindingsFormat::Sarif;
    if (suffix == QLatin1String("md") || suffix == QLatin1String("markdown"))
        return FindingsFormat::Markdown;
    if (suffix == QLatin1String("csv"))
        return FindingsFormat::Csv;
    return std::nullopt;
}

Result<Ok> FindingsController::exportTo(const QString &path, FindingsFormat format) const {
    const QList<findings::Finding> list = m_model->findings();
    findings::ExportContext context = m_context ? m_context() : findings::ExportContext{};
    if (context.toolVersion.isEmpty())
        context.toolVersion = QApplication::applicationVersion();
    context.triage = m_store.get();
    QByteArray bytes;
    switch (format) {
    case FindingsFormat::Sarif:
        bytes = findings::toSarif(list, context);
        break;
    case FindingsFormat::Markdown:
        bytes = findings::toMarkdown(list, context);
        break;
    case FindingsFormat::Csv:
        bytes = findings::toCsv(list, context);
        break;
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return Error::make(Error::Code::Io, tr("Cannot write %1: %2").arg(path, out.errorString()));
    if (out.write(bytes) != bytes.size() || !out.commit())
        return Error::make(
            Error::Code::Io,
            tr("Cannot save %1: %2 (is the disk full?)").arg(path, out.errorString()));
    return Ok{};
}

void FindingsController::exportWithDialog(std::optional<FindingsFormat> format,
                                          QWidget *dialogParent) {
    if (m_model->rowCount() == 0) {
        QMessageBox::information(dialogParent, tr("Export Findings"),
                                 tr("There are no findings to export yet."));
        return;
    }
    const QList<FindingsFormat> order{FindingsFormat::Sarif, FindingsFormat::Markdown,
                                      FindingsFormat::Csv};
    QStringList filters;
    for (FindingsFormat each : order)
        filters << filterFor(each);
    QString selected = filterFor(format.value_or(FindingsFormat::Sarif));
    const QString name =
        (m_root.isEmpty() ? QStringLiteral("findings")
                          : QFileInfo(m_root).fileName() + QStringLiteral("-findings")) +
        extensionFor(format.value_or(FindingsFormat::Sarif));
    const QString startKey = QStringLiteral("exportFindings");
    QString path = QFileDialog::getSaveFileName(
        dialogParent, tr("Export Findings"), dialogStartPath(startKey, name),
        format ? selected : filters.join(QStringLiteral(";;")), &selected);
    if (path.isEmpty())
        return;
    rememberDialogFolder(startKey, path);
    FindingsFormat chosen = order.value(std::max(0, int(filters.indexOf(selected))));
    if (format)
        chosen = *format;
    if (const std::optional<FindingsFormat> byName = formatForPath(path))
        chosen = *byName;
    else
        path += extensionFor(chosen);
    const Result<Ok> written = exportTo(path, chosen);
    if (!written) {
        QMessageBox::warning(dialogParent, tr("Export Findings"), written.error().message);
        return;
    }
    Q_EMIT statusMessage(tr("Exported %n finding(s) to %1", nullptr, m_model->rowCount()).arg(path),
                         kMessageMs);
}

findings::ExportContext FindingsController::contextFor(workspace::Workspace *workspace,
                                                       workspace::ChatSession *session) {
    findings::ExportContext context;
    if (workspace && workspace->snapshot()) {
        const repo::RepoInfo &info = workspace->snapshot()->info();
        context.repositoryRoot = info.rootPath;
        context.repositoryName = QFileInfo(info.rootPath).fileName();
        context.commit = info.sha.isEmpty() ? info.shortSha : info.sha;
        context.ref = info.ref;
    }
    if (!session)
        return context;
    const llm::ChatTarget &target = session->target();
    context.provider = target.providerId;
    context.model = target.model;
    const llm::Conversation *conversation = session->conversation();
    const QList<llm::Turn> &turns = conversation->turns();
    // The question the findings came from: the last finding's turn, else the last
    // turn; for a continuation, the question it continues (never the "continue" prompt).
    int turn = int(turns.size()) - 1;
    if (workspace::FindingsTracker *tracker = session->findings();
        tracker && !tracker->findings().isEmpty())
        turn = tracker->turnOf(int(tracker->findings().size()) - 1);
    workspace::describeAnswer(context, *conversation, turn);
    return context;
}

} // namespace reposcope::ui
