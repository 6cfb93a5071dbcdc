// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QFrame>
#include <QList>
#include <QString>

#include <optional>

class QCheckBox;
class QLabel;
class QPushButton;

namespace reposcope::ui {

/// What the next request goes to and what it carries, filled by the window from the model choice,
/// the key store and the selection (the chat pane only shows it).
struct ChatTargetSummary {
    QString providerId;   // stable id: the "don't ask again" setting is kept under it
    QString providerName; // "Groq", "vLLM at 10.0.0.5:8000"
    QString model;
    bool configured = false; // a provider, a model and (where needed) a key are set
    QString setupHint;       // what to do when not configured (shown on the Send button)
    bool remote = false;     // the request leaves this machine
    int files = 0;           // files in the pack
    qint64 promptTokens = 0; // tokens the request will carry
    std::optional<double> estimatedCost; // dollars, when the price is known
    // Why a request cannot be sent now although the target is configured (no repository,
    // nothing selected, counting, over the cap); "" when it can. Send is disabled and the
    // status line says it.
    QString blockedReason;
    // The chat's header: which repository, commit and selection the conversation is about
    // ("invoicer @ 3f9a2c1 · 12 files · 41,230 tokens"), with notes (selection changed
    // since, images left out); "" hides it.
    QString contextLine;
    bool contextWarning = false; // the line carries a note the user should act on
    // Privacy guard: secrets the background scan found in the selected files that the allow
    // list does not allow (secretsguard.h fills these).
    int secrets = 0;
    QList<QByteArray> secretFingerprints; // sorted: a new one asks again
    bool secretsRedacted = true;          // false: sent as they are (local, loopback)
    bool secretsScanning = false;         // the scan still runs: the count may grow
};

/// The "what leaves the machine" strip shown before the first send to a remote provider: provider,
/// model, files, tokens and cost, with Send / Cancel and "Don't ask again for this provider". It
/// only asks; the chat pane decides when and remembers the answer.
class ConfirmStrip : public QFrame {
    Q_OBJECT
public:
    /// `name` prefixes the object names ("chatConfirm": chatConfirmStrip, chatConfirmSend, …).
    explicit ConfirmStrip(QWidget *parent = nullptr,
                          const QString &name = QStringLiteral("chatConfirm"));
    ~ConfirmStrip() override;

    /// Shows the strip for `target` (the checkbox starts unticked) and focuses Send. With
    /// secrets in the selection it says how many and what happens to them, and offers
    /// "Review…" (reviewRequested()).
    void ask(const ChatTargetSummary &target);
    /// The strip's text for `target` again (the count changed while it is shown); keeps the
    /// checkbox and the focus.
    void refresh(const ChatTargetSummary &target);
    /// Shows `text` with two choices and no checkbox: accepted() for `acceptLabel` (the
    /// default button), rejected() for `rejectLabel`.
    void askChoice(const QString &text, const QString &acceptLabel, const QString &rejectLabel);
    QString text() const;
    bool dontAskAgain() const;

    QPushButton *sendButton() const { return m_send; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *reviewButton() const { return m_review; }
    /// "What leaves the machine…": shown with ask(), hidden with askChoice().
    QPushButton *whatLeavesButton() const { return m_whatLeaves; }

Q_SIGNALS:
    void accepted(bool dontAskAgain);
    void rejected();
    /// "Review…" was clicked: show the secrets of the selection.
    void reviewRequested();
    /// The user wants to see the exact text of the request first (the strip stays open).
    void whatLeavesRequested();

private:
    QLabel *m_label;
    QCheckBox *m_dontAsk;
    QPushButton *m_send;
    QPushButton *m_cancel;
    QPushButton *m_review;
    QPushButton *m_whatLeaves;
    bool m_choice = false; // askChoice() is shown: refresh() leaves it alone
};

} // namespace reposcope::ui
