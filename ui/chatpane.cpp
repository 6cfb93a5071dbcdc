// SPDX-License-Identifier: MIT
#include "chatpane.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace reposcope::ui {

ChatPane::ChatPane(QWidget *parent)
    : QWidget(parent)
    , m_heading(new QLabel(tr("Chat"), this))
    , m_notice(new QLabel(this))
    , m_composer(new QPlainTextEdit(this))
    , m_sendButton(new QPushButton(tr("Send"), this)) {
    m_heading->setObjectName(QStringLiteral("chatHeading"));
    QFont headingFont = m_heading->font();
    headingFont.setBold(true);
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.2);
    m_heading->setFont(headingFont);

    // The transcript area: for now it only holds the notice.
    auto *transcript = new QFrame(this);
    transcript->setObjectName(QStringLiteral("chatTranscriptArea"));
    transcript->setFrameShape(QFrame::StyledPanel);
    transcript->setBackgroundRole(QPalette::Base);
    transcript->setAutoFillBackground(true);
    m_notice->setObjectName(QStringLiteral("chatNotice"));
    m_notice->setText(
        tr("No model backend is connected yet. This build can scan a repository, count "
           "tokens and write the pack (File ▸ Export pack…); sending it to a model arrives "
           "with the backends feature."));
    m_notice->setWordWrap(true);
    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *transcriptLayout = new QVBoxLayout(transcript);
    transcriptLayout->addStretch(1);
    transcriptLayout->addWidget(m_notice);
    transcriptLayout->addStretch(1);

    m_composer->setObjectName(QStringLiteral("chatComposer"));
    m_composer->setPlaceholderText(tr("Ask about the selected files…"));
    m_composer->setTabChangesFocus(true);
    m_composer->setMaximumHeight(m_composer->fontMetrics().lineSpacing() * 6);
    m_composer->setEnabled(false);

    const QString why = tr("Chat is not available yet: no model backend is connected.");
    m_composer->setToolTip(why);
    m_sendButton->setObjectName(QStringLiteral("chatSendButton"));
    m_sendButton->setToolTip(why);
    m_sendButton->setEnabled(false);

    auto *buttonRow = new QHBoxLayout;
    buttonRow->addStretch(1);
    buttonRow->addWidget(m_sendButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(transcript, 1);
    layout->addWidget(m_composer);
    layout->addLayout(buttonRow);
}

ChatPane::~ChatPane() = default;

bool ChatPane::isBackendConnected() const {
    return false;
}

QString ChatPane::noticeText() const {
    return m_notice->text();
}

} // namespace reposcope::ui
