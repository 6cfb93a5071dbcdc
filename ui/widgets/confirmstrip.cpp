// SPDX-License-Identifier: MIT
#include "widgets/confirmstrip.h"

#include "chat/chatformat.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace reposcope::ui {

ConfirmStrip::ConfirmStrip(QWidget *parent, const QString &name)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_dontAsk(new QCheckBox(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_review(new QPushButton(tr("Review…"), this))
    , m_whatLeaves(new QPushButton(tr("What Leaves the Machine…"), this)) {
    setObjectName(name + QStringLiteral("Strip"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette colors = palette();
    const QColor window = colors.color(QPalette::Window);
    const QColor accent =
        window.lightness() < 128 ? QColor(0x5c, 0x4a, 0x12) : QColor(0xff, 0xf4, 0xce);
    colors.setColor(QPalette::Window, accent);
    setPalette(colors);

    m_label->setObjectName(name + QStringLiteral("Text"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setWordWrap(true);
    m_dontAsk->setObjectName(name + QStringLiteral("DontAsk"));
    m_send->setObjectName(name + QStringLiteral("Send"));
    m_send->setDefault(true);
    m_cancel->setObjectName(name + QStringLiteral("Cancel"));
    m_review->setObjectName(name + QStringLiteral("Review"));
    m_review->setAutoDefault(false);
    m_review->setToolTip(tr("List the secrets in the selected files; allow the ones meant to "
                            "be sent"));
    m_review->hide();
    m_whatLeaves->setObjectName(name + QStringLiteral("WhatLeaves"));
    m_whatLeaves->setFlat(true);
    m_whatLeaves->setToolTip(tr("Show the exact text this request sends, after redaction "
                                "(Ctrl+Shift+L)"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_dontAsk, 1);
    buttons->addStretch(); // takes the room when the checkbox is hidden (askChoice)
    buttons->addWidget(m_review);
    buttons->addWidget(m_whatLeaves);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_label);
    layout->addLayout(buttons);

    connect(m_send, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT accepted(m_dontAsk->isChecked());
    });
    connect(m_whatLeaves, &QPushButton::clicked, this, &ConfirmStrip::whatLeavesRequested);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT rejected();
    });
    connect(m_review, &QPushButton::clicked, this, &ConfirmStrip::reviewRequested);
    hide();
}

ConfirmStrip::~ConfirmStrip() = default;

void ConfirmStrip::refresh(const ChatTargetSummary &target) {
    if (m_choice)
        return;
    const QString provider =
        target.providerName.isEmpty() ? target.providerId : target.providerName;
    const QString files =
        target.files == 1 ? tr("1 file") : tr("%1 files").arg(QLocale().toString(target.files));
    QString text = tr("This sends the selected code to %1 (model %2): %3, about %4 tokens")
                       .arg(provider, target.model, files, chatformat::tokens(target.promptTokens));
    if (target.estimatedCost)
        text += tr(", about %1 for the prompt").arg(chatformat::cost(*target.estimatedCost));
    text += target.remote ? tr(". It leaves this machine.") : tr(". It stays on this machine.");
    if (target.secrets > 0) {
        const QString count = QLocale().toString(target.secrets);
        text += QLatin1Char(' ');
        if (target.secretsRedacted)
            text += target.secrets == 1 ? tr("1 secret will be redacted.")
                                        : tr("%1 secrets will be redacted.").arg(count);
        else if (!target.remote)
            text += target.secrets == 1
                        ? tr("1 secret found; it will be sent as it is (local).")
                        : tr("%1 secrets found; they will be sent as they are (local).").arg(count);
        else // redaction turned off for this remote provider in Settings ▸ Providers
            text += target.secrets == 1
                        ? tr("1 secret found; redaction is off for this provider, so it "
                             "leaves the machine as it is.")
                        : tr("%1 secrets found; redaction is off for this provider, so they "
                             "leave the machine as they are.")
                              .arg(count);
        if (target.secretsScanning)
            text += tr(" (Still scanning for more.)");
    }
    m_label->setText(text);
    m_review->setVisible(target.secrets > 0);
}

void ConfirmStrip::ask(const ChatTargetSummary &target) {
    m_choice = false;
    refresh(target);
    const QString provider =
        target.providerName.isEmpty() ? target.providerId : target.providerName;
    m_dontAsk->setText(tr("Don't ask again for %1").arg(provider));
    m_dontAsk->setChecked(false);
    m_dontAsk->setVisible(true);
    m_whatLeaves->setVisible(true);
    m_send->setText(tr("Send"));
    m_cancel->setText(tr("Cancel"));
    show();
    m_send->setFocus();
}

void ConfirmStrip::askChoice(const QString &text, const QString &acceptLabel,
                             const QString &rejectLabel) {
    m_choice = true;
    m_review->hide();
    m_label->setText(text);
    m_dontAsk->setChecked(false);
    m_dontAsk->setVisible(false);
    m_whatLeaves->setVisible(false);
    m_send->setText(acceptLabel);
    m_cancel->setText(rejectLabel);
    show();
    m_send->setFocus();
}

QString ConfirmStrip::text() const {
    return m_label->text();
}

bool ConfirmStrip::dontAskAgain() const {
    return m_dontAsk->isChecked();
}

} // namespace reposcope::ui
