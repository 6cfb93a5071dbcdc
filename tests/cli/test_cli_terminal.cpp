// SPDX-License-Identifier: MIT
// reposcope-cli ask writing to a real pseudo-terminal: an answer that streams escape
// sequences split across deltas (CSI colour, OSC 52 clipboard write, OSC 8 hyperlink, title
// set, BEL, bare CR, C1 CSI, DCS) reaches the terminal with none of them active and all of
// its text visible; --raw gives the exact bytes; a server's error text on stderr is
// filtered too; a pipe gets the exact answer.
#include "askrun.h"
#include "clirun.h"
#include "eventloop.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QProcessEnvironment>
#include <QStringDecoder>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

using namespace reposcope::test;

namespace {

struct TerminalRun {
    int exitCode = -1;
    QByteArray screen; // everything the program wrote to the terminal, stdout and stderr
};

// Runs `reposcope-cli ask ARGS` with stdin, stdout and stderr on a new pseudo-terminal and
// reads the master side while the test's event loop serves the loopback server. The
// terminal is in raw mode, so its bytes are the program's own (no LF -> CRLF).
TerminalRun runAskOnTerminal(QStringList args, const QString &home) {
    args.prepend(QStringLiteral("ask"));
    std::vector<std::string> argStrings{REPOSCOPE_CLI};
    for (const QString &a : args)
        argStrings.push_back(a.toStdString());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home);
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    environment.remove(QStringLiteral("GROQ_API_KEY"));
    std::vector<std::string> envStrings;
    for (const QString &entry : environment.toStringList())
        envStrings.push_back(entry.toStdString());
    // Built before fork(): the child only calls execve.
    std::vector<char *> argv;
    for (std::string &s : argStrings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (std::string &s : envStrings)
        envp.push_back(s.data());
    envp.push_back(nullptr);

    termios raw{};
    cfmakeraw(&raw);
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 120;
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, &raw, &size);
    if (pid == 0) {
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    TerminalRun run;
    EXPECT_GT(pid, 0) << "forkpty failed: " << std::strerror(errno);
    if (pid <= 0)
        return run;
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    const auto drain = [&] {
        char buffer[4096];
        for (;;) {
            const ssize_t n = read(master, buffer, sizeof buffer);
            if (n > 0)
                run.screen.append(buffer, n);
            else if (n < 0 && errno == EINTR)
                continue;
            else
                return; // EAGAIN: nothing yet; EIO: the program closed its terminal
        }
    };
    int status = 0;
    bool exited = false;
    const bool finished = processEventsUntil([&] {
        drain();
        exited = waitpid(pid, &status, WNOHANG) == pid;
        return exited;
    });
    EXPECT_TRUE(finished) << "reposcope-cli did not finish; the terminal shows: "
                          << run.screen.constData();
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    drain();
    close(master);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// The first character that would act on a terminal: a C0 control other than TAB and LF, a
// CR not followed by LF, DEL or a C1 control; or invalid UTF-8 (a raw C1 byte among it).
// Empty when there is none.
std::string firstActiveByte(const QByteArray &screen) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(screen);
    if (decoder.hasError())
        return "invalid UTF-8 in: " + screen.toStdString();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        const bool crlf = c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n';
        if ((c < 0x20 && c != u'\t' && c != u'\n' && !crlf) || (c >= 0x7F && c <= 0x9F))
            return "U+" + QByteArray::number(c, 16).toStdString() +
                   " in: " + text.mid(qMax(0, int(i) - 40), 80).toStdString();
    }
    return {};
}

// The hostile answer, in the deltas the server streams: sequences split across them.
const QList<QByteArray> kDeltas = {
    "Summary: ",
    "\x1b[3",
    "1mRED\x1b",
    "[0m; copy \x1b]52;c;ZWNobyBwd25lZA==",
    "\x07 link \x1b]8;;https://evil.test/\x1b",
    "\\click\x1b]8;;\x1b\\ title \x1b]0;ow",
    "ned\x07 bell\x07 Nothing found.\r",
    "EVIL csi \xc2\x9b",
    "2J dcs \x1bP1$r0m\x1b",
    "\\ crlf\r",
    "\nend of answer",
};

QByteArray answerBytes() {
    QByteArray all;
    for (const QByteArray &d : kDeltas)
        all += d;
    return all;
}

// What a reader sees on the terminal, written out by hand.
const QByteArray kShown = "Summary: ␛[31mRED␛[0m; copy ␛]52;c;ZWNobyBwd25lZA==␇ link "
                          "␛]8;;https://evil.test/␛\\click␛]8;;␛\\ title ␛]0;owned␇ bell␇ "
                          "Nothing found.␍EVIL csi <U+009B>2J dcs ␛P1$r0m␛\\ crlf\r\nend of answer";

// The stream as a real server sends it; the event that holds the C1 control goes out one
// byte per write, so its two UTF-8 bytes arrive in different reads.
ScriptedResponse hostileStream() {
    ScriptedResponse r(200);
    r.header("Content-Type", "text/event-stream").framing(ScriptedResponse::Framing::Chunked);
    r.write(sse::roleChunk());
    for (const QByteArray &d : kDeltas) {
        const QByteArray event = sse::contentChunk(QString::fromUtf8(d));
        if (d.contains("\xc2\x9b"))
            r.trickle(event);
        else
            r.write(event);
    }
    r.write(sse::finishChunk()).write(sse::done());
    return r;
}

class CliTerminalTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"), "def find(name):\n    return name\n");
        m_repo.commitAll();
    }
    QStringList args() const {
        return {m_repo.path(),
                QStringLiteral("--base-url"),
                m_server.baseUrl().toString(),
                QStringLiteral("--model"),
                QStringLiteral("audit-model"),
                QStringLiteral("--prompt"),
                QStringLiteral("Review"),
                QStringLiteral("--cache-dir"),
                m_cache.path()};
    }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
};

} // namespace

TEST_F(CliTerminalTest, EscapeSequencesInTheAnswerAreShownNotRun) {
    m_server.enqueue(hostileStream());
    const TerminalRun run = runAskOnTerminal(args(), m_home.path());
    EXPECT_EQ(run.exitCode, 0) << run.screen.constData();
    EXPECT_EQ(firstActiveByte(run.screen), "");
    // All of the text is there, in order, with each control shown where it was.
    EXPECT_TRUE(run.screen.contains(QByteArray(kShown + "\n"))) << run.screen.constData();
    EXPECT_TRUE(run.screen.contains("done: ")) << run.screen.constData();
    ASSERT_EQ(m_server.requestCount(), 1);
}

TEST_F(CliTerminalTest, RawPrintsTheExactBytesOnTheTerminal) {
    m_server.enqueue(hostileStream());
    const TerminalRun run = runAskOnTerminal(args() << QStringLiteral("--raw"), m_home.path());
    EXPECT_EQ(run.exitCode, 0) << run.screen.constData();
    EXPECT_TRUE(run.screen.contains(QByteArray(answerBytes() + "\n")));
    EXPECT_FALSE(run.screen.contains("␛"));
}

TEST_F(CliTerminalTest, ServerErrorTextOnStderrIsShownNotRun) {
    // Not retried (400): the message is printed once, on the terminal.
    m_server.enqueue(ScriptedResponse::json(
        400, R"({"error":{"message":"bad \u001b]0;pwned\u0007\u001b[2Jrequest\u009b1m"}})"));
    const TerminalRun run = runAskOnTerminal(args(), m_home.path());
    EXPECT_NE(run.exitCode, 0);
    EXPECT_EQ(firstActiveByte(run.screen), "");
    EXPECT_TRUE(run.screen.contains("bad ␛]0;pwned␇␛[2Jrequest<U+009B>1m"))
        << run.screen.constData();
}

TEST_F(CliTerminalTest, SseErrorAfterTextIsShownNotRun) {
    QList<QByteArray> events{sse::roleChunk(), sse::contentChunk(QStringLiteral("partial "))};
    events << sse::errorEvent(QStringLiteral("upstream \x1b]52;c;cm0gLXJmIH4=\x07 failed"));
    m_server.enqueue(ScriptedResponse::sse(events));
    const TerminalRun run = runAskOnTerminal(args(), m_home.path());
    EXPECT_NE(run.exitCode, 0);
    EXPECT_EQ(firstActiveByte(run.screen), "");
    EXPECT_TRUE(run.screen.contains("partial ")) << run.screen.constData();
    EXPECT_TRUE(run.screen.contains("upstream ␛]52;c;cm0gLXJmIH4=␇ failed"))
        << run.screen.constData();
}

TEST_F(CliTerminalTest, APipeGetsTheExactAnswer) {
    m_server.enqueue(hostileStream());
    const AskRun run = runAsk(args(), m_home.path());
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, QByteArray(answerBytes() + "\n"));
}

TEST(CliTerminalHelp, AskHelpNamesRawAndTheRendering) {
    const CliRun run = runCli({QStringLiteral("ask"), QStringLiteral("--help")});
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_TRUE(run.out.contains("--raw")) << run.out.constData();
    EXPECT_TRUE(run.out.contains("␛[31m")) << run.out.constData();
}
