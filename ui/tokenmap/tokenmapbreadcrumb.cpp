// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmapbreadcrumb.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace reposcope::ui {

TokenMapBreadcrumb::TokenMapBreadcrumb(QWidget *parent)
    : QWidget(parent)
    , m_back(new QToolButton(this))
    , m_segments(new QHBoxLayout) {
    m_back->setText(QStringLiteral("↑"));
    m_back->setToolTip(tr("Back to the enclosing folder (Backspace, Alt+Up)"));
    m_back->setAutoRaise(true);
    m_back->setEnabled(false);
    connect(m_back, &QToolButton::clicked, this, &TokenMapBreadcrumb::backRequested);
    m_segments->setContentsMargins(0, 0, 0, 0);
    m_segments->setSpacing(0);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_back);
    layout->addLayout(m_segments);
    layout->addStretch(1);
}

void TokenMapBreadcrumb::setPath(const repo::SnapshotPtr &snapshot, int node) {
    while (QLayoutItem *item = m_segments->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_names.clear();
    m_back->setEnabled(snapshot && node > 0);
    if (!snapshot)
        return;
    std::vector<int> chain;
    for (int n = node; n >= 0; n = snapshot->parent(n))
        chain.insert(chain.begin(), n);
    for (size_t i = 0; i < chain.size(); ++i) {
        const int n = chain[i];
        if (i > 0)
            m_segments->addWidget(new QLabel(QStringLiteral("▸"), this));
        auto *button = new QToolButton(this);
        const QString name = snapshot->name(n);
        m_names << name;
        button->setText(name);
        button->setAutoRaise(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        if (i + 1 == chain.size()) {
            QFont bold = button->font();
            bold.setBold(true);
            button->setFont(bold);
        }
        button->setToolTip(n == 0 ? tr("The whole repository")
                                  : tr("Show %1/").arg(snapshot->visiblePath(n)));
        connect(button, &QToolButton::clicked, this, [this, n] { Q_EMIT folderChosen(n); });
        m_segments->addWidget(button);
    }
}

QStringList TokenMapBreadcrumb::segments() const {
    return m_names;
}

} // namespace reposcope::ui
