// SPDX-License-Identifier: MIT
#pragma once
// The peak resident memory of this process since a reset (Linux: VmHWM in /proc/self/status,
// reset by writing 5 to /proc/self/clear_refs), so a test can bound what one call allocated
// whatever earlier tests in the same binary touched.

#include <QByteArray>
#include <QFile>

namespace reposcope::test {

class PeakMemory {
public:
    // Resets the peak to the current resident size; false where the platform cannot.
    static bool reset() {
        QFile file(QStringLiteral("/proc/self/clear_refs"));
        return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
    }
    // Bytes, or -1 when unknown.
    static qint64 peak() { return statusField("VmHWM:"); }
    static qint64 current() { return statusField("VmRSS:"); }

private:
    static qint64 statusField(const QByteArray &name) {
        QFile file(QStringLiteral("/proc/self/status"));
        if (!file.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (line.startsWith(name))
                return line.mid(name.size()).trimmed().split(' ').value(0).toLongLong() * 1024;
        }
        return -1;
    }
};

// Measures the growth of the peak over what was resident when it started.
class PeakGrowth {
public:
    PeakGrowth()
        : m_available(PeakMemory::reset())
        , m_start(PeakMemory::current()) {}
    bool available() const { return m_available && m_start >= 0; }
    qint64 bytes() const { return PeakMemory::peak() - m_start; }

private:
    bool m_available;
    qint64 m_start;
};

} // namespace reposcope::test
