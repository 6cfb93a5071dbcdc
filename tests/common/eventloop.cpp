// SPDX-License-Identifier: MIT
#include "eventloop.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace reposcope::test {

bool processEventsUntil(const std::function<bool()> &done) {
    const QDeadlineTimer deadline(60000);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

} // namespace reposcope::test
