// SPDX-License-Identifier: MIT
// What the CLI prints about itself: each command's --help names the command and only its
// exit codes, --json puts the totals first, and no error names a GUI menu or button.
#include "askrun.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "clirun.h"

#include <gtest/gtest.h>

#include <cctype>

using namespace reposcope::test;

namespace {

// The words of the GUI's menus and buttons, which a CLI user has none of.
void expectNoGuiWords(const QByteArray &text) {
    for (const char *gui : {"▸", "File >", "Settings", "Fit to budget", "Deselect"})
        EXPECT_FALSE(text.contains(gui)) << gui << " in: " << text.constData();
}

// The exit code lines of a --help text ("  3    cannot open ...").
QList<int> exitCodesIn(const QByteArray &help) {
    QList<int> codes;
    const qsizetype at = help.indexOf("Exit codes:");
    EXPECT_GE(at, 0) << help.constData();
    for (const QByteArray &line : help.mid(at).split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (line.startsWith("  ") && !trimmed.isEmpty() && std::isdigit(trimmed.front()))
            codes << trimmed.split(' ').constFirst().toInt();
    }
    return codes;
}

class CliWordingTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_repo.initGit();
        m_repo.write(QStringLiteral("src/main.c"), "int main(void) {\n    return 0;\n}\n");
        m_repo.write(QStringLiteral("README.md"), "# Demo\n");
        m_repo.commitAll();
    }
    AskRun ask(const QByteArray &status, const QByteArray &body) {
        m_server.enqueue(ScriptedResponse::json(status.toInt(), body));
        return runAsk({m_repo.path(), QStringLiteral("--base-url"), m_server.baseUrl().toString(),
                       QStringLiteral("--model"), QStringLiteral("m"), QStringLiteral("--prompt"),
                       QStringLiteral("q"), QStringLiteral("--cache-dir"), m_cache.path()},
                      m_home.path());
    }
    ScratchRepo m_repo;
    ScriptedServer m_server;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
};

} // namespace

TEST_F(CliWordingTest, EachCommandsHelpNamesItAndListsOnlyItsExitCodes) {
    const CliRun count = runCli({QStringLiteral("count"), QStringLiteral("--help")});
    ASSERT_EQ(count.exitCode, 0);
    EXPECT_TRUE(count.out.startsWith("Usage: reposcope-cli count [options] PATH"))
        << count.out.constData();
    EXPECT_EQ(exitCodesIn(count.out), (QList<int>{0, 1, 2, 3, 130}));

    const CliRun pack = runCli({QStringLiteral("pack"), QStringLiteral("--help")});
    ASSERT_EQ(pack.exitCode, 0);
    EXPECT_TRUE(pack.out.startsWith("Usage: reposcope-cli pack [options] PATH"))
        << pack.out.constData();
    EXPECT_EQ(exitCodesIn(pack.out), (QList<int>{0, 1, 2, 3, 4, 130}));

    const CliRun ask = runCli({QStringLiteral("ask"), QStringLiteral("--help")});
    ASSERT_EQ(ask.exitCode, 0);
    EXPECT_TRUE(ask.out.startsWith("Usage: reposcope-cli ask [options] PATH"))
        << ask.out.constData();
    EXPECT_EQ(exitCodesIn(ask.out), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 130}));
    EXPECT_FALSE(ask.out.contains("ask: ")) << "every code is ask's own here";

    // The overview still lists them all, with the command each belongs to.
    const CliRun top = runCli({QStringLiteral("--help")});
    EXPECT_EQ(exitCodesIn(top.out), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 130}));
    EXPECT_TRUE(top.out.contains("ask: network failure"));
}

TEST_F(CliWordingTest, CountJsonPutsTheTotalsBeforeTheFiles) {
    const CliRun r = runCli({QStringLiteral("count"), m_repo.path(), QStringLiteral("--json"),
                             QStringLiteral("--cache-dir"), m_cache.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(r.out, &error).object();
    ASSERT_EQ(error.error, QJsonParseError::NoError) << r.out.constData();
    EXPECT_TRUE(r.out.startsWith("{\n    \"selected\": {")) << r.out.left(200).constData();
    const qsizetype total = r.out.indexOf("\n    \"total\": {");
    const qsizetype files = r.out.indexOf("\n    \"files\": [");
    ASSERT_GT(total, 0);
    ASSERT_GT(files, 0);
    EXPECT_LT(total, files);
    // The reordered text is the same document: totals and files as before.
    const QJsonObject selected = root.value(QStringLiteral("selected")).toObject();
    EXPECT_EQ(selected.value(QStringLiteral("files")).toInt(), 2);
    EXPECT_GT(selected.value(QStringLiteral("tokens")).toInteger(), 0);
    EXPECT_EQ(root.value(QStringLiteral("files")).toArray().size(), 2);
    EXPECT_EQ(root.value(QStringLiteral("repository")).toString(), m_repo.path());
}

TEST_F(CliWordingTest, AMissingFolderIsReportedWithoutTheGuisMenu) {
    const CliRun r = runCli({QStringLiteral("count"), m_repo.path() + QStringLiteral("/nope"),
                             QStringLiteral("--cache-dir"), m_cache.path()});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_TRUE(r.err.contains("does not exist")) << r.err.constData();
    expectNoGuiWords(r.err);
}

TEST_F(CliWordingTest, KeyErrorsPointAtTheVariableNotAtSettings) {
    const AskRun rejected = ask("401", R"({"error":{"message":"Invalid API Key"}})");
    EXPECT_EQ(rejected.exitCode, 6) << rejected.err.constData();
    EXPECT_TRUE(rejected.err.contains("401")) << rejected.err.constData();
    EXPECT_TRUE(rejected.err.contains("--api-key-env")) << rejected.err.constData();
    expectNoGuiWords(rejected.err);

    const AskRun refused = ask("403", R"({"error":{"message":"no access to this model"}})");
    EXPECT_EQ(refused.exitCode, 6) << refused.err.constData();
    EXPECT_TRUE(refused.err.contains("403")) << refused.err.constData();
    EXPECT_TRUE(refused.err.contains("--api-key-env")) << refused.err.constData();
    expectNoGuiWords(refused.err);
}

TEST_F(CliWordingTest, ContextOverflowSaysWhatToDoWithTheFlags) {
    const AskRun r = ask(
        "400",
        R"({"error":{"message":"The prompt is too long: 264613, model maximum context length: 262141","code":"invalid_request_error"}})");
    EXPECT_EQ(r.exitCode, 7) << r.err.constData();
    EXPECT_TRUE(r.err.contains("Select fewer files")) << r.err.constData();
    EXPECT_TRUE(r.err.contains("--include/--exclude")) << r.err.constData();
    expectNoGuiWords(r.err);
}
