// SPDX-License-Identifier: MIT
// The request is what the window shows (issue 17, section 2), end to end against a real
// loopback server, asserting on the requests it received: max_tokens is the Budget panel's
// reserve at the moment of sending; another repository or ref starts another conversation and
// a changed selection is asked about, so no follow-up sends the old pack unasked; a follow-up to
// a model without vision carries no image parts; Send waits, and the status line says why, when
// no request can be sent.
#include "mainwindow.h"

#include "attachments/attachmentcontroller.h"
#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/local/localengine.h"
#include "repository/repopanel.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"
#include "widgets/confirmstrip.h"
#include "widgets/phaseindicator.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

QByteArray pngBytes() {
    QImage image(256, 256, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

struct SentRequest {
    QJsonObject body;
    QJsonArray messages;
    // Every user message's text, joined (the pack opens the first one).
    QString userText() const {
        QString text;
        for (const QJsonValue &m : messages) {
            const QJsonObject message = m.toObject();
            if (message.value(QStringLiteral("role")).toString() != QLatin1String("user"))
                continue;
            const QJsonValue content = message.value(QStringLiteral("content"));
            if (content.isString())
                text += content.toString();
            for (const QJsonValue &part : content.toArray())
                text += part.toObject().value(QStringLiteral("text")).toString();
        }
        return text;
    }
    int imageParts() const {
        int count = 0;
        for (const QJsonValue &m : messages)
            for (const QJsonValue &part : m.toObject().value(QStringLiteral("content")).toArray())
                count += part.toObject().value(QStringLiteral("type")).toString() ==
                         QLatin1String("image_url");
        return count;
    }
    int maxTokens() const { return body.value(QStringLiteral("max_tokens")).toInt(-1); }
};

class RequestWindowTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        ASSERT_TRUE(m_files.isValid());
    }

    // The window on a self-hosted provider with a vision model ("scout") and a text model
    // ("text") whose catalog context is `context`, the text model chosen first.
    void startWindow(qint64 context = 32768) {
        llm::ProviderEntry provider = loopbackProvider(
            m_server.baseUrl(), QStringLiteral("test-server"), QStringLiteral("Test server"));
        provider.images.maxImagesPerRequest = 4;
        llm::ModelEntry text;
        text.id = QStringLiteral("text");
        text.name = QStringLiteral("Text Model");
        text.contextTokens = context;
        text.maxOutputTokens = 8192;
        text.tokenizer = QStringLiteral("estimate");
        llm::ModelEntry scout = text;
        scout.id = QStringLiteral("scout");
        scout.name = QStringLiteral("Scout");
        scout.contextTokens = 65536;
        scout.vision = true;
        scout.imageTokenRule = QStringLiteral("llama4-tiles");
        provider.models = {text, scout};
        useProvider(m_catalog, provider);
        QSettings().setValue(QStringLiteral("budget/model/") + provider.id, text.id);
        QSettings().setValue(QStringLiteral("budget/reserved"), 8192);

        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_pane = m_window->findChild<ui::ChatPane *>();
        m_composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
        m_send = find<QPushButton>(QStringLiteral("chatSendButton"));
        m_context = find<QLabel>(QStringLiteral("chatContextLine"));
        ASSERT_TRUE(m_pane && m_composer && m_send && m_context);
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    void open(const QString &path, const QString &ref = QString()) {
        bool counted = false;
        QObject::connect(m_workspace.get(), &workspace::Workspace::countingFinished, m_window.get(),
                         [&](bool cancelled) { counted = !cancelled; });
        m_window->openPath(path, ref);
        ASSERT_TRUE(processEventsUntil([&] { return counted; }));
    }

    // Types `question`, waits for Send and clicks it; with `answer`, waits for it to arrive.
    void ask(const QString &question, const QString &answer) {
        m_server.enqueue(
            ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(answer), sse::finishChunk(),
                                   sse::usageChunk(300, 5), sse::done()}));
        const int before = m_server.requestCount();
        m_composer->setPlainText(question);
        ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }))
            << m_pane->phaseIndicator()->text().toStdString();
        m_send->click();
        ASSERT_TRUE(processEventsUntil([&] {
            return m_server.requestCount() == before + 1 && !m_pane->isBusy() &&
                   m_pane->lastAnswerMarkdown() == answer;
        }));
    }

    SentRequest lastRequest() const {
        SentRequest sent;
        sent.body = QJsonDocument::fromJson(m_server.requests().last().body).object();
        sent.messages = sent.body.value(QStringLiteral("messages")).toArray();
        return sent;
    }

    QSpinBox *reserveSpin() const {
        // The meter's second spin box is the reserve (the first is the cap).
        const QList<QSpinBox *> spins = m_window->budgetMeter()->findChildren<QSpinBox *>();
        return spins.size() >= 2 ? spins[1] : nullptr;
    }

    void setChecked(const char *path, bool on) {
        const int node = m_workspace->snapshot()->find(path);
        ASSERT_GT(node, 0) << path;
        ASSERT_TRUE(m_window->treeModel()->setData(m_window->treeModel()->indexForNode(node),
                                                   on ? Qt::Checked : Qt::Unchecked,
                                                   Qt::CheckStateRole));
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    QTemporaryDir m_files;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::ChatPane *m_pane = nullptr;
    QPlainTextEdit *m_composer = nullptr;
    QPushButton *m_send = nullptr;
    QLabel *m_context = nullptr;
};

} // namespace

TEST_F(RequestWindowTest, MaxTokensIsTheReserveShownWhenSendIsPressed) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/db.py"), "def find(name):\n    return run(name)\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ui::BudgetMeter *budget = m_window->budgetMeter();
    QSpinBox *reserve = reserveSpin();
    ASSERT_NE(reserve, nullptr);
    ASSERT_EQ(budget->reservedOutput(), 8192); // picked with the default reserve

    // Changed after the model was picked: the request carries the new figure.
    reserve->setValue(3000);
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("First?"), QStringLiteral("One.")));
    EXPECT_EQ(lastRequest().maxTokens(), 3000);
    // And again for a follow-up.
    reserve->setValue(1536);
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Second?"), QStringLiteral("Two.")));
    EXPECT_EQ(lastRequest().maxTokens(), 1536);
    EXPECT_EQ(lastRequest().maxTokens(), budget->reservedOutput());
}

TEST_F(RequestWindowTest, AnEightKModelKeepsHalfItsContextForTheAnswerAndASmallRepoFits) {
    ASSERT_NO_FATAL_FAILURE(startWindow(8192));
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/db.py"), "def find(name):\n    return run(name)\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ui::BudgetMeter *budget = m_window->budgetMeter();
    ASSERT_EQ(budget->contextCap(), 8192);
    // The 8,192 default would fill the context alone: half of it is kept instead, and the
    // figures line says so.
    EXPECT_EQ(budget->reservedOutput(), 4096);
    EXPECT_NE(budget->figures().level, prompt::BudgetFigures::Level::Over);
    QString figures;
    for (const QLabel *label : budget->findChildren<QLabel *>())
        if (label->text().contains(QStringLiteral("reserved for the answer")))
            figures = label->text();
    const QLocale loc = QLocale::system();
    EXPECT_TRUE(figures.contains(QStringLiteral("reserved for the answer ") + loc.toString(4096) +
                                 QStringLiteral(" (of your ") + loc.toString(8192)))
        << figures.toStdString();
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Anything?"), QStringLiteral("Fine.")));
    EXPECT_EQ(lastRequest().maxTokens(), 4096);
}

TEST_F(RequestWindowTest, ARequestThatDoesNotFitSaysHowPromptReserveAndContextAddUp) {
    ASSERT_NO_FATAL_FAILURE(startWindow(2048));
    ScratchRepo repo;
    repo.initGit();
    QByteArray big;
    for (int i = 0; i < 400; ++i)
        big += "value_" + QByteArray::number(i) + " = compute(value_" + QByteArray::number(i) +
               ", factor)\n";
    repo.write(QStringLiteral("app/big.py"), big);
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    const prompt::BudgetFigures figures = m_window->budgetMeter()->figures();
    ASSERT_EQ(figures.level, prompt::BudgetFigures::Level::Over);
    m_composer->setPlainText(QStringLiteral("Audit it"));
    QCoreApplication::processEvents();
    EXPECT_FALSE(m_send->isEnabled());
    const QLocale locale;
    const QString expected = QStringLiteral("prompt %1 + reserve %2 = %3 tokens > context %4")
                                 .arg(locale.toString(figures.inputTokens), locale.toString(1024),
                                      locale.toString(figures.usedTokens), locale.toString(2048));
    EXPECT_TRUE(m_pane->phaseIndicator()->text().startsWith(expected))
        << m_pane->phaseIndicator()->text().toStdString();
    EXPECT_TRUE(m_send->toolTip().startsWith(expected));
    EXPECT_EQ(m_server.requestCount(), 0);
}

// A follow-up carries the pack and the earlier turns: when the server refuses it as over the
// context, deselecting files cannot help, so the turn says how the figures add up and that a
// new conversation does.
TEST_F(RequestWindowTest, AFollowUpOverTheContextSaysHowItAddsUpAndOffersANewConversation) {
    ASSERT_NO_FATAL_FAILURE(startWindow(8192));
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/db.py"), "def find(name):\n    return run(name)\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("First?"), QStringLiteral("One.")));
    const qint64 reserve = m_window->budgetMeter()->reservedOutput();
    ASSERT_EQ(reserve, 4096);
    // llama-server's refusal, with its figures.
    m_server.enqueue(ScriptedResponse::json(
        400, QByteArrayLiteral("{\"error\":{\"code\":400,\"message\":\"the request exceeds the "
                               "available context size, try increasing it\",\"type\":"
                               "\"exceed_context_size_error\",\"n_prompt_tokens\":5000,"
                               "\"n_ctx\":8192}}")));
    m_composer->setPlainText(QStringLiteral("And the second?"));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
    m_send->click();
    const QList<llm::Turn> *turns = m_pane->transcript()->turns();
    ASSERT_TRUE(processEventsUntil([&] {
        return m_server.requestCount() == 2 && !m_pane->isBusy() && turns->size() == 2 &&
               turns->at(1).phase == llm::ChatPhase::Failed;
    }));
    ASSERT_TRUE(turns->at(1).error.has_value());
    const QString message = turns->at(1).error->message;
    const QLocale locale;
    EXPECT_TRUE(message.contains(QStringLiteral("prompt %1 (the pack, 1 earlier turn and the "
                                                "question) + reserve %2 = %3 tokens > context %4")
                                     .arg(locale.toString(5000), locale.toString(reserve),
                                          locale.toString(5000 + reserve), locale.toString(8192))))
        << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("New Conversation"))) << message.toStdString();
    EXPECT_TRUE(m_pane->transcript()->renderedTurnText(1).contains(QStringLiteral("This follow-up "
                                                                                  "does not fit")))
        << m_pane->transcript()->renderedTurnText(1).toStdString();
}

TEST_F(RequestWindowTest, AnotherRepositoryStartsANewConversationAboutIt) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ScratchRepo first;
    first.initGit();
    first.write(QStringLiteral("billing/invoice.py"), "def total(lines):\n    return sum(lines)\n");
    first.commitAll();
    ScratchRepo second;
    second.initGit();
    second.write(QStringLiteral("auth/login.py"), "def login(user):\n    return check(user)\n");
    second.commitAll();

    ASSERT_NO_FATAL_FAILURE(open(first.path()));
    const QString firstName = QFileInfo(first.path()).fileName();
    EXPECT_TRUE(m_context->isVisible());
    EXPECT_TRUE(m_context->text().contains(firstName)) << m_context->text().toStdString();
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("What does total do?"), QStringLiteral("Sums.")));
    EXPECT_TRUE(lastRequest().userText().contains(QStringLiteral("billing/invoice.py")));
    const QString shortSha = m_workspace->snapshot()->info().shortSha;
    EXPECT_TRUE(m_context->text().startsWith(firstName + QStringLiteral(" @ ") + shortSha +
                                             QStringLiteral(" · 1 file · ")))
        << m_context->text().toStdString();

    ASSERT_NO_FATAL_FAILURE(open(second.path()));
    // The old conversation is closed, and the chat says so and names the new repository.
    EXPECT_TRUE(m_pane->phaseIndicator()->text().contains(firstName))
        << m_pane->phaseIndicator()->text().toStdString();
    EXPECT_TRUE(m_pane->phaseIndicator()->text().contains(QStringLiteral("new conversation")));
    EXPECT_FALSE(m_pane->lastAnswerMarkdown().contains(QStringLiteral("Sums.")));
    EXPECT_TRUE(m_context->text().contains(QFileInfo(second.path()).fileName()))
        << m_context->text().toStdString();

    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("And this one?"), QStringLiteral("Logs in.")));
    const SentRequest sent = lastRequest();
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("auth/login.py")));
    EXPECT_FALSE(sent.userText().contains(QStringLiteral("billing/invoice.py")));
    EXPECT_FALSE(sent.userText().contains(QStringLiteral("What does total do?")));
    EXPECT_EQ(sent.messages.size(), 2); // system + the question: no history of the other repo
}

TEST_F(RequestWindowTest, AnotherRefStartsANewConversationAboutThatCommit) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/old.py"), "OLD_MARKER = 1\n");
    repo.commitAll();
    repo.git({QStringLiteral("tag"), QStringLiteral("v1")});
    repo.write(QStringLiteral("app/old.py"), "NEW_MARKER = 2\n");
    repo.commitAll();

    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Which marker?"), QStringLiteral("New.")));
    EXPECT_TRUE(lastRequest().userText().contains(QStringLiteral("NEW_MARKER")));

    ASSERT_NO_FATAL_FAILURE(open(repo.path(), QStringLiteral("v1")));
    EXPECT_TRUE(m_context->text().contains(QStringLiteral("@ v1 (")))
        << m_context->text().toStdString();
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Which marker now?"), QStringLiteral("Old.")));
    const SentRequest sent = lastRequest();
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("OLD_MARKER")));
    EXPECT_FALSE(sent.userText().contains(QStringLiteral("NEW_MARKER")));
    EXPECT_EQ(sent.messages.size(), 2);
}

TEST_F(RequestWindowTest, AChangedSelectionIsAskedAboutOnTheNextSend) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/a.py"), "ALPHA = 1\n");
    repo.write(QStringLiteral("app/b.py"), "BETA = 2\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Both?"), QStringLiteral("Both.")));
    EXPECT_TRUE(lastRequest().userText().contains(QStringLiteral("BETA = 2")));

    ASSERT_NO_FATAL_FAILURE(setChecked("app/b.py", false));
    QCoreApplication::processEvents();
    EXPECT_TRUE(m_context->text().contains(QStringLiteral("selection changed since")))
        << m_context->text().toStdString();
    auto *choice = find<ui::ConfirmStrip>(QStringLiteral("chatPackChoiceStrip"));
    ASSERT_NE(choice, nullptr);

    // The follow-up waits for the answer: nothing is sent, the question stays.
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Old.")),
                               sse::finishChunk(), sse::done()}));
    m_composer->setPlainText(QStringLiteral("Still both?"));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
    m_send->click();
    QCoreApplication::processEvents();
    EXPECT_TRUE(choice->isVisible());
    EXPECT_TRUE(choice->text().startsWith(
        QStringLiteral("Selection changed since this conversation began")))
        << choice->text().toStdString();
    EXPECT_EQ(m_server.requestCount(), 1);
    EXPECT_EQ(m_composer->toPlainText(), QStringLiteral("Still both?"));

    // "Send with the Old Pack": a follow-up with the history and the pack of both files.
    choice->cancelButton()->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return m_server.requestCount() == 2 && !m_pane->isBusy() &&
               m_pane->lastAnswerMarkdown() == QStringLiteral("Old.");
    }));
    SentRequest sent = lastRequest();
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("BETA = 2")));
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("Both?")));

    // Asked once per conversation: the next follow-up goes with the old pack at once.
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Again?"), QStringLiteral("Again.")));
    EXPECT_TRUE(lastRequest().userText().contains(QStringLiteral("BETA = 2")));

    // A new conversation (after asking again) packs the current selection only.
    m_pane->findChild<QPushButton *>(QStringLiteral("chatNewButton"))->click();
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Only a?"), QStringLiteral("A.")));
    ASSERT_NO_FATAL_FAILURE(setChecked("app/b.py", true));
    QCoreApplication::processEvents();
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("New.")),
                               sse::finishChunk(), sse::done()}));
    m_composer->setPlainText(QStringLiteral("Now with b?"));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
    m_send->click();
    QCoreApplication::processEvents();
    ASSERT_TRUE(choice->isVisible());
    EXPECT_EQ(m_server.requestCount(), 4);
    choice->sendButton()->click(); // "New Conversation"
    ASSERT_TRUE(processEventsUntil([&] {
        return m_server.requestCount() == 5 && !m_pane->isBusy() &&
               m_pane->lastAnswerMarkdown() == QStringLiteral("New.");
    }));
    sent = lastRequest();
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("BETA = 2")));
    EXPECT_FALSE(sent.userText().contains(QStringLiteral("Only a?")));
    EXPECT_EQ(sent.messages.size(), 2);
}

TEST_F(RequestWindowTest, AFollowUpToAModelWithoutVisionLeavesEarlierImagesOut) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/models.py"), "class Invoice:\n    pass\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    ui::BudgetMeter *budget = m_window->budgetMeter();
    budget->selectModel(QStringLiteral("test-server"), QStringLiteral("scout"));
    ui::AttachmentController *attachments = m_pane->attachments();
    ASSERT_TRUE(attachments && attachments->canAttach());
    const QString image = m_files.filePath(QStringLiteral("erd.png"));
    {
        QFile file(image);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(pngBytes());
    }
    attachments->addFile(image);
    ASSERT_TRUE(processEventsUntil(
        [&] { return attachments->sendableCount() == 1 && !attachments->isPreparing(); }));
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Does it match?"), QStringLiteral("Yes.")));
    EXPECT_EQ(lastRequest().imageParts(), 1);

    // Same model: the follow-up carries the earlier turn's image again.
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("Sure?"), QStringLiteral("Sure.")));
    EXPECT_EQ(lastRequest().imageParts(), 1);

    // A model without vision: the image stays out of the request, and the chat says so.
    budget->selectModel(QStringLiteral("test-server"), QStringLiteral("text"));
    ASSERT_FALSE(attachments->canAttach());
    QCoreApplication::processEvents();
    EXPECT_TRUE(m_context->text().contains(
        QStringLiteral("1 image from an earlier turn is left out: Text Model has no vision")))
        << m_context->text().toStdString();
    ASSERT_NO_FATAL_FAILURE(ask(QStringLiteral("And the code?"), QStringLiteral("Fine.")));
    const SentRequest sent = lastRequest();
    EXPECT_EQ(sent.body.value(QStringLiteral("model")).toString(), QStringLiteral("text"));
    EXPECT_EQ(sent.imageParts(), 0);
    EXPECT_FALSE(
        QString::fromUtf8(m_server.requests().last().body).contains(QStringLiteral("image_url")));
    EXPECT_TRUE(sent.userText().contains(QStringLiteral("Does it match?"))); // history kept
}

TEST_F(RequestWindowTest, SendWaitsAndTheStatusLineSaysWhy) {
    ASSERT_NO_FATAL_FAILURE(startWindow());
    m_composer->setPlainText(QStringLiteral("What does this do?"));
    QCoreApplication::processEvents();
    // Nothing open.
    EXPECT_FALSE(m_send->isEnabled());
    EXPECT_TRUE(m_pane->phaseIndicator()->text().startsWith(QStringLiteral("Open a repository")))
        << m_pane->phaseIndicator()->text().toStdString();

    ScratchRepo repo;
    repo.initGit();
    repo.write(QStringLiteral("app/a.py"), "ALPHA = 1\n");
    repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(open(repo.path()));
    EXPECT_TRUE(m_send->isEnabled());
    EXPECT_EQ(m_pane->phaseIndicator()->text(),
              QStringLiteral("Ready. Ctrl+Enter sends the question."));

    // Nothing selected.
    ASSERT_NO_FATAL_FAILURE(setChecked("app", false));
    QCoreApplication::processEvents();
    EXPECT_FALSE(m_send->isEnabled());
    EXPECT_EQ(m_pane->phaseIndicator()->text(),
              QStringLiteral("Select at least one file to audit."));
    EXPECT_EQ(m_send->toolTip(), QStringLiteral("Select at least one file to audit."));
    ASSERT_NO_FATAL_FAILURE(setChecked("app", true));
    QCoreApplication::processEvents();
    EXPECT_TRUE(m_send->isEnabled());

    // The local engine with no model loaded.
    m_window->budgetMeter()->selectModel(llm::localProviderId(), QStringLiteral("gguf"));
    ASSERT_EQ(m_window->budgetMeter()->currentProviderId(), llm::localProviderId());
    QCoreApplication::processEvents();
    EXPECT_FALSE(m_send->isEnabled());
    EXPECT_TRUE(m_pane->phaseIndicator()->text().contains(
        QStringLiteral("Pick a local model: Model ▸ Local Models… (Ctrl+L)")))
        << m_pane->phaseIndicator()->text().toStdString();
    EXPECT_EQ(m_server.requestCount(), 0);
}
