// SPDX-License-Identifier: MIT
// reposcope-cli ask --local as a black box: the real engine host with a tiny model written
// by tinyLlama(). These tests FAIL, never skip, when Node.js or engine/node_modules is
// missing (scripts/bootstrap.sh installs it).
#include "askrun.h"
#include "enginefixture.h"
#include "eventloop.h"
#include "scratchrepo.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>

#include <sys/types.h>

using namespace reposcope::test;

namespace {

class CliLocalTest : public ::testing::Test {
protected:
    void SetUp() override {
        const QString why = engineUnavailableReason();
        ASSERT_TRUE(why.isEmpty()) << "the local engine cannot run: " << why.toStdString();
        ASSERT_TRUE(m_models.isValid());
        m_model = writeTinyModel(m_models.path());
        ASSERT_FALSE(m_model.isEmpty());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"),
                     "def find(name):\n    return run(\"SELECT * FROM t WHERE n='\" + name)\n");
        m_repo.write(QStringLiteral("README.md"), "# Demo\n");
        m_repo.commitAll();
    }

    void TearDown() override {
        // Whatever happened, the engine of this test's model is gone once the CLI is.
        if (m_model.isEmpty())
            return;
        EXPECT_TRUE(processEventsUntil([this] { return processesWithArgument(m_model).isEmpty(); }))
            << "an engine process outlived the CLI";
    }

    AskRun ask(QStringList args) {
        args << QStringLiteral("--cache-dir") << m_cache.path();
        return runAsk(args, m_home.path());
    }
    QStringList localArgs(const QString &model, int ctx = 2048) const {
        return {m_repo.path(),           QStringLiteral("--local"),  model,
                QStringLiteral("--ctx"), QString::number(ctx),       QStringLiteral("--threads"),
                QStringLiteral("1"),     QStringLiteral("--prompt"), QStringLiteral("Any bugs?")};
    }

    QTemporaryDir m_models;
    QString m_model;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
};

// A random-weight model rarely samples its end token: the answer usually runs into --max-tokens,
// which is a cut-off answer (exit 12, said on stderr); one that ends on its own is complete (0).
::testing::AssertionResult answeredWithinTheLimit(const AskRun &run) {
    const QString err = QString::fromUtf8(run.err);
    if (run.exitCode == 0)
        return ::testing::AssertionSuccess();
    if (run.exitCode == 12 && err.contains(QStringLiteral("stopped at the output token limit")) &&
        err.contains(QStringLiteral("--max-tokens")))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "exit " << run.exitCode << ": " << run.err.toStdString();
}

} // namespace

TEST_F(CliLocalTest, AnswersWithALocalModelAndSaysHowTheAnswerEnded) {
    const AskRun run =
        ask(localArgs(m_model) << QStringLiteral("--max-tokens") << QStringLiteral("16"));
    const QString err = QString::fromUtf8(run.err);
    ASSERT_TRUE(answeredWithinTheLimit(run));
    // The host samples at its default temperature: the answer's text is random (and could
    // even be empty), but it streamed to stdout and was counted.
    EXPECT_TRUE(run.out.endsWith('\n'));
    EXPECT_TRUE(err.contains(QStringLiteral(", completion "))) << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("starting the local engine: tiny.gguf (ctx 2048, 1 "
                                            "threads)")))
        << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("ready in ")));
    // Counted exactly with the model's own vocabulary: no "~" and no estimator warning.
    EXPECT_TRUE(err.contains(QStringLiteral(" tokens to tiny.gguf at local engine (tiny.gguf)")));
    EXPECT_FALSE(err.contains(QStringLiteral("~")));
    EXPECT_FALSE(err.contains(QStringLiteral("warning:")));
    EXPECT_TRUE(err.contains(QStringLiteral("prefill 100%")));
    // The figures line says how it ended: complete, or cut off at --max-tokens.
    EXPECT_TRUE(
        err.contains(run.exitCode == 0 ? QStringLiteral("done: ") : QStringLiteral("cut off: ")))
        << run.err.toStdString();
}

TEST_F(CliLocalTest, APackLargerThanTheContextExits7BeforeStarting) {
    QByteArray big;
    for (int i = 0; i < 400; ++i)
        big += "def handler_" + QByteArray::number(i) + "(request): return request.body\n";
    m_repo.write(QStringLiteral("app/big.py"), big);
    m_repo.commitAll(QStringLiteral("big"));
    const AskRun run = ask(localArgs(m_model, 512));
    const QString err = QString::fromUtf8(run.err);
    EXPECT_EQ(run.exitCode, 7) << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("the local context is 512: use a larger --ctx")))
        << run.err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral("starting the local engine")));
}

// The reported fault: the pre-flight weighed only the pack, so a prompt whose system prompt and
// question did not fit passed it, the model loaded, and the run failed later. A small pack with
// a long question is refused before anything starts, and the message adds the parts up.
TEST_F(CliLocalTest, TheWholePromptIsWeighedBeforeStarting) {
    QStringList args = localArgs(m_model, 512);
    const int prompt = int(args.indexOf(QStringLiteral("--prompt")));
    ASSERT_GE(prompt, 0);
    QString question = QStringLiteral("Is this safe? ");
    question = question.repeated(120); // the question alone is far past the context
    args[prompt + 1] = question;
    const AskRun run = ask(args);
    const QString err = QString::fromUtf8(run.err);
    EXPECT_EQ(run.exitCode, 7) << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("the local context is 512: use a larger --ctx")))
        << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral(" + system prompt "))) << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral(" + question "))) << run.err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral(" reserved for the answer = ")))
        << run.err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral("starting the local engine")));

    // The same pack with the short question fits and runs, and what it says it sends is the
    // whole prompt, part by part.
    const AskRun fits =
        ask(localArgs(m_model, 2048) << QStringLiteral("--max-tokens") << QStringLiteral("4"));
    ASSERT_TRUE(answeredWithinTheLimit(fits));
    static const QRegularExpression sending(
        QStringLiteral(", (\\d+) tokens to .*\\(pack (\\d+) \\+ system prompt (\\d+) \\+ "
                       "question (\\d+) \\+ chat template (\\d+)\\)"));
    const QRegularExpressionMatch m = sending.match(QString::fromUtf8(fits.err));
    ASSERT_TRUE(m.hasMatch()) << fits.err.toStdString();
    const auto part = [&m](int i) { return m.captured(i).toLongLong(); };
    EXPECT_GT(part(2), 0);
    EXPECT_GT(part(3), 0);
    EXPECT_GT(part(4), 0);
    EXPECT_EQ(part(1), part(2) + part(3) + part(4) + part(5));
}

TEST_F(CliLocalTest, WithoutCtxTheContextIsSizedToThePackWithinTheTrainedContext) {
    const QString model = writeTinyModel(m_models.path(), QStringLiteral("trained4k.gguf"), 4096);
    ASSERT_FALSE(model.isEmpty());
    const QStringList args{m_repo.path(),
                           QStringLiteral("--local"),
                           model,
                           QStringLiteral("--threads"),
                           QStringLiteral("1"),
                           QStringLiteral("--max-tokens"),
                           QStringLiteral("8"),
                           QStringLiteral("--prompt"),
                           QStringLiteral("Any bugs?")};
    // A small pack: the smallest context RepoScope starts with, not the trained 4096.
    const AskRun small = ask(args);
    EXPECT_TRUE(answeredWithinTheLimit(small));
    EXPECT_TRUE(small.err.contains("starting the local engine: trained4k.gguf (ctx 2048, "))
        << small.err.toStdString();

    // A pack past what the model was trained for: refused before anything starts.
    QByteArray big;
    for (int i = 0; i < 400; ++i)
        big += "def handler_" + QByteArray::number(i) + "(request): return request.body\n";
    m_repo.write(QStringLiteral("app/big.py"), big);
    m_repo.commitAll(QStringLiteral("big"));
    const AskRun large = ask(args);
    EXPECT_EQ(large.exitCode, 7) << large.err.toStdString();
    EXPECT_TRUE(large.err.contains("the local context is 4096 (what the model was trained for)"))
        << large.err.toStdString();
    EXPECT_FALSE(large.err.contains("starting the local engine"));
}

TEST_F(CliLocalTest, ABrokenModelExitsNonZeroWithAMessage) {
    for (const QString &kind : {QStringLiteral("no-head-count"), QStringLiteral("truncated")}) {
        SCOPED_TRACE(kind.toStdString());
        const QString broken = writeBrokenModel(m_models.path(), kind);
        const AskRun run = ask(localArgs(broken));
        EXPECT_EQ(run.exitCode, 10) << run.err.toStdString();
        EXPECT_TRUE(run.err.contains("error: ")) << run.err.toStdString();
        EXPECT_TRUE(run.out.isEmpty());
        EXPECT_TRUE(processesWithArgument(broken).isEmpty());
    }
}

TEST_F(CliLocalTest, RefusesConflictingOrBadFlags) {
    AskRun run = ask(localArgs(m_model) << QStringLiteral("--provider") << QStringLiteral("groq"));
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_TRUE(run.err.contains("leave out --provider")) << run.err.toStdString();
    run = ask(localArgs(m_model) << QStringLiteral("--gpu") << QStringLiteral("metal"));
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_TRUE(run.err.contains("--gpu must be cpu, cuda or vulkan"));
    run = ask(localArgs(m_models.filePath(QStringLiteral("missing.gguf"))));
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_TRUE(run.err.contains("does not exist"));
    run = ask(localArgs(m_model) << QStringLiteral("--threads") << QStringLiteral("0"));
    EXPECT_EQ(run.exitCode, 2);
}

TEST_F(CliLocalTest, HelpDocumentsLocalAndItsExitCode) {
    const AskRun run = ask({QStringLiteral("--help")});
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_TRUE(run.out.contains("--local <MODEL.gguf>"));
    EXPECT_TRUE(run.out.contains("--ctx <N>"));
    EXPECT_TRUE(run.out.contains("10   ask --local"));
}

TEST_F(CliLocalTest, AKilledCliLeavesNoEngineBehind) {
    QProcess cli;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
    cli.setProcessEnvironment(environment);
    QStringList args = localArgs(m_model, 8192);
    args.prepend(QStringLiteral("ask"));
    args << QStringLiteral("--max-tokens") << QStringLiteral("6000")
         << QStringLiteral("--cache-dir") << m_cache.path();
    QByteArray err;
    cli.start(QStringLiteral(REPOSCOPE_CLI), args);
    ASSERT_TRUE(processEventsUntil([&] {
        err += cli.readAllStandardError();
        return err.contains("ready in ") || cli.state() == QProcess::NotRunning;
    }));
    QList<qint64> engines = processesWithArgument(m_model);
    engines.removeAll(cli.processId()); // the CLI names the model too
    ASSERT_EQ(engines.size(), 1) << err.toStdString();
    ASSERT_EQ(::kill(pid_t(cli.processId()), SIGKILL), 0);
    ASSERT_TRUE(cli.waitForFinished());
    // PR_SET_PDEATHSIG and the closed stdin end the orphaned host.
    EXPECT_TRUE(processEventsUntil([&] { return !processAlive(engines.first()); }));
}
