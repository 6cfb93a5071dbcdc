// SPDX-License-Identifier: MIT
#include "budget/uncountedconfirm.h"

#include "prompt/selection.h"

#include <QMessageBox>
#include <QPushButton>
#include <QStringList>

namespace reposcope::ui {

bool confirmUncounted(QWidget *parent, const prompt::Selection &selection, const QString &action) {
    const std::vector<int> uncounted = selection.uncountedSelected();
    if (uncounted.empty())
        return true;
    constexpr size_t kNamed = 12;
    QStringList lines;
    for (size_t i = 0; i < uncounted.size() && i < kNamed; ++i)
        lines << selection.snapshot().visiblePath(uncounted[i]) + QStringLiteral(": ") +
                     selection.uncountedReason(uncounted[i]);
    if (uncounted.size() > kNamed)
        lines << QObject::tr("… and %1 more").arg(uncounted.size() - kNamed);
    QMessageBox box(QMessageBox::Warning, QObject::tr("Files without a count"),
                    QObject::tr("%n selected file(s) are not in the token meter, so the figures "
                                "leave them out:",
                                nullptr, int(uncounted.size())),
                    QMessageBox::Cancel, parent);
    box.setInformativeText(lines.join(QLatin1Char('\n')) +
                           QObject::tr("\n\nWait for the count to finish, or untick them. %1 "
                                       "anyway?")
                               .arg(action));
    QPushButton *go = box.addButton(QObject::tr("%1 Anyway").arg(action), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == static_cast<QAbstractButton *>(go);
}

} // namespace reposcope::ui
