// SPDX-License-Identifier: MIT
// The real reposcope-cli against decoding bombs and oversized vocabularies: `ask --image`
// with a 34-byte GIF declaring 15000×15000, under an address-space limit far below the 900 MB
// its decode once took, refuses it with the reason (no crash, nothing sent); `count
// --tokenizer` with a vocabulary over --max-vocab-tokens or $REPOSCOPE_MAX_VOCAB_TOKENS says
// so and counts it once the limit is raised.
#include "askrun.h"
#include "ggufwriter.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtEndian>

#include <gtest/gtest.h>

#include <sys/resource.h>

using namespace reposcope::test;

namespace {

const QString kVisionModel = QStringLiteral("meta-llama/Llama-4-Scout-17B-16E-Instruct");

// The 34-byte GIF: a 15000×15000 screen and frame whose LZW data is clear + end.
QByteArray gifBomb() {
    QByteArray gif = QByteArrayLiteral("GIF89a\x98\x3A\x98\x3A\x80\x00\x00");
    gif += QByteArrayLiteral("\x00\x00\x00\xFF\xFF\xFF");
    gif += QByteArrayLiteral("\x2C\x00\x00\x00\x00\x98\x3A\x98\x3A\x00");
    return gif + QByteArrayLiteral("\x02\x01\x2C\x00\x3B");
}

struct LimitedRun {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QByteArray err;
};

// Runs the CLI with `args`; `addressSpace` > 0 limits its virtual memory (RLIMIT_AS), so an
// allocation of the old size would fail in it.
LimitedRun runLimited(const QStringList &args, const QString &home, rlim_t addressSpace,
                      const QProcessEnvironment &extra = {}) {
    QProcess proc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.remove(QStringLiteral("REPOSCOPE_MAX_VOCAB_TOKENS"));
    for (const QString &name : extra.keys())
        env.insert(name, extra.value(name));
    proc.setProcessEnvironment(env);
    if (addressSpace > 0)
        proc.setChildProcessModifier([addressSpace] {
            const rlimit limit{addressSpace, addressSpace};
            ::setrlimit(RLIMIT_AS, &limit);
        });
    proc.start(QStringLiteral(REPOSCOPE_CLI), args);
    EXPECT_TRUE(processEventsUntil([&] { return proc.state() == QProcess::NotRunning; }));
    return {proc.exitCode(), proc.exitStatus(), proc.readAllStandardError()};
}

class CliBombs : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_files.isValid());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/models.py"), "class Order:\n    pass\n");
        m_repo.commitAll();
    }
    QString writeFile(const QString &name, const QByteArray &bytes) {
        const QString path = m_files.filePath(name);
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }
    QString tinyGguf() {
        GgufWriter w;
        w.addString("general.architecture", "llama");
        addGpt2Vocab(w, tinyVocab()); // 283 tokens
        return writeFile(QStringLiteral("tiny.gguf"), w.build());
    }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_home;
    QTemporaryDir m_files;
};

} // namespace

TEST_F(CliBombs, GifBombIsRefusedUnderAnAddressSpaceLimit) {
    ASSERT_TRUE(m_server.isListening());
    const QString gif = writeFile(QStringLiteral("bomb.gif"), gifBomb());
    ASSERT_EQ(QFile(gif).size(), 34);
    const QStringList args = {QStringLiteral("ask"),
                              m_repo.path(),
                              QStringLiteral("--provider"),
                              QStringLiteral("vllm"),
                              QStringLiteral("--base-url"),
                              m_server.baseUrl().toString(),
                              QStringLiteral("--model"),
                              kVisionModel,
                              QStringLiteral("--prompt"),
                              QStringLiteral("Compare"),
                              QStringLiteral("--no-cache"),
                              QStringLiteral("--image"),
                              gif};
    // 768 MB of address space: the CLI with its libraries and threads needs under 300 MB, the
    // 900 MB image Qt once allocated for this file does not fit.
    constexpr rlim_t kAddressSpace = rlim_t(768) << 20;
    const LimitedRun run = runLimited(args, m_home.path(), kAddressSpace);
    EXPECT_EQ(run.status, QProcess::NormalExit) << run.err.constData();
    EXPECT_EQ(run.exitCode, 2) << run.err.constData();
    EXPECT_TRUE(run.err.contains(QByteArray(
        "image " + gif.toUtf8() + ": 15000×15000 GIF is too large to decode: it needs 900.0 MB")))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("over the 256.0 MB limit for one image")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("nothing was sent")) << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 0);

    // The same limit lets an ordinary image through: the refusal is the bound, not the limit.
    QImage diagram(1200, 800, QImage::Format_RGB32);
    diagram.fill(Qt::white);
    const QString png = m_files.filePath(QStringLiteral("erd.png"));
    ASSERT_TRUE(diagram.save(png, "PNG"));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    QStringList ordinary = args;
    ordinary.last() = png;
    const LimitedRun sent = runLimited(ordinary, m_home.path(), kAddressSpace);
    EXPECT_EQ(sent.exitCode, 0) << sent.err.constData();
    EXPECT_EQ(m_server.requestCount(), 1);
}

TEST_F(CliBombs, VocabularyOverTheLimitIsNamedAndCountsOnceRaised) {
    const QString gguf = tinyGguf();
    const QStringList count = {QStringLiteral("count"), m_repo.path(), QStringLiteral("--no-cache"),
                               QStringLiteral("--tokenizer"), gguf};

    const LimitedRun lowered = runLimited(QStringList(count) << QStringLiteral("--max-vocab-tokens")
                                                             << QStringLiteral("200"),
                                          m_home.path(), 0);
    EXPECT_EQ(lowered.exitCode, 0) << lowered.err.constData();
    EXPECT_TRUE(lowered.err.contains("'tokenizer.ggml.tokens' lists 283 entries, over the limit "
                                     "of 200 tokens"))
        << lowered.err.constData();
    EXPECT_TRUE(lowered.err.contains("--max-vocab-tokens N")) << lowered.err.constData();

    const LimitedRun raised = runLimited(QStringList(count) << QStringLiteral("--max-vocab-tokens")
                                                            << QStringLiteral("300"),
                                         m_home.path(), 0);
    EXPECT_EQ(raised.exitCode, 0) << raised.err.constData();
    EXPECT_FALSE(raised.err.contains("warning")) << raised.err.constData();

    QProcessEnvironment env;
    env.insert(QStringLiteral("REPOSCOPE_MAX_VOCAB_TOKENS"), QStringLiteral("200"));
    const LimitedRun fromEnv = runLimited(count, m_home.path(), 0, env);
    EXPECT_TRUE(fromEnv.err.contains("over the limit of 200 tokens")) << fromEnv.err.constData();
    // The flag wins over the environment.
    const LimitedRun flagWins = runLimited(
        QStringList(count) << QStringLiteral("--max-vocab-tokens") << QStringLiteral("300"),
        m_home.path(), 0, env);
    EXPECT_FALSE(flagWins.err.contains("warning")) << flagWins.err.constData();

    const LimitedRun bad = runLimited(QStringList(count) << QStringLiteral("--max-vocab-tokens")
                                                         << QStringLiteral("many"),
                                      m_home.path(), 0);
    EXPECT_EQ(bad.exitCode, 2) << bad.err.constData();
    EXPECT_TRUE(bad.err.contains("--max-vocab-tokens needs a positive number of tokens"))
        << bad.err.constData();
}
