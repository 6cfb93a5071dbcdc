// SPDX-License-Identifier: MIT
// The "What leaves the machine" builder: a follow-up's parts are the conversation's messages
// with the composer's question redacted into the last one; the layout puts each part under a
// header line, shows CRLF as line breaks, and marks every «redacted:RULE» marker and every
// secret that is still in the text, at the right positions.
#include "secretsamples.h"
#include "security/secrets/scannerload.h"
#include "security/secrets/secretscanner.h"
#include "tokenize/estimatortokenizer.h"
#include "workspace/outgoingrequest.h"

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::workspace;
using Kind = OutgoingLayout::Span::Kind;

namespace {

QByteArray secretFor(const char *ruleId) {
    test::secrets::SampleGenerator generator(7);
    for (const test::secrets::Sample &s : generator.onePerRule())
        if (s.ruleId == QLatin1String(ruleId))
            return s.secret;
    ADD_FAILURE() << ruleId;
    return {};
}

class OutgoingRequestTest : public ::testing::Test {
protected:
    void SetUp() override {
        QStringList warnings;
        m_scanner = security::secrets::loadScanner(QString(), &warnings);
        ASSERT_TRUE(m_scanner);
    }
    OutgoingInputs followUp(const QString &question, bool redact) const {
        OutgoingInputs in;
        in.messages = {{llm::ChatMessage::Role::System, "system", {}, {}},
                       {llm::ChatMessage::Role::User, "\n\nFirst?", {}, "PACK\r\nline two\r\n"},
                       {llm::ChatMessage::Role::Assistant, "An answer.", {}, {}},
                       {llm::ChatMessage::Role::User, {}, {}, {}}};
        in.question = question;
        in.policy.scanner = m_scanner;
        in.policy.redact = redact;
        in.tokenizer = std::make_shared<tokenize::EstimatorTokenizer>();
        return in;
    }
    std::shared_ptr<const security::secrets::SecretScanner> m_scanner;
};

} // namespace

TEST_F(OutgoingRequestTest, AFollowUpCarriesTheConversationAndTheRedactedQuestion) {
    const QByteArray token = secretFor("github-pat");
    const Result<OutgoingRequest> request =
        buildOutgoing(followUp(QStringLiteral("Is GITHUB_TOKEN=") + QString::fromLatin1(token) +
                                   QStringLiteral(" live?"),
                               true),
                      nullptr, nullptr);
    ASSERT_TRUE(request) << request.error().message.toStdString();
    ASSERT_EQ(request->parts.size(), 5);
    EXPECT_EQ(request->parts[1].kind, OutgoingPart::Kind::Pack);
    EXPECT_EQ(request->parts[1].text, "PACK\r\nline two\r\n");
    EXPECT_EQ(request->parts[4].kind, OutgoingPart::Kind::NextQuestion);
    EXPECT_EQ(request->parts[4].text, "Is GITHUB_TOKEN=«redacted:github-pat» live?");
    ASSERT_EQ(request->secrets.redacted.size(), 1);
    EXPECT_EQ(request->secrets.redacted.first().ruleId, QStringLiteral("github-pat"));
    qint64 bytes = 0;
    for (const OutgoingPart &part : request->parts)
        bytes += part.text.size();
    EXPECT_EQ(request->bytes, bytes);
    EXPECT_GT(request->tokens, 0);
    EXPECT_TRUE(request->redacts);
}

TEST_F(OutgoingRequestTest, TheLayoutMarksMarkersAndSecretsSentAsTheyAre) {
    const QByteArray token = secretFor("github-pat");
    // Not redacting: the question keeps its secret; the pack holds a marker of its own.
    OutgoingInputs in = followUp(
        QStringLiteral("token ") + QString::fromLatin1(token) + QStringLiteral(" here"), false);
    in.messages[1].prefix = "a = «redacted:aws-secret-access-key»\r\nb = 2\r\n";
    const Result<OutgoingRequest> request = buildOutgoing(in, nullptr, nullptr);
    ASSERT_TRUE(request);
    EXPECT_FALSE(request->redacts);
    EXPECT_EQ(request->secrets.warned.size(), 1);
    const OutgoingLayout layout = layoutOutgoing(*request, m_scanner.get(), nullptr);
    EXPECT_TRUE(layout.crlf);
    EXPECT_FALSE(layout.text.contains(QLatin1Char('\r')));
    EXPECT_EQ(layout.markers, 1);
    EXPECT_EQ(layout.secrets, 1);
    ASSERT_EQ(layout.partStarts.size(), 5);
    QStringList headers, markers, secrets;
    int last = -1;
    for (const OutgoingLayout::Span &span : layout.spans) {
        EXPECT_GE(span.position, last) << "spans are sorted";
        last = span.position + span.length;
        const QString text = layout.text.mid(span.position, span.length);
        (span.kind == Kind::Header   ? headers
         : span.kind == Kind::Marker ? markers
                                     : secrets)
            << text;
    }
    EXPECT_EQ(headers.size(), 5);
    EXPECT_TRUE(headers[1].contains(QStringLiteral("Repository pack")));
    EXPECT_EQ(markers, QStringList{QStringLiteral("«redacted:aws-secret-access-key»")});
    EXPECT_EQ(secrets, QStringList{QString::fromLatin1(token)});
    EXPECT_TRUE(layout.text.contains(QStringLiteral("\nb = 2\n")));
}

TEST_F(OutgoingRequestTest, AFirstQuestionWithoutARepositoryIsAnError) {
    OutgoingInputs in = followUp(QStringLiteral("q"), true);
    in.messages.clear();
    const Result<OutgoingRequest> request = buildOutgoing(in, nullptr, nullptr);
    ASSERT_FALSE(request);
    EXPECT_FALSE(request.error().message.isEmpty());
}

TEST_F(OutgoingRequestTest, ACancelledBuildSaysSo) {
    std::atomic_bool cancel{true};
    const Result<OutgoingRequest> request =
        buildOutgoing(followUp(QStringLiteral("q"), true), nullptr, &cancel);
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().code, Error::Code::Cancelled);
}
