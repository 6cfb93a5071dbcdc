// SPDX-License-Identifier: MIT
// Chat ▸ Copy Pack to Clipboard in the window, against a real loopback server: the clipboard
// holds byte for byte the pack the first question then sends, redacted for a remote
// provider; a pack above the size threshold asks first and Cancel copies nothing; no
// repository or no selection says so and copies nothing.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "chat/copypack.h"
#include "eventloop.h"
#include "prompt/prompttokens.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "secretsamples.h"
#include "uitestsupport.h"
#include "widgets/confirmstrip.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

const QString kSentinel = QStringLiteral("clipboard holds something else");

class CopyPackTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        secrets::SampleGenerator generator(20);
        for (const secrets::Sample &s : generator.onePerRule())
            if (s.ruleId == QLatin1String("github-pat")) {
                m_secret = s.secret;
                break;
            }
        ASSERT_FALSE(m_secret.isEmpty());
        m_repo.initGit();
        m_repo.write(QStringLiteral("deploy/ci.sh"),
                     "#!/bin/sh\nGITHUB_TOKEN=" + m_secret + "\ncurl -sf api/ci\necho done\n");
        m_repo.write(QStringLiteral("src/main.go"),
                     "package main\n\nfunc main() {\n\tprintln(\"invoices\")\n}\n");
        m_repo.write(QStringLiteral("README.md"), "# Invoicer\n\nSends invoices.\n");
        m_repo.commitAll();
        QGuiApplication::clipboard()->setText(kSentinel);
    }
    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    void startWindow(const QString &kind, bool open = true) {
        m_provider = loopbackProvider(m_server.baseUrl());
        m_provider.kind = kind;
        useProvider(m_catalog, m_provider);
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_action = m_window->findChild<QAction *>(QStringLiteral("copyPackAction"));
        m_copy = m_window->findChild<ui::CopyPack *>(QStringLiteral("copyPack"));
        ASSERT_TRUE(m_action && m_copy);
        if (open) {
            ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
        }
    }
    // Triggers the menu action and waits for the copy to end; returns whether it copied.
    bool copyFromMenu() {
        QSignalSpy done(m_copy, &ui::CopyPack::finished);
        m_action->trigger();
        EXPECT_TRUE(done.count() > 0 || done.wait(20000));
        return !done.isEmpty() && done.first().first().toBool();
    }
    QString sentUserText() const {
        const QJsonArray messages = QJsonDocument::fromJson(m_server.requests().last().body)
                                        .object()
                                        .value(QStringLiteral("messages"))
                                        .toArray();
        QString text;
        for (const QJsonValue &m : messages) {
            if (m.toObject().value(QStringLiteral("role")).toString() != QLatin1String("user"))
                continue;
            const QJsonValue content = m.toObject().value(QStringLiteral("content"));
            if (content.isString())
                text += content.toString();
            for (const QJsonValue &part : content.toArray())
                text += part.toObject().value(QStringLiteral("text")).toString();
        }
        return text;
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QByteArray m_secret;
    llm::ProviderEntry m_provider;
    std::unique_ptr<ui::MainWindow> m_window;
    QAction *m_action = nullptr;
    ui::CopyPack *m_copy = nullptr;
};

} // namespace

TEST_F(CopyPackTest, TheShortcutIsFreeAndTheActionIsInTheChatMenu) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud"), false));
    EXPECT_EQ(m_action->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+P")));
    int uses = 0;
    for (const QAction *action : m_window->findChildren<QAction *>())
        uses += action->shortcuts().contains(m_action->shortcut());
    EXPECT_EQ(uses, 1);
}

TEST_F(CopyPackTest, TheClipboardHoldsThePackARemoteProviderReceivesRedacted) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud")));
    ASSERT_TRUE(copyFromMenu());
    const QString copied = QGuiApplication::clipboard()->text();
    ASSERT_NE(copied, kSentinel);
    EXPECT_FALSE(copied.contains(QString::fromLatin1(m_secret)));
    EXPECT_TRUE(
        copied.contains(QStringLiteral("GITHUB_TOKEN=«redacted:github-pat»\ncurl -sf api/ci")));
    EXPECT_TRUE(copied.contains(QStringLiteral("println(\"invoices\")")));
    const QString status = m_window->statusBar()->currentMessage();
    EXPECT_TRUE(status.startsWith(QStringLiteral("Copied "))) << status.toStdString();
    EXPECT_TRUE(status.contains(QStringLiteral("to the clipboard"))) << status.toStdString();
    EXPECT_TRUE(status.contains(QStringLiteral("1 secret redacted"))) << status.toStdString();

    // The first question sends the same pack, then the separator and the question.
    auto *composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    auto *strip = m_window->findChild<ui::ConfirmStrip *>(QStringLiteral("chatConfirmStrip"));
    ASSERT_TRUE(composer && send && strip);
    composer->setPlainText(QStringLiteral("Audit it."));
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Done.")),
                               sse::finishChunk(), sse::usageChunk(300, 5), sse::done()}));
    ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
    send->click();
    ASSERT_TRUE(processEventsUntil([&] { return strip->isVisible(); }));
    strip->sendButton()->click();
    ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; }));
    const QString sent = sentUserText();
    ASSERT_TRUE(sent.startsWith(copied)) << sent.left(400).toStdString();
    EXPECT_EQ(sent.mid(copied.size()),
              QString::fromUtf8(prompt::kQuestionSeparator) + QStringLiteral("Audit it."));
    EXPECT_FALSE(m_server.requests().last().body.contains(m_secret));
}

TEST_F(CopyPackTest, ALoopbackServerGetsTheSecretAsItIsAndTheStatusSaysSo) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("self-hosted")));
    ASSERT_TRUE(copyFromMenu());
    const QString copied = QGuiApplication::clipboard()->text();
    EXPECT_TRUE(copied.contains(QString::fromLatin1(m_secret)));
    const QString status = m_window->statusBar()->currentMessage();
    EXPECT_TRUE(status.contains(QStringLiteral("1 secret left in"))) << status.toStdString();
    EXPECT_FALSE(status.contains(QStringLiteral("redacted"))) << status.toStdString();
}

TEST_F(CopyPackTest, AboveTheThresholdItAsksAndCancelCopiesNothing) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud")));
    m_copy->setWarnBytes(64); // the scratch pack is a few hundred bytes
    QString asked;
    // Like a person: read the warning, press Cancel.
    QTimer poll;
    poll.setInterval(10);
    QObject::connect(&poll, &QTimer::timeout, m_window.get(), [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->text();
        box->button(QMessageBox::Cancel)->click();
    });
    poll.start();
    EXPECT_FALSE(copyFromMenu());
    poll.stop();
    EXPECT_TRUE(asked.startsWith(QStringLiteral("The pack is "))) << asked.toStdString();
    EXPECT_TRUE(asked.contains(
        QStringLiteral("Pasting that much may freeze the program you paste into. Copy anyway?")));
    EXPECT_EQ(QGuiApplication::clipboard()->text(), kSentinel);
    EXPECT_TRUE(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Not copied")));

    // Copy Anyway copies it.
    asked.clear();
    QObject::disconnect(&poll, nullptr, nullptr, nullptr);
    QObject::connect(&poll, &QTimer::timeout, m_window.get(), [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->text();
        for (QAbstractButton *b : box->buttons())
            if (b->text() == QStringLiteral("Copy Anyway"))
                b->click();
    });
    poll.start();
    EXPECT_TRUE(copyFromMenu());
    poll.stop();
    EXPECT_FALSE(asked.isEmpty());
    EXPECT_TRUE(QGuiApplication::clipboard()->text().contains(QStringLiteral("README.md")));
}

TEST_F(CopyPackTest, TheSizeWarningNamesMegabytes) {
    EXPECT_EQ(ui::CopyPack::sizeWarning(qint64(14.2 * 1024 * 1024)),
              QStringLiteral("The pack is 14.2 MB. Pasting that much may freeze the program you "
                             "paste into. Copy anyway?"));
    EXPECT_EQ(ui::CopyPack::formatSize(2048), QStringLiteral("2 KB"));
}

TEST_F(CopyPackTest, NoRepositoryOrNoSelectionSaysSoAndCopiesNothing) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud"), false));
    {
        ModalCloser closer;
        EXPECT_FALSE(copyFromMenu());
        ASSERT_FALSE(closer.texts().isEmpty());
        EXPECT_TRUE(closer.texts().first().contains(QStringLiteral("open a repository first")))
            << closer.texts().first().toStdString();
    }
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    const repo::RepoSnapshot &snap = *m_workspace->snapshot();
    for (int row = 0; row < snap.childCount(0); ++row)
        m_window->treeModel()->setData(m_window->treeModel()->indexForNode(snap.child(0, row)),
                                       Qt::Unchecked, Qt::CheckStateRole);
    ASSERT_EQ(m_workspace->selection()->selected(0).files, 0);
    {
        ModalCloser closer;
        EXPECT_FALSE(copyFromMenu());
        ASSERT_FALSE(closer.texts().isEmpty());
        EXPECT_TRUE(closer.texts().first().contains(QStringLiteral("no file is selected")))
            << closer.texts().first().toStdString();
    }
    EXPECT_EQ(QGuiApplication::clipboard()->text(), kSentinel);
}
