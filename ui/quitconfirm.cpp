// SPDX-License-Identifier: MIT
#include "quitconfirm.h"

#include <QMessageBox>
#include <QObject>
#include <QPushButton>

namespace reposcope::ui {

bool confirmQuitWhileBusy(QWidget *parent) {
    QMessageBox box(QMessageBox::Question, QObject::tr("Quit RepoScope"),
                    QObject::tr("A request is running."), QMessageBox::NoButton, parent);
    box.setObjectName(QStringLiteral("quitWhileBusy"));
    box.setInformativeText(QObject::tr("Quit now and the request is stopped, or keep running "
                                       "and let the answer finish."));
    QPushButton *quit =
        box.addButton(QObject::tr("Quit and Stop It"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("quitAndStop"));
    QPushButton *keep = box.addButton(QObject::tr("Keep Running"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepRunning"));
    box.setDefaultButton(keep);
    box.setEscapeButton(keep);
    box.exec();
    return box.clickedButton() == static_cast<QAbstractButton *>(quit);
}

} // namespace reposcope::ui
