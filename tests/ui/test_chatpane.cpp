// SPDX-License-Identifier: MIT
#include "chatpane.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>

#include <gtest/gtest.h>

using reposcope::ui::ChatPane;

TEST(ChatPaneTest, StatesThatNoBackendIsConnected) {
    ChatPane pane;
    EXPECT_FALSE(pane.isBackendConnected());
    const auto *heading = pane.findChild<QLabel *>(QStringLiteral("chatHeading"));
    ASSERT_NE(heading, nullptr);
    EXPECT_EQ(heading->text(), QStringLiteral("Chat"));
    const auto *notice = pane.findChild<QLabel *>(QStringLiteral("chatNotice"));
    ASSERT_NE(notice, nullptr);
    EXPECT_TRUE(notice->text().contains(QStringLiteral("No model backend is connected yet")));
    EXPECT_EQ(pane.noticeText(), notice->text());
}

TEST(ChatPaneTest, ComposerAndSendAreDisabledWithAReason) {
    ChatPane pane;
    const auto *send = pane.findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    ASSERT_NE(send, nullptr);
    EXPECT_FALSE(send->isEnabled());
    EXPECT_FALSE(send->toolTip().isEmpty());
    const auto *composer = pane.findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    ASSERT_NE(composer, nullptr);
    EXPECT_FALSE(composer->isEnabled());
    EXPECT_EQ(composer->placeholderText(), QStringLiteral("Ask about the selected files…"));
}
