// SPDX-License-Identifier: MIT
#include "budget/budgetmeter.h"

#include "budget/budgetbar.h"
#include "budget/budgetsegments.h"
#include "budget/meterbar.h"
#include "llm/local/localengine.h"
#include "local/custommodeldialog.h"

#include "prompt/budget.h"
#include "prompt/packformat.h"
#include "prompt/systemprompt.h"
#include "repotreemodel.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace reposcope::ui {

namespace {

// Per-model settings ("cap", "tokenizerFile") under one key scheme.
QString modelSettingKey(const QString &what, const QString &provider, const QString &model) {
    QString id = provider + QLatin1Char('_') + model;
    id.replace(QLatin1Char('/'), QLatin1Char('_'));
    return QStringLiteral("budget/") + what + QLatin1Char('/') + id;
}

} // namespace

BudgetMeter::BudgetMeter(workspace::Workspace *workspace, llm::ModelCatalog *catalog,
                         QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_catalog(catalog)
    , m_provider(new QComboBox(this))
    , m_model(new QComboBox(this))
    , m_cap(new QSpinBox(this))
    , m_reserved(new QSpinBox(this))
    , m_lineNumbers(new QCheckBox(tr("Line numbers in the pack"), this))
    , m_bar(new MeterBar(this))
    , m_breakdown(new BudgetBar(this))
    , m_figures(new QLabel(this))
    , m_figuresArea(new QScrollArea(this))
    , m_fit(new QPushButton(tr("Fit to budget"), this)) {
    m_cap->setRange(64, 100'000'000); // tiny local models run with a few hundred tokens
    m_cap->setSingleStep(1024);
    m_cap->setGroupSeparatorShown(true);
    m_cap->setSuffix(tr(" tokens"));
    m_cap->setToolTip(tr("The model's context window. Set it to what your server was started with; "
                         "it is remembered per model."));
    m_reserved->setRange(0, 1'000'000);
    m_reserved->setSingleStep(1024);
    m_reserved->setGroupSeparatorShown(true);
    m_reserved->setSuffix(tr(" tokens"));
    m_reserved->setToolTip(tr("Room kept free for the answer"));
    QSettings settings;
    m_reserved->setValue(settings.value(QStringLiteral("budget/reserved"), 8192).toInt());
    m_lineNumbers->setChecked(settings.value(QStringLiteral("budget/lineNumbers"), false).toBool());
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_figures->setWordWrap(true);
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_figures->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_bar->setAccessibleName(tr("Budget used"));
    // The figures take from two to eight lines: in a scroll area of a fixed height the meter
    // (and the dock) keep their height while the text changes.
    m_figuresArea->setWidget(m_figures);
    m_figuresArea->setWidgetResizable(true);
    m_figuresArea->setFrameShape(QFrame::NoFrame);
    m_figuresArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_figuresArea->setFixedHeight(m_figures->fontMetrics().lineSpacing() * 6 + 4);
    m_figuresArea->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_fit->setToolTip(tr("Deselect generated files, then tests, then docs, then the largest files, "
                         "until the request fits"));

    auto *addModel = new QToolButton(this);
    addModel->setText(tr("Custom…"));
    addModel->setToolTip(tr("Add any model with its own context cap and prices"));
    connect(addModel, &QToolButton::clicked, this, &BudgetMeter::addCustomModel);
    auto *tokenizerFile = new QToolButton(this);
    tokenizerFile->setText(tr("Tokenizer…"));
    tokenizerFile->setToolTip(
        tr("Choose this model's own tokenizer.json or GGUF for exact counts"));
    connect(tokenizerFile, &QToolButton::clicked, this, &BudgetMeter::chooseTokenizerFile);
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(addModel);
    modelRow->addWidget(tokenizerFile);
    auto *form = new QFormLayout;
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model"), modelRow);
    form->addRow(tr("Context cap"), m_cap);
    form->addRow(tr("Reserve for answer"), m_reserved);
    form->addRow(QString(), m_lineNumbers);
    auto *fitRow = new QHBoxLayout;
    fitRow->addWidget(m_bar, 1);
    fitRow->addWidget(m_fit);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    layout->addLayout(fitRow);
    layout->addWidget(m_breakdown);
    layout->addWidget(m_figuresArea);
    layout->addStretch(1);

    connect(m_provider, &QComboBox::currentIndexChanged, this, &BudgetMeter::onProviderChanged);
    connect(m_model, &QComboBox::currentIndexChanged, this, &BudgetMeter::onModelChanged);
    connect(m_cap, &QSpinBox::valueChanged, this, [this](int value) {
        if (const llm::ModelEntry *m = currentModel())
            QSettings().setValue(modelSettingKey(QStringLiteral("cap"), currentProviderId(), m->id),
                                 value);
        refresh();
    });
    connect(m_reserved, &QSpinBox::valueChanged, this, [this](int value) {
        QSettings().setValue(QStringLiteral("budget/reserved"), value);
        refresh();
    });
    connect(m_lineNumbers, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("budget/lineNumbers"), on);
        m_tokensPerLine = 0;
        refresh();
    });
    connect(m_fit, &QPushButton::clicked, this, &BudgetMeter::requestFit);
    connect(m_workspace, &workspace::Workspace::countStateChanged, this, [this] {
        if (countsComplete())
            m_fitNote.clear();
        refresh();
    });
    reloadCatalog();
}

void BudgetMeter::reloadCatalog() {
    const QString previous = currentProviderId();
    QSignalBlocker block(m_provider);
    m_provider->clear();
    for (const llm::ProviderEntry &p : m_catalog->providers())
        m_provider->addItem(p.name, p.id);
    const QString wanted = previous.isEmpty() ? QSettings()
                                                    .value(QStringLiteral("budget/provider"),
                                                           QStringLiteral("openrouter"))
                                                    .toString()
                                              : previous;
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(wanted)));
    onProviderChanged();
}

QString BudgetMeter::currentProviderId() const {
    return m_provider->currentData().toString();
}

const llm::ModelEntry *BudgetMeter::currentModel() const {
    return m_catalog->model(currentProviderId(), m_model->currentData().toString());
}

void BudgetMeter::selectModel(const QString &providerId, const QString &modelId) {
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(providerId)));
    m_model->setCurrentIndex(std::max(0, m_model->findData(modelId)));
}

void BudgetMeter::selectModelWith(const QString &providerId, const QString &modelId, qint64 cap,
                                  const QString &tokenizerFile) {
    QSettings settings;
    settings.setValue(modelSettingKey(QStringLiteral("cap"), providerId, modelId), cap);
    settings.setValue(modelSettingKey(QStringLiteral("tokenizerFile"), providerId, modelId),
                      tokenizerFile);
    settings.setValue(QStringLiteral("budget/model/") + providerId, modelId);
    if (m_provider->findData(providerId) < 0)
        reloadCatalog(); // a provider new to the catalog
    const int index = std::max(0, m_provider->findData(providerId));
    // Either way onProviderChanged() re-reads the provider's models from the catalog,
    // selects the model saved above and emits modelChanged once.
    if (m_provider->currentIndex() == index)
        onProviderChanged();
    else
        m_provider->setCurrentIndex(index);
}

bool BudgetMeter::lineNumbers() const {
    return m_lineNumbers->isChecked();
}

qint64 BudgetMeter::contextCap() const {
    return m_cap->value();
}

void BudgetMeter::onProviderChanged() {
    const llm::ProviderEntry *p = m_catalog->provider(currentProviderId());
    QSettings().setValue(QStringLiteral("budget/provider"), currentProviderId());
    QSignalBlocker block(m_model);
    m_model->clear();
    if (p) {
        // Retired and removed entries stay as history, listed last and never the default.
        for (const llm::ModelEntry *m : m_catalog->pickerOrder(p->id))
            m_model->addItem(llm::ModelCatalog::pickerLabel(*m), m->id);
        m_provider->setToolTip(p->note);
    }
    // The model chosen before, unless its host retired it since (requests would fail).
    const QString saved =
        QSettings().value(QStringLiteral("budget/model/") + currentProviderId()).toString();
    const llm::ModelEntry *savedModel = m_catalog->model(currentProviderId(), saved);
    const llm::ModelEntry *fallback = m_catalog->defaultModel(currentProviderId());
    const QString wanted =
        savedModel && (!savedModel->isRetired() || !fallback || fallback->isRetired())
            ? saved
            : (fallback ? fallback->id : QString());
    m_model->setCurrentIndex(std::max(0, m_model->findData(wanted)));
    m_model->setEnabled(m_model->count() > 0);
    onModelChanged();
}

void BudgetMeter::onModelChanged() {
    m_liveCapSource.clear();
    m_liveCap = 0;
    m_backendNote.clear();
    const llm::ModelEntry *m = currentModel();
    if (m) {
        QSettings().setValue(QStringLiteral("budget/model/") + currentProviderId(), m->id);
        QSignalBlocker block(m_cap);
        m_cap->setValue(
            int(QSettings()
                    .value(modelSettingKey(QStringLiteral("cap"), currentProviderId(), m->id),
                           m->contextTokens)
                    .toLongLong()));
        QString tip = tr("%1\nCatalog figures as of %2").arg(m->id, m->asOf);
        if (!m->status.isEmpty())
            tip += QLatin1Char('\n') + m->status;
        if (!m->note.isEmpty())
            tip += QLatin1Char('\n') + m->note;
        m_model->setToolTip(tip);
    }
    refresh();
    Q_EMIT modelChanged();
}

qint64 BudgetMeter::systemPromptTokens() const {
    const tokenize::Tokenizer &tok = m_workspace->tokenizer();
    if (m_systemTokensFor != tok.id()) {
        const QByteArray system = prompt::defaultSystemPrompt();
        m_systemTokens = tok.count(std::string_view(system.constData(), size_t(system.size())));
        m_systemTokensFor = tok.id();
    }
    return m_systemTokens;
}

qint64 BudgetMeter::fixedTokens() const {
    return m_workspace->fixedOverhead() + systemPromptTokens() + reservedOutput() + m_imageTokens;
}

qint64 BudgetMeter::reserveContext() const {
    // The local engine's cap is what it was started with. For any other model the model's
    // known context (the live server's figure, else the catalog's): a cap the user lowers by
    // hand does not shrink the reserve behind their back (the meter then says it is over).
    if (currentProviderId() == llm::localProviderId())
        return contextCap();
    const qint64 known = knownLimit();
    return known > 0 ? known : contextCap();
}

int BudgetMeter::reservedOutput() const {
    // A model's context may be 4–8K (a local engine is whatever it was started with, a small
    // hosted model 8K): the default 8K reserve would leave no room for a single file. The
    // reserve is at most half the context; for the local engine also at most the model's
    // maximum output. (A hosted model's maximum output is the host's to enforce.)
    const llm::ModelEntry *model = currentModel();
    const bool local = currentProviderId() == llm::localProviderId();
    return int(prompt::answerReserve(m_reserved->value(), reserveContext(),
                                     local && model ? model->maxOutputTokens : 0));
}

void BudgetMeter::setLiveCap(qint64 tokens, const QString &source) {
    if (tokens <= 0) {
        m_liveCapSource.clear();
        m_liveCap = 0;
        refresh();
        return;
    }
    QSignalBlocker block(m_cap); // the server's figure is not the user's override
    m_cap->setValue(int(std::min<qint64>(tokens, m_cap->maximum())));
    m_liveCapSource = source;
    m_liveCap = tokens;
    refresh();
}

void BudgetMeter::setBackendNote(const QString &note) {
    m_backendNote = note;
    refresh();
}

void BudgetMeter::setImageTokens(qint64 tokens, bool exact) {
    m_imageTokens = tokens;
    m_imageTokensExact = exact;
    refresh();
}

void BudgetMeter::refresh() {
    const tokenize::Tokenizer &tok = m_workspace->tokenizer();
    if (m_lineNumbers->isChecked() && m_tokensPerLine == 0) {
        prompt::PackOptions o = m_workspace->packFormat().options();
        o.lineNumbers = true;
        m_tokensPerLine = prompt::PackFormat(o).tokensPerLinePrefix(tok);
    }
    const llm::ModelEntry *model = currentModel();
    prompt::BudgetInput in;
    in.systemPromptTokens = systemPromptTokens();
    in.reservedOutputTokens = reservedOutput();
    in.contextCap = contextCap();
    in.imageTokens = m_imageTokens;
    const double correction =
        !m_workspace->countsAreExact() && m_correction.samples > 0 ? m_correction.factor : 1.0;
    if (model)
        in.inputPricePerMillion = model->inputPerMillion;
    const prompt::Selection *sel = m_workspace->selection();
    if (sel) {
        const prompt::Totals &t = sel->selected(0);
        in.contentTokens = qint64(std::llround(double(t.tokens) * correction));
        in.packOverheadTokens = t.overhead + m_workspace->fixedOverhead();
        in.lineNumberTokens =
            m_lineNumbers->isChecked() ? qint64(std::ceil(double(t.lines) * m_tokensPerLine)) : 0;
    }
    const prompt::BudgetFigures f = prompt::computeBudget(in);
    m_last = f;
    const QString approx = m_workspace->countsAreExact() ? QString() : QStringLiteral("≈");
    const workspace::CountState counts = m_workspace->countState();
    const bool partial = sel && !counts.complete();
    const QLocale loc = QLocale::system();
    const int sharePercent = int(std::floor(counts.share() * 100));
    if (partial) {
        // A partial sum is not a budget: the bar shows how much is counted, in a neutral
        // striped colour, and no percentage of the cap (82% so far can end at 829%).
        m_bar->setValue(int(counts.share() * 1000));
        m_bar->setFormat(counts.phase == workspace::CountState::Phase::Stopped
                             ? tr("counting stopped at %1% of files").arg(sharePercent)
                             : tr("counting… %1% of files").arg(sharePercent));
        m_bar->setStyleSheet(QStringLiteral(
            "QProgressBar::chunk { background: qlineargradient(spread:repeat, x1:0, y1:0, "
            "x2:0.02, y2:0.16, stop:0 #aab4bc, stop:0.5 #aab4bc, stop:0.51 #d5dbe0, "
            "stop:1 #d5dbe0); }"));
        m_bar->setProperty("level", -1);
        m_bar->setFillColour(QColor(0xaa, 0xb4, 0xbc));
    } else {
        m_bar->setValue(int(std::min(1000.0, f.fraction * 1000)));
        m_bar->setFormat(
            QStringLiteral("%1%2 / %3 (%4%)")
                .arg(approx, models::formatTokens(f.usedTokens), models::formatTokens(f.contextCap))
                .arg(f.fraction * 100, 0, 'f', 1));
        const char *colour = f.level == prompt::BudgetFigures::Level::Over   ? "#c0392b"
                             : f.level == prompt::BudgetFigures::Level::Near ? "#d68910"
                                                                             : "#2e86c1";
        m_bar->setStyleSheet(
            QStringLiteral("QProgressBar::chunk { background: %1; }").arg(QLatin1String(colour)));
        m_bar->setProperty("level", int(f.level));
        m_bar->setFillColour(QColor(QLatin1String(colour)));
    }
    m_bar->setProperty("counting", partial);
    m_breakdown->setSegments(budgetSegments(sel, in, correction), f.contextCap,
                             partial ? m_bar->format() : QString());
    const QString fitReason = countsPendingReason();
    m_fit->setEnabled(model != nullptr && fitReason.isEmpty());
    m_fit->setToolTip(fitReason.isEmpty()
                          ? tr("Deselect generated files, then tests, then docs, then the "
                               "largest files, until the request fits")
                          : fitReason);
    const QString capWarn = capWarning();
    if (!capWarn.isEmpty()) // the bar itself says the cap is not to be trusted
        m_bar->setFormat(m_bar->format() + QStringLiteral("  ⚠ ") +
                         tr("cap above the model's limit"));
    m_cap->setStyleSheet(capWarn.isEmpty() ? QString()
                                           : QStringLiteral("QSpinBox { color: #c0392b; }"));

    QString text =
        tr("Files %1%2 · pack overhead %1%3 · line numbers %1%4 · system prompt %1%5 · "
           "reserved for the answer %6")
            .arg(approx, loc.toString(in.contentTokens), loc.toString(in.packOverheadTokens),
                 loc.toString(in.lineNumberTokens), loc.toString(in.systemPromptTokens),
                 loc.toString(in.reservedOutputTokens));
    // The figure sent as max_tokens is this one: say why it is below the spin box's.
    if (in.reservedOutputTokens < m_reserved->value()) {
        const bool half = in.reservedOutputTokens == reserveContext() / 2;
        text += tr(" (of your %1: at most %2)")
                    .arg(loc.toString(m_reserved->value()),
                         half ? tr("half the context") : tr("the model's maximum output"));
    }
    if (in.imageTokens > 0)
        text += tr(" · images %1%2")
                    .arg(m_imageTokensExact ? QString() : QStringLiteral("≈"),
                         loc.toString(in.imageTokens));
    if (partial) {
        text += QStringLiteral("<br><b>%1</b>").arg(fitReason.toHtmlEscaped());
        if (f.level == prompt::BudgetFigures::Level::Over)
            text += QStringLiteral("<br>") +
                    tr("Already over the cap by at least %1 tokens.").arg(loc.toString(f.overBy()));
    } else if (f.level == prompt::BudgetFigures::Level::Over) {
        text += QStringLiteral("<br><b style='color:#c0392b'>%1</b>")
                    .arg(tr("Over the cap by %1 tokens — deselect files or use Fit to budget.")
                             .arg(loc.toString(f.overBy())));
    }
    if (!capWarn.isEmpty())
        text +=
            QStringLiteral("<br><b style='color:#c0392b'>⚠ %1</b>").arg(capWarn.toHtmlEscaped());
    if (!m_fitNote.isEmpty())
        text += QStringLiteral("<br><span style='color:#d68910'>%1</span>")
                    .arg(m_fitNote.toHtmlEscaped());
    if (f.inputCost)
        text += QStringLiteral("<br>") +
                tr("Input cost of one request: %1$%2").arg(approx).arg(*f.inputCost, 0, 'f', 4);
    else if (model)
        text += QStringLiteral("<br>") +
                tr("Price unknown for this model (set it in your catalog.json)");
    if (!m_liveCapSource.isEmpty())
        text += QStringLiteral("<br>") +
                tr("Cap read from the server (%1).").arg(m_liveCapSource.toHtmlEscaped());
    if (!m_backendNote.isEmpty())
        text += QStringLiteral("<br><span style='color:#d68910'>%1</span>")
                    .arg(m_backendNote.toHtmlEscaped());
    text += QStringLiteral("<br><i>") + tokenizerLine().toHtmlEscaped() + QStringLiteral("</i>");
    m_figures->setText(text);
    QString tip = text;
    tip += QStringLiteral("<br>");
    if (m_workspace->countsAreExact())
        tip += tr("Exact counts: no correction needed.");
    else if (m_correction.samples == 0)
        tip += tr(
            "No correction learned yet: it is learned from the prompt tokens the backend reports.");
    else
        tip +=
            tr("Correction ×%1 applied, learned from %n request(s).", nullptr, m_correction.samples)
                .arg(m_correction.factor, 0, 'f', 3);
    m_bar->setToolTip(tip);
    Q_EMIT figuresChanged();
}

QString BudgetMeter::tokenizerLine() const {
    const tokenize::Tokenizer &tok = m_workspace->tokenizer();
    if (m_workspace->countsAreExact())
        return tr("Exact counts with the model's own tokenizer (%1).").arg(tok.displayName());
    QString line = tr("≈ Counted with %1.").arg(tok.displayName());
    if (!m_tokenizerNote.isEmpty())
        line += QLatin1Char(' ') + m_tokenizerNote;
    return line;
}

void BudgetMeter::setTokenizerInfo(const QString &note, const tokenize::Correction &correction) {
    m_tokenizerNote = note;
    m_correction = correction;
    refresh();
}

void BudgetMeter::setCorrection(const tokenize::Correction &correction) {
    m_correction = correction;
    refresh();
}

QString BudgetMeter::tokenizerFileSetting() const {
    const llm::ModelEntry *m = currentModel();
    return m ? QSettings()
                   .value(
                       modelSettingKey(QStringLiteral("tokenizerFile"), currentProviderId(), m->id))
                   .toString()
             : QString();
}

void BudgetMeter::chooseTokenizerFile() {
    const llm::ModelEntry *m = currentModel();
    if (!m)
        return;
    const QString key =
        modelSettingKey(QStringLiteral("tokenizerFile"), currentProviderId(), m->id);
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Tokenizer for %1").arg(m->name), QString(),
                                     tr("Tokenizers (tokenizer.json *.gguf);;All files (*)"));
    if (file.isEmpty())
        return;
    QSettings().setValue(key, file);
    Q_EMIT modelChanged();
}

void BudgetMeter::addCustomModel() {
    CustomModelDialog dialog(*m_catalog, currentProviderId(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const llm::ModelEntry model = dialog.model();
    const Result<Ok> saved = CustomModelDialog::saveToUserCatalog(
        llm::ModelCatalog::defaultUserFile(), dialog.providerId(), model);
    if (!saved)
        QMessageBox::warning(this, tr("Custom Model"),
                             saved.error().message +
                                 tr("\nThe model is available until you quit."));
    m_catalog->upsertModel(dialog.providerId(), model);
    reloadCatalog();
    selectModel(dialog.providerId(), model.id);
}

void BudgetMeter::requestFit() {
    // Fitting a partial sum would keep files whose counts arrive later: wait for them.
    if (const QString reason = countsPendingReason(); !reason.isEmpty()) {
        m_fitNote = tr("Fit to budget did not run: %1").arg(reason);
        refresh();
        return;
    }
    m_fitNote.clear();
    refresh();
    Q_EMIT fitRequested(fixedTokens(), contextCap(), m_tokensPerLine);
}

bool BudgetMeter::countsComplete() const {
    return m_workspace->selection() && m_workspace->countState().complete();
}

QString BudgetMeter::countsPendingReason() const {
    if (!m_workspace->selection())
        return tr("No repository is open.");
    const workspace::CountState counts = m_workspace->countState();
    const QLocale loc = QLocale::system();
    switch (counts.phase) {
    case workspace::CountState::Phase::Complete:
        return {};
    case workspace::CountState::Phase::Counting:
        if (counts.total == 0)
            return tr("Counting with %1 has not started yet; the figures wait for it.")
                .arg(m_workspace->tokenizer().displayName());
        return tr("Still counting: %1 of %2 files counted (%3%). The total is known when "
                  "counting ends.")
            .arg(loc.toString(counts.done), loc.toString(counts.total))
            .arg(int(std::floor(counts.share() * 100)));
    case workspace::CountState::Phase::Stopped:
    case workspace::CountState::Phase::NoRepository:
        break;
    }
    return tr("Counting was stopped with %1 of %2 files counted: the total leaves the rest "
              "out. Open the repository again to count every file.")
        .arg(loc.toString(counts.done), loc.toString(counts.total));
}

qint64 BudgetMeter::knownLimit() const {
    if (m_liveCap > 0)
        return m_liveCap;
    const llm::ModelEntry *model = currentModel();
    return model ? model->contextTokens : 0;
}

QString BudgetMeter::capWarning() const {
    const qint64 limit = knownLimit();
    if (limit <= 0 || contextCap() <= limit)
        return {};
    const QLocale loc = QLocale::system();
    const QString whose = m_liveCap > 0 ? tr("the server's") : tr("this model's");
    return tr("cap %1 is above %2 %3 limit: requests past %3 tokens will be refused or cut.")
        .arg(loc.toString(contextCap()), whose, loc.toString(limit));
}

QString BudgetMeter::summaryText() const {
    return m_bar->format();
}

} // namespace reposcope::ui
