// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace reposcope::ui {

/// The chat panel. No model backend exists yet, so it says so plainly: a heading, a notice
/// where the transcript will go, and a composer and Send button that are disabled (the
/// button's tooltip says why). It never shows a fake answer.
///
/// Layout kept for the backends feature: transcript area on top (stretching), composer
/// and its button row at the bottom.
class ChatPane : public QWidget {
    Q_OBJECT
public:
    explicit ChatPane(QWidget *parent = nullptr);
    ~ChatPane() override;

    /// False until a backend can be connected (a later work item).
    bool isBackendConnected() const;
    /// The notice shown in place of the transcript.
    QString noticeText() const;

private:
    QLabel *m_heading = nullptr;
    QLabel *m_notice = nullptr;
    QPlainTextEdit *m_composer = nullptr;
    QPushButton *m_sendButton = nullptr;
};

} // namespace reposcope::ui
