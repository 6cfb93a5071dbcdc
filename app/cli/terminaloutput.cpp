// SPDX-License-Identifier: MIT
#include "terminaloutput.h"

#include "text/terminalfilter.h"

#include <unistd.h>

namespace reposcope::cli {

bool isTerminal(std::FILE *stream) {
    return ::isatty(::fileno(stream)) == 1;
}

TerminalGuardDevice::TerminalGuardDevice(std::FILE *stream)
    : m_stream(stream)
    , m_filtering(isTerminal(stream)) {
    open(QIODevice::WriteOnly | QIODevice::Unbuffered);
}

qint64 TerminalGuardDevice::readData(char *, qint64) {
    return -1;
}

qint64 TerminalGuardDevice::writeData(const char *data, qint64 size) {
    const QByteArrayView bytes(data, size);
    const QByteArray safe = m_filtering ? text::TerminalFilter::filtered(bytes) : QByteArray();
    const QByteArrayView written = m_filtering ? QByteArrayView(safe) : bytes;
    if (std::fwrite(written.data(), 1, size_t(written.size()), m_stream) != size_t(written.size()))
        return -1;
    std::fflush(m_stream);
    return size;
}

} // namespace reposcope::cli
