// SPDX-License-Identifier: MIT
#include "budget/fitresultdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace reposcope::ui {

FitResultDialog::FitResultDialog(const prompt::FitResult &fit, QAction *undo, QWidget *parent)
    : QDialog(parent)
    , m_list(new QTreeWidget(this)) {
    setWindowTitle(tr("Fit to Budget"));
    const QLocale loc;
    QString summary;
    if (fit.fits)
        summary = tr("Deselected %Ln file(s), %1 tokens, to fit the budget.", nullptr,
                     int(fit.details.size()))
                      .arg(loc.toString(fit.tokensFreed));
    else if (fit.keptPinned > 0)
        summary = tr("It still does not fit: every file that is not pinned was deselected, and "
                     "the %n pinned file(s) alone exceed the cap. Unpin some, or raise the cap.",
                     nullptr, fit.keptPinned);
    else
        summary = tr("It still does not fit: every file was deselected, and the fixed parts "
                     "(system prompt, question, images, reserved output) exceed the cap.");
    if (fit.fits && fit.keptPinned > 0)
        summary += QLatin1Char(' ') + tr("%n pinned file(s) were kept.", nullptr, fit.keptPinned);
    auto *label = new QLabel(summary, this);
    label->setWordWrap(true);

    m_list->setObjectName(QStringLiteral("fitDroppedList"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Dropped file"), tr("Why it went first"), tr("Tokens")});
    for (const prompt::DroppedFile &d : fit.details) {
        auto *item = new QTreeWidgetItem(
            m_list, {d.path, prompt::dropReasonLabel(d.reason), loc.toString(d.tokens)});
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    if (undo) {
        QPushButton *undoButton = buttons->addButton(tr("Undo"), QDialogButtonBox::ResetRole);
        undoButton->setObjectName(QStringLiteral("fitUndoButton"));
        connect(undoButton, &QPushButton::clicked, this, [this, undo] {
            undo->trigger();
            accept();
        });
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(720, 420);
}

} // namespace reposcope::ui
