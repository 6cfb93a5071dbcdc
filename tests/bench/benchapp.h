// SPDX-License-Identifier: MIT
#pragma once

#include <QApplication>

namespace reposcope::bench {

// The one application object of the benchmark binary: a QApplication (offscreen unless
// QT_QPA_PLATFORM says otherwise), so widget and network benchmarks run in one process.
// False when something else created a plain QCoreApplication first.
inline bool ensureGuiApplication() {
    if (QCoreApplication::instance())
        return qobject_cast<QApplication *>(QCoreApplication::instance()) != nullptr;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "reposcope_bench";
    static char *argv[] = {name, nullptr};
    // Never destroyed: tearing a QApplication down in static destruction crashes (its input
    // devices outlive the platform integration).
    new QApplication(argc, argv);
    return true;
}

} // namespace reposcope::bench
