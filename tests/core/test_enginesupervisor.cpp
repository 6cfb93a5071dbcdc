// SPDX-License-Identifier: MIT
// EngineSupervisor's state machine against a stand-in host: a shell script in place of
// Node.js that prints the host's JSON lines (engine-contract), so start, readiness, fatal
// errors, crashes, restarts and stopping are checked without the real engine. The real
// host is exercised in test_localengine_e2e.cpp.
#include "enginefixture.h"
#include "eventloop.h"

#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include <sys/types.h>

using namespace reposcope;
using namespace reposcope::test;
using llm::EngineState;

namespace {

// The lines of a host that loads and becomes ready; the script then waits on stdin as the
// real host does.
const char *const kReadyLines =
    "echo 'llama_model_loader: loading tiny.gguf' >&2\n"
    "echo '{\"event\":\"listening\",\"port\":4321}'\n"
    "echo '{\"event\":\"loading\",\"progress\":0.25}'\n"
    "echo '{\"event\":\"loading\",\"progress\":0.75}'\n"
    "echo '{\"event\":\"ready\",\"model\":\"tiny.gguf\",\"contextSize\":4096,"
    "\"trainedContext\":8192,\"vocabSize\":300,\"threads\":2,\"gpu\":\"cpu\",\"loadMs\":12}'\n";

class EngineSupervisorFakeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        QDir(m_dir.path()).mkpath(QStringLiteral("engine/node_modules/node-llama-cpp"));
        writeFile(QStringLiteral("engine/host.mjs"), "// stand-in\n");
        writeFile(QStringLiteral("model.gguf"), "GGUF");
    }

    void writeFile(const QString &relative, const QByteArray &content) {
        QFile file(m_dir.filePath(relative));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    // A config whose "node" is a shell script running `body`.
    llm::EngineConfig fakeHost(const QByteArray &body) {
        const QString node = m_dir.filePath(QStringLiteral("node"));
        writeFile(QStringLiteral("node"),
                  "#!/bin/sh\n"
                  "echo \"$@\" > \"$(dirname \"$0\")/args\"\n"
                  "printf '%s' \"$REPOSCOPE_ENGINE_TOKEN\" > \"$(dirname \"$0\")/token\"\n" +
                      body);
        QFile::setPermissions(node, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        llm::EngineConfig config;
        config.nodeExecutable = node;
        config.hostScript = m_dir.filePath(QStringLiteral("engine/host.mjs"));
        config.modelPath = m_dir.filePath(QStringLiteral("model.gguf"));
        config.contextSize = 4096;
        config.threads = 2;
        return config;
    }

    QByteArray readFile(const QString &relative) const {
        QFile file(m_dir.filePath(relative));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static QList<EngineState> states(const QSignalSpy &spy) {
        QList<EngineState> list;
        for (const QList<QVariant> &args : spy)
            list << args.at(0).value<EngineState>();
        return list;
    }

    static bool waitForState(const llm::EngineSupervisor &s, EngineState state) {
        return processEventsUntil([&] { return s.state() == state; });
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST(EngineSupervisor, StateNames) {
    EXPECT_EQ(llm::engineStateName(EngineState::Stopped), QStringLiteral("stopped"));
    EXPECT_EQ(llm::engineStateName(EngineState::Loading), QStringLiteral("loading"));
    EXPECT_EQ(llm::engineStateName(EngineState::Crashed), QStringLiteral("crashed"));
    EXPECT_EQ(llm::engineStateName(EngineState::Failed), QStringLiteral("failed"));
}

TEST_F(EngineSupervisorFakeTest, StartsLoadsAndBecomesReadyInOrder) {
    llm::EngineSupervisor supervisor;
    QSignalSpy stateSpy(&supervisor, &llm::EngineSupervisor::stateChanged);
    QSignalSpy progressSpy(&supervisor, &llm::EngineSupervisor::loadProgressed);
    QSignalSpy readySpy(&supervisor, &llm::EngineSupervisor::ready);
    ASSERT_TRUE(startAndWaitReady(supervisor, fakeHost(QByteArray(kReadyLines) + "exec cat\n")))
        << supervisor.lastError().toStdString();

    EXPECT_EQ(states(stateSpy), (QList<EngineState>{EngineState::Starting, EngineState::Loading,
                                                    EngineState::Ready}));
    QList<double> progress;
    for (const QList<QVariant> &args : progressSpy)
        progress << args.at(0).toDouble();
    EXPECT_EQ(progress, (QList<double>{0.25, 0.75, 1.0}));
    EXPECT_EQ(readySpy.size(), 1);

    const llm::EngineInfo &info = supervisor.info();
    EXPECT_EQ(info.model, QStringLiteral("tiny.gguf"));
    EXPECT_EQ(info.contextSize, 4096);
    EXPECT_EQ(info.trainedContext, 8192);
    EXPECT_EQ(info.vocabSize, 300);
    EXPECT_EQ(info.threads, 2);
    EXPECT_EQ(info.gpu, QStringLiteral("cpu"));
    EXPECT_EQ(info.loadMs, 12);
    EXPECT_GT(supervisor.processId(), 0);
    EXPECT_TRUE(
        supervisor.stderrTail().contains(QStringLiteral("llama_model_loader: loading tiny.gguf")));
}

TEST_F(EngineSupervisorFakeTest, HandsTheTokenOverInTheEnvironmentNeverOnTheCommandLine) {
    llm::EngineSupervisor supervisor;
    llm::EngineConfig config = fakeHost(QByteArray(kReadyLines) + "exec cat\n");
    config.gpu = QStringLiteral("vulkan");
    ASSERT_TRUE(startAndWaitReady(supervisor, config));

    const llm::Endpoint endpoint = supervisor.endpoint();
    EXPECT_EQ(endpoint.baseUrl, QUrl(QStringLiteral("http://127.0.0.1:4321/v1")));
    EXPECT_EQ(endpoint.auth, llm::AuthStyle::Bearer);
    EXPECT_TRUE(
        QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(endpoint.apiKey).hasMatch())
        << endpoint.apiKey.toStdString();
    EXPECT_EQ(QString::fromLatin1(readFile(QStringLiteral("token"))), endpoint.apiKey);

    const QString args = QString::fromUtf8(readFile(QStringLiteral("args"))).trimmed();
    EXPECT_FALSE(args.contains(endpoint.apiKey));
    EXPECT_EQ(args, QStringLiteral("%1 --model %2 --ctx 4096 --threads 2 --gpu vulkan")
                        .arg(config.hostScript, config.modelPath));

    // A new start gets a new token.
    ASSERT_TRUE(startAndWaitReady(supervisor, config));
    EXPECT_NE(supervisor.endpoint().apiKey, endpoint.apiKey);
}

TEST_F(EngineSupervisorFakeTest, FollowsBusyAndIdle) {
    llm::EngineSupervisor supervisor;
    QSignalSpy stateSpy(&supervisor, &llm::EngineSupervisor::stateChanged);
    supervisor.start(fakeHost(QByteArray(kReadyLines) + "echo '{\"event\":\"busy\"}'\n"
                                                        "echo '{\"event\":\"idle\"}'\n"
                                                        "exec cat\n"));
    ASSERT_TRUE(processEventsUntil([&] { return stateSpy.size() >= 5; }));
    EXPECT_EQ(states(stateSpy),
              (QList<EngineState>{EngineState::Starting, EngineState::Loading, EngineState::Ready,
                                  EngineState::Busy, EngineState::Ready}));
}

TEST_F(EngineSupervisorFakeTest, AFatalLineBeforeReadyFailsWithoutARestartLoop) {
    llm::EngineSupervisor supervisor;
    QSignalSpy stateSpy(&supervisor, &llm::EngineSupervisor::stateChanged);
    QSignalSpy failedSpy(&supervisor, &llm::EngineSupervisor::failed);
    supervisor.start(fakeHost("echo 'gguf_init: invalid magic' >&2\n"
                              "echo '{\"event\":\"listening\",\"port\":4321}'\n"
                              "echo '{\"event\":\"fatal\",\"message\":\"not a GGUF file: "
                              "choose another model\"}'\n"
                              "exit 1\n"));
    ASSERT_TRUE(waitForState(supervisor, EngineState::Failed));
    ASSERT_EQ(failedSpy.size(), 1);
    EXPECT_TRUE(failedSpy.at(0).at(0).toString().contains(QStringLiteral("not a GGUF file")));
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("choose another model")));
    ASSERT_TRUE(processEventsUntil([&] { return !supervisor.isRunning(); }));
    // No restart: nothing happens within the first backoff delay.
    EXPECT_FALSE(stateSpy.wait(1500));
    EXPECT_EQ(states(stateSpy).count(EngineState::Starting), 1);
    EXPECT_EQ(supervisor.restartCount(), 0);
}

TEST_F(EngineSupervisorFakeTest, DeathBeforeReadyNamesTheSignalAndTheLastStderrLines) {
    llm::EngineSupervisor supervisor;
    supervisor.start(fakeHost("echo '{\"event\":\"listening\",\"port\":4321}'\n"
                              "echo 'llama_model_load: tensor has wrong shape' >&2\n"
                              "kill -ABRT $$\n"));
    ASSERT_TRUE(waitForState(supervisor, EngineState::Failed));
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("SIGABRT")))
        << supervisor.lastError().toStdString();
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("tensor has wrong shape")));
    EXPECT_EQ(supervisor.restartCount(), 0);
}

TEST_F(EngineSupervisorFakeTest, NotReadyInTimeFailsAndEndsTheProcess) {
    llm::EngineSupervisor supervisor;
    llm::EngineConfig config = fakeHost("echo '{\"event\":\"listening\",\"port\":4321}'\n"
                                        "echo '{\"event\":\"loading\",\"progress\":0.5}'\n"
                                        "exec cat\n");
    config.readyTimeoutMs = 300;
    supervisor.start(config);
    ASSERT_TRUE(waitForState(supervisor, EngineState::Failed));
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("not ready after 0.3 s")))
        << supervisor.lastError().toStdString();
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("50%")));
    EXPECT_TRUE(processEventsUntil([&] { return !supervisor.isRunning(); }));
}

TEST_F(EngineSupervisorFakeTest, ACrashAfterReadyIsRestarted) {
    llm::EngineSupervisor supervisor;
    QSignalSpy crashedSpy(&supervisor, &llm::EngineSupervisor::crashed);
    ASSERT_TRUE(startAndWaitReady(supervisor, fakeHost(QByteArray(kReadyLines) + "exec cat\n")));
    const qint64 first = supervisor.processId();
    ASSERT_EQ(::kill(pid_t(first), SIGKILL), 0);

    ASSERT_TRUE(waitForState(supervisor, EngineState::Crashed));
    ASSERT_EQ(crashedSpy.size(), 1);
    EXPECT_TRUE(crashedSpy.at(0).at(0).toString().contains(QStringLiteral("SIGKILL")));
    EXPECT_TRUE(crashedSpy.at(0).at(0).toString().contains(QStringLiteral("llama_model_loader")));
    EXPECT_EQ(supervisor.lastExit(), QStringLiteral("was killed by SIGKILL")); // for the chat
    ASSERT_TRUE(waitForState(supervisor, EngineState::Ready));
    EXPECT_EQ(supervisor.restartCount(), 1);
    EXPECT_NE(supervisor.processId(), first);
    EXPECT_FALSE(processAlive(first));
}

TEST_F(EngineSupervisorFakeTest, GivesUpAfterMaxRestarts) {
    llm::EngineSupervisor supervisor;
    QSignalSpy crashedSpy(&supervisor, &llm::EngineSupervisor::crashed);
    llm::EngineConfig config = fakeHost(QByteArray(kReadyLines) + "exit 3\n");
    config.maxRestarts = 1;
    supervisor.start(config);
    ASSERT_TRUE(waitForState(supervisor, EngineState::Failed));
    EXPECT_EQ(crashedSpy.size(), 2);
    EXPECT_EQ(supervisor.restartCount(), 1);
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("exit code 3")));
    EXPECT_EQ(supervisor.lastExit(), QStringLiteral("exited with code 3"));
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("gave up after 1 restarts")))
        << supervisor.lastError().toStdString();
}

TEST_F(EngineSupervisorFakeTest, StopLeavesNoProcess) {
    llm::EngineSupervisor supervisor;
    ASSERT_TRUE(startAndWaitReady(supervisor, fakeHost(QByteArray(kReadyLines) + "exec cat\n")));
    const qint64 pid = supervisor.processId();
    ASSERT_TRUE(processAlive(pid));
    QSignalSpy stoppedSpy(&supervisor, &llm::EngineSupervisor::stopped);
    supervisor.stop();
    EXPECT_EQ(supervisor.state(), EngineState::Stopped);
    ASSERT_TRUE(processEventsUntil([&] { return stoppedSpy.size() == 1; }));
    EXPECT_FALSE(supervisor.isRunning());
    EXPECT_FALSE(processAlive(pid));
}

TEST_F(EngineSupervisorFakeTest, AHostIgnoringSigtermIsKilled) {
    llm::EngineSupervisor supervisor;
    ASSERT_TRUE(startAndWaitReady(supervisor, fakeHost("trap '' TERM\n" + QByteArray(kReadyLines) +
                                                       "while true; do sleep 0.2; done\n")));
    const qint64 pid = supervisor.processId();
    QSignalSpy stoppedSpy(&supervisor, &llm::EngineSupervisor::stopped);
    supervisor.stop();
    ASSERT_TRUE(processEventsUntil([&] { return stoppedSpy.size() == 1; }));
    EXPECT_FALSE(processAlive(pid));
}

TEST_F(EngineSupervisorFakeTest, DestroyingTheSupervisorLeavesNoProcess) {
    auto supervisor = std::make_unique<llm::EngineSupervisor>();
    ASSERT_TRUE(startAndWaitReady(*supervisor, fakeHost(QByteArray(kReadyLines) + "exec cat\n")));
    const qint64 pid = supervisor->processId();
    ASSERT_TRUE(processAlive(pid));
    supervisor.reset();
    EXPECT_FALSE(processAlive(pid));
}

TEST_F(EngineSupervisorFakeTest, RestartingWithAnotherModelReplacesTheProcess) {
    llm::EngineSupervisor supervisor;
    const llm::EngineConfig config = fakeHost(QByteArray(kReadyLines) + "exec cat\n");
    ASSERT_TRUE(startAndWaitReady(supervisor, config));
    const qint64 first = supervisor.processId();
    ASSERT_TRUE(startAndWaitReady(supervisor, config));
    EXPECT_NE(supervisor.processId(), first);
    EXPECT_TRUE(processEventsUntil([&] { return !processAlive(first); }));
}

TEST_F(EngineSupervisorFakeTest, MissingNodeFailsAtOnceNamingNode) {
    llm::EngineSupervisor supervisor;
    llm::EngineConfig config = fakeHost("exec cat\n");
    config.nodeExecutable = QStringLiteral("/nonexistent/node");
    QSignalSpy failedSpy(&supervisor, &llm::EngineSupervisor::failed);
    supervisor.start(config);
    EXPECT_EQ(supervisor.state(), EngineState::Failed);
    ASSERT_EQ(failedSpy.size(), 1);
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("Node.js")));
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("/nonexistent/node")));
    EXPECT_FALSE(supervisor.isRunning());
}

TEST_F(EngineSupervisorFakeTest, MissingPackagesSayWhatToRun) {
    llm::EngineSupervisor supervisor;
    llm::EngineConfig config = fakeHost("exec cat\n");
    ASSERT_TRUE(QDir(m_dir.filePath(QStringLiteral("engine/node_modules"))).removeRecursively());
    supervisor.start(config);
    EXPECT_EQ(supervisor.state(), EngineState::Failed);
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("scripts/bootstrap.sh")))
        << supervisor.lastError().toStdString();
    EXPECT_FALSE(supervisor.isRunning());
}

TEST_F(EngineSupervisorFakeTest, MissingHostOrModelFailsAtOnce) {
    llm::EngineSupervisor supervisor;
    llm::EngineConfig config = fakeHost("exec cat\n");
    config.hostScript = m_dir.filePath(QStringLiteral("nowhere/host.mjs"));
    supervisor.start(config);
    EXPECT_EQ(supervisor.state(), EngineState::Failed);
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("nowhere/host.mjs")));

    config = fakeHost("exec cat\n");
    config.modelPath = m_dir.filePath(QStringLiteral("missing.gguf"));
    supervisor.start(config);
    EXPECT_EQ(supervisor.state(), EngineState::Failed);
    EXPECT_TRUE(supervisor.lastError().contains(QStringLiteral("missing.gguf")));
    EXPECT_FALSE(supervisor.isRunning());
}

TEST(LocalEngine, ChatTargetIsFreeWithProgressAndTheRunningContext) {
    llm::Endpoint endpoint;
    endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:4321/v1"));
    endpoint.apiKey = QStringLiteral("token");
    llm::EngineInfo info;
    info.model = QStringLiteral("tiny.gguf");
    info.contextSize = 4096;
    const llm::ChatTarget target = llm::localChatTarget(endpoint, info, 256);
    EXPECT_EQ(target.providerId, QStringLiteral("local"));
    EXPECT_EQ(target.model, QStringLiteral("tiny.gguf"));
    EXPECT_EQ(target.contextCap, 4096);
    EXPECT_EQ(target.maxOutputTokens, 256);
    EXPECT_EQ(target.inputPerMillion, 0.0);
    EXPECT_EQ(target.outputPerMillion, 0.0);
    EXPECT_TRUE(target.includeUsage);
    EXPECT_TRUE(target.returnProgress);
    EXPECT_EQ(target.endpoint.apiKey, QStringLiteral("token"));
}

TEST(LocalEngine, CatalogEntryUsesTheChosenContextAndTheModelsOwnVocabulary) {
    llm::ProviderEntry builtIn;
    builtIn.id = QStringLiteral("local");
    builtIn.name = QStringLiteral("Local engine");
    builtIn.kind = QStringLiteral("local");
    builtIn.models = {llm::ModelEntry{}};
    builtIn.models[0].maxOutputTokens = 2048;
    llm::Endpoint endpoint;
    endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:4321/v1"));
    const llm::ProviderEntry entry = llm::localProviderEntry(
        &builtIn, QStringLiteral("/models/qwen-7b.Q4_K_M.gguf"), 16384, endpoint);
    EXPECT_EQ(entry.id, QStringLiteral("local"));
    EXPECT_EQ(entry.name, QStringLiteral("Local engine"));
    EXPECT_EQ(entry.baseUrl, QStringLiteral("http://127.0.0.1:4321/v1"));
    EXPECT_EQ(entry.tokenizeApi, QStringLiteral("llama-server"));
    EXPECT_EQ(entry.capSource, QStringLiteral("llama-server-props"));
    ASSERT_EQ(entry.models.size(), 1);
    const llm::ModelEntry &model = entry.models[0];
    EXPECT_EQ(model.id, QStringLiteral("qwen-7b.Q4_K_M.gguf"));
    EXPECT_EQ(model.contextTokens, 16384);
    EXPECT_EQ(model.maxOutputTokens, 2048);
    EXPECT_EQ(model.inputPerMillion, 0.0);
    EXPECT_EQ(model.outputPerMillion, 0.0);
    EXPECT_TRUE(model.tokenizerExact);

    const llm::ProviderEntry bare =
        llm::localProviderEntry(nullptr, QStringLiteral("/m/a.gguf"), 2048);
    EXPECT_EQ(bare.id, QStringLiteral("local"));
    EXPECT_TRUE(bare.returnProgress);
    EXPECT_TRUE(bare.baseUrl.isEmpty());
}

TEST(LocalEngine, FindsNodeFromTheEnvironmentOrSaysSo) {
    const QByteArray saved = qgetenv("REPOSCOPE_NODE");
    qputenv("REPOSCOPE_NODE", "/nonexistent/node");
    const Result<QString> missing = llm::findNodeExecutable();
    qputenv("REPOSCOPE_NODE", "/bin/sh");
    const Result<QString> found = llm::findNodeExecutable();
    if (saved.isNull())
        qunsetenv("REPOSCOPE_NODE");
    else
        qputenv("REPOSCOPE_NODE", saved);
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error().message.contains(QStringLiteral("REPOSCOPE_NODE")));
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, QStringLiteral("/bin/sh"));
}

TEST(LocalEngine, FindsTheHostInREPOSCOPE_ENGINE_DIR) {
    QTemporaryDir dir;
    QFile host(dir.filePath(QStringLiteral("host.mjs")));
    ASSERT_TRUE(host.open(QIODevice::WriteOnly));
    host.close();
    const QByteArray saved = qgetenv("REPOSCOPE_ENGINE_DIR");
    qputenv("REPOSCOPE_ENGINE_DIR", dir.path().toUtf8());
    const Result<QString> found = llm::findEngineHostScript();
    if (saved.isNull())
        qunsetenv("REPOSCOPE_ENGINE_DIR");
    else
        qputenv("REPOSCOPE_ENGINE_DIR", saved);
    ASSERT_TRUE(found.ok()) << found.error().message.toStdString();
    EXPECT_EQ(*found, host.fileName());
    const Result<Ok> packages = llm::checkEnginePackages(*found);
    ASSERT_FALSE(packages.ok());
    EXPECT_TRUE(packages.error().message.contains(QStringLiteral("node_modules/node-llama-cpp")));
}
