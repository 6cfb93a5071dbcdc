// SPDX-License-Identifier: MIT
#pragma once

#include <QIODevice>

#include <cstdio>

// Where the CLI's output meets a terminal: untrusted text (a model's answer, a server's
// error message, a model file's metadata) must not act on it (text/terminalfilter.h).
namespace reposcope::cli {

// True when `stream` (stdout, stderr) is a terminal, not a file or a pipe.
bool isTerminal(std::FILE *stream);

// A write-only device over a C stream that passes bytes through unchanged to a file or
// pipe, and through TerminalFilter to a terminal: err() writes through one, so that no
// message on stderr, whatever server or file text it quotes, can act on the terminal.
// Each write is filtered whole (a QTextStream writes only at flush()), so nothing is held
// back at exit. Writes and flushes the C stream at once; not thread-safe.
class TerminalGuardDevice : public QIODevice {
public:
    explicit TerminalGuardDevice(std::FILE *stream);

    bool isSequential() const override { return true; }
    bool filtering() const { return m_filtering; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    std::FILE *m_stream;
    bool m_filtering;
};

} // namespace reposcope::cli
