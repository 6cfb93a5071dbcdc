// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "prompt/budget.h"
#include "tokenize/correctionstore.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;

namespace reposcope::workspace {
class Workspace;
}

namespace reposcope::ui {

class BudgetBar;
class MeterBar;

// The budget meter: selected files + pack overhead + system prompt + reserved output
// against the chosen model's context cap, with the percentage, a colour that turns
// amber near the cap and red over it, the input cost of one request, and "Fit to
// budget". Recomputes in O(1) from the selection's running sums.
// While the counts fill in (after opening, a model or tokenizer switch) it shows a
// neutral striped "counting… N% of files" state instead: a partial sum never takes the
// normal colours, and Fit to budget waits (disabled, its tooltip says why).
class BudgetMeter : public QWidget {
    Q_OBJECT
public:
    BudgetMeter(workspace::Workspace *workspace, llm::ModelCatalog *catalog,
                QWidget *parent = nullptr);

    // Re-reads the selection's totals (connected to the tree model's totals signal).
    void refresh();
    void reloadCatalog();
    const llm::ModelEntry *currentModel() const;
    QString currentProviderId() const;
    void selectModel(const QString &providerId, const QString &modelId);
    // Remembers `cap` and `tokenizerFile` as this model's settings (the local engine: its
    // context size and its GGUF), re-reads the catalog and selects the model. Emits
    // modelChanged.
    void selectModelWith(const QString &providerId, const QString &modelId, qint64 cap,
                         const QString &tokenizerFile);
    bool lineNumbers() const;
    // The cap in force: the catalog's, or the user's override for this model.
    qint64 contextCap() const;
    QString summaryText() const;
    // What the counts rest on: why they are approximate, and the learned correction.
    void setTokenizerInfo(const QString &note, const tokenize::Correction &correction);
    void setCorrection(const tokenize::Correction &correction);
    // The tokenizer file the user chose for the current model ("" for none).
    QString tokenizerFileSetting() const;
    QString tokenizerLine() const;
    // Asks the main window to deselect files until the request fits (emits fitRequested).
    void requestFit();
    // The figures of the last refresh: what one request sends and costs.
    const prompt::BudgetFigures &figures() const { return m_last; }
    // The tokens kept for the answer, sent as the request's max_tokens: the user's reserve,
    // at most half the model's known context (the local engine: its cap); for the local engine
    // also at most the model's maximum output.
    // The figures line shows this value (and why it is below the spin box's, when it is).
    int reservedOutput() const;
    // A live server stated the model's real cap: it replaces the catalog's figure (not
    // saved as the user's override); `source` says where it was read. 0 clears it.
    void setLiveCap(qint64 tokens, const QString &source);
    // A note about the backend shown with the figures (e.g. Ollama trims silently).
    void setBackendNote(const QString &note);
    // Tokens of the images attached to the next question (exact = false shows "≈"); part of the
    // request, and of the fixed part Fit to budget works with.
    void setImageTokens(qint64 tokens, bool exact);
    // Every countable file of the open selection is counted (not counting, not stopped).
    bool countsComplete() const;
    // Why Fit to budget and Send must wait for the counts; "" when they need not.
    QString countsPendingReason() const;
    // The model's known context limit: the live server's figure, else the catalog's
    // (0 = unknown).
    qint64 knownLimit() const;
    // Shown in the meter when the cap is above knownLimit(); "" otherwise.
    QString capWarning() const;
    // The stacked bar under the meter: the same figures, part by part (budgetsegments.h).
    BudgetBar *budgetBar() const { return m_breakdown; }

Q_SIGNALS:
    // The user asked to fit the selection; the main window runs it and reports what dropped.
    void fitRequested(qint64 fixedTokens, qint64 cap, double tokensPerLine);
    void modelChanged();
    // refresh() ran: the figures, the reserve or the cap may have changed.
    void figuresChanged();

private:
    void onProviderChanged();
    void addCustomModel();
    void chooseTokenizerFile();
    void onModelChanged();
    qint64 fixedTokens() const;
    qint64 systemPromptTokens() const;
    // The context the reserve is measured against (see reservedOutput()).
    qint64 reserveContext() const;

    workspace::Workspace *m_workspace;
    llm::ModelCatalog *m_catalog;
    QComboBox *m_provider;
    QComboBox *m_model;
    QSpinBox *m_cap;
    QSpinBox *m_reserved;
    QCheckBox *m_lineNumbers;
    MeterBar *m_bar;
    BudgetBar *m_breakdown;
    QLabel *m_figures;
    QScrollArea *m_figuresArea; // a fixed height: the panel does not jump as the text wraps
    QPushButton *m_fit;
    double m_tokensPerLine = 0;
    QString m_tokenizerNote;
    tokenize::Correction m_correction;
    prompt::BudgetFigures m_last;
    QString m_liveCapSource;
    qint64 m_liveCap = 0;
    QString m_fitNote; // why the last Fit to budget did not run
    QString m_backendNote;
    qint64 m_imageTokens = 0;
    bool m_imageTokensExact = true;
    mutable QString m_systemTokensFor; // tokenizer id the cached count below belongs to
    mutable qint64 m_systemTokens = 0;
};

} // namespace reposcope::ui
