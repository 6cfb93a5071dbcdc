// SPDX-License-Identifier: MIT
// Error classification: every provider's overflow wording with its figures, Groq's TPM 413
// against a 413 overflow, Retry-After (seconds, HTTP-date) and Groq's reset headers, body
// shapes (error object, string, message, detail, plain text, HTML), network codes, and
// errors received inside a stream.
#include "llm/client/chaterror.h"

#include <QDateTime>
#include <QLocale>

#include <gtest/gtest.h>

#include <climits>

using namespace reposcope::llm;
using Kind = ChatError::Kind;

namespace {

ChatError http(int status, const char *body, const RawHeaders &headers = {}) {
    return classifyHttpError(status, QByteArray(body), headers, QStringLiteral("Groq"));
}

std::string str(const QString &s) {
    return s.toStdString();
}

void expectOverflow(const ChatError &e, std::optional<qint64> prompt, std::optional<qint64> limit) {
    EXPECT_EQ(e.kind, Kind::ContextOverflow) << str(e.message);
    EXPECT_EQ(e.promptTokens, prompt) << str(e.message);
    EXPECT_EQ(e.contextLimit, limit) << str(e.message);
    EXPECT_FALSE(e.retryable);
    EXPECT_TRUE(e.message.contains(QLatin1String("Deselect files or use Fit to budget.")))
        << str(e.message);
    if (prompt && limit && *prompt > *limit) {
        EXPECT_TRUE(e.message.contains(
            QStringLiteral("The request is %1 tokens over the model's context of %2.")
                .arg(QLocale(QLocale::English).toString(*prompt - *limit),
                     QLocale(QLocale::English).toString(*limit))))
            << str(e.message);
    }
}

TEST(ChatError, GroqContextLengthExceeded) {
    const auto e = http(
        400,
        R"({"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
    expectOverflow(e, std::nullopt, std::nullopt);
    EXPECT_EQ(e.httpStatus, 400);
    EXPECT_EQ(str(e.serverMessage), "Please reduce the length of the messages or completion.");
    EXPECT_EQ(str(e.message),
              "The request is over the model's context. Deselect files or use Fit to budget.");
}

TEST(ChatError, TogetherInputsPlusMaxNewTokens) {
    const auto e = http(
        400,
        R"({"id":"x","error":{"message":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 131073. Given: 140000 `inputs` tokens and 2048 `max_new_tokens`","type":"invalid_request_error","param":"max_tokens","code":null}})");
    // both count against the limit, so the request is inputs + max_new_tokens
    expectOverflow(e, 142048, 131073);
    EXPECT_EQ(e.tokensOver(), 142048 - 131073);
}

TEST(ChatError, FireworksPromptTooLong) {
    const auto e = http(
        400,
        R"({"error":{"object":"error","type":"invalid_request_error","code":"invalid_request_error","message":"The prompt is too long: 264613, model maximum context length: 262141"}})");
    expectOverflow(e, 264613, 262141);
    EXPECT_EQ(e.tokensOver(), 2472);
}

TEST(ChatError, VllmWordings) {
    expectOverflow(
        http(
            400,
            R"({"object":"error","message":"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens (39000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400})"),
        40000, 32768);
    expectOverflow(
        http(
            400,
            R"({"error":{"message":"This model's maximum context length is 131072 tokens. However, your request has 150000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}})"),
        150000, 131072);
    expectOverflow(
        http(
            400,
            R"({"object":"error","message":"The decoder prompt (length 50000) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens.","type":"BadRequestError","code":400})"),
        50000, 32768);
    expectOverflow(
        http(
            400,
            R"({"object":"error","message":"Input prompt (9000 tokens) is too long and exceeds limit of 8192","type":"BadRequestError","code":400})"),
        9000, 8192);
}

TEST(ChatError, VllmContextLengthIsOnlyAndInputCharacters) {
    expectOverflow(
        http(
            400,
            R"({"object":"error","message":"'max_tokens' is too large: 4000. This model's context length is only 8192 tokens, and your request has 6000 input tokens (4000 > 8192 - 6000).","type":"BadRequestError","code":400})"),
        6000, 8192);
    expectOverflow(
        http(
            400,
            R"({"object":"error","message":"The number of input characters exceeds the limit","type":"BadRequestError","code":400})"),
        std::nullopt, std::nullopt);
}

TEST(ChatError, LlamaServerExceedContextSize) {
    const auto e = http(
        400,
        R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":140000,"n_ctx":131072}})");
    expectOverflow(e, 140000, 131072);
    EXPECT_EQ(str(e.message), "The request is 8,928 tokens over the model's context of 131,072. "
                              "Deselect files or use Fit to budget.");
}

TEST(ChatError, LmStudioWording) {
    expectOverflow(
        http(
            400,
            R"({"error":"Trying to keep the first 5515 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input"})"),
        5515, 4096);
}

TEST(ChatError, OllamaWording) {
    expectOverflow(
        http(
            400,
            R"({"error":{"message":"the prompt is longer than the context length currently available to the model","type":"invalid_request_error","param":null,"code":null}})"),
        std::nullopt, std::nullopt);
}

TEST(ChatError, OpenRouterAndOpenAiWordingsWithCommas) {
    expectOverflow(
        http(
            400,
            R"({"error":{"message":"This endpoint's maximum context length is 131,072 tokens. However, you requested about 200,455 tokens (199,455 of text input, 1,000 in the output). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.","code":400,"metadata":{"provider_name":null}}})"),
        200455, 131072);
    expectOverflow(
        http(
            400,
            R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})"),
        130512, 128000);
}

TEST(ChatError, GroqTpm413IsNotRetryableAndNotOverflow) {
    const auto e = http(
        413,
        R"({"error":{"message":"Request too large for model `meta-llama/llama-4-scout-17b-16e-instruct` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 30000, Requested 120000, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing","type":"tokens","code":"rate_limit_exceeded"}})",
        {{"retry-after", "7"}});
    EXPECT_EQ(e.kind, Kind::TooLargeForRateLimit);
    EXPECT_FALSE(e.retryable);
    EXPECT_FALSE(e.retryAfterSeconds.has_value());
    EXPECT_EQ(e.httpStatus, 413);
    EXPECT_EQ(e.promptTokens, 120000);
    EXPECT_EQ(e.contextLimit, 30000);
    EXPECT_TRUE(e.message.contains(QLatin1String("waiting will not help"))) << str(e.message);
    EXPECT_TRUE(e.message.contains(QLatin1String("per-minute token limit"))) << str(e.message);
    EXPECT_TRUE(e.message.contains(QLatin1String("Groq"))) << str(e.message);
}

TEST(ChatError, Plain413IsAnOverflow) {
    const auto e = http(
        413,
        R"({"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","code":"context_length_exceeded"}})");
    EXPECT_EQ(e.kind, Kind::ContextOverflow);
    EXPECT_FALSE(e.retryable);
    // a 413 from a proxy in front of the server: the same remedy
    const auto proxy = http(413, "<html><head><title>413 Request Entity Too Large</title></head>"
                                 "<body>nginx</body></html>");
    EXPECT_EQ(proxy.kind, Kind::ContextOverflow);
    EXPECT_TRUE(proxy.message.contains(QLatin1String("too large (HTTP 413)")))
        << str(proxy.message);
    EXPECT_FALSE(proxy.message.contains(QLatin1String("nginx")));
}

TEST(ChatError, RateLimitedWithRetryAfterSeconds) {
    const auto e = http(
        429,
        R"({"error":{"message":"Rate limit reached for model ... on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 2s.","type":"requests","code":"rate_limit_exceeded"}})",
        {{"Retry-After", "2"}});
    EXPECT_EQ(e.kind, Kind::RateLimited);
    EXPECT_TRUE(e.retryable);
    EXPECT_EQ(e.retryAfterSeconds, 2);
    EXPECT_TRUE(e.message.contains(QLatin1String("Retry in 2 s"))) << str(e.message);
}

TEST(ChatError, GroqTpm429DependsOnTheFigures) {
    // an ordinary TPM 429: the budget refills, waiting helps
    const auto wait = http(
        429,
        R"({"error":{"message":"Rate limit reached for model `openai/gpt-oss-120b` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 8000, Used 6500, Requested 2000. Please try again in 3.75s.","type":"tokens","code":"rate_limit_exceeded"}})",
        {{"retry-after", "4"}});
    EXPECT_EQ(wait.kind, Kind::RateLimited);
    EXPECT_TRUE(wait.retryable);
    EXPECT_EQ(wait.retryAfterSeconds, 4);
    // one request bigger than the whole per-minute budget: waiting never helps
    const auto never = http(
        429,
        R"({"error":{"message":"Rate limit reached for model `x` on tokens per minute (TPM): Limit 8000, Used 0, Requested 90000.","type":"tokens","code":"rate_limit_exceeded"}})",
        {{"retry-after", "4"}});
    EXPECT_EQ(never.kind, Kind::TooLargeForRateLimit);
    EXPECT_FALSE(never.retryable);
    EXPECT_EQ(never.promptTokens, 90000);
    EXPECT_EQ(never.contextLimit, 8000);
}

TEST(ChatError, HeaderNamesAreCaseInsensitive) {
    for (const char *name : {"retry-after", "Retry-After", "RETRY-AFTER", "rEtRy-AfTeR"}) {
        const auto e = http(429, "{}", {{"X-Other", "1"}, {name, " 17 "}});
        EXPECT_EQ(e.retryAfterSeconds, 17) << name;
    }
}

TEST(ChatError, RetryAfterHttpDate) {
    const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(120);
    const QByteArray date =
        QLocale::c().toString(when, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
    const auto e = http(429, "{}", {{"retry-after", date}});
    ASSERT_TRUE(e.retryAfterSeconds.has_value()) << date.toStdString();
    EXPECT_GE(*e.retryAfterSeconds, 115);
    EXPECT_LE(*e.retryAfterSeconds, 120);
    // a date in the past means "now"
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
}

TEST(ChatError, ParseRetryAfterForms) {
    EXPECT_EQ(parseRetryAfter("0"), 0);
    EXPECT_EQ(parseRetryAfter("120"), 120);
    EXPECT_EQ(parseRetryAfter("  5 "), 5);
    EXPECT_EQ(parseRetryAfter("1.2"), 2); // not RFC, but seen: rounded up
    EXPECT_EQ(parseRetryAfter("99999999999"), INT_MAX);
    EXPECT_FALSE(parseRetryAfter("").has_value());
    EXPECT_FALSE(parseRetryAfter("-3").has_value());
    EXPECT_FALSE(parseRetryAfter("soon").has_value());
    // the obsolete forms, in the future
    const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QLocale c = QLocale::c();
    const auto rfc850 = parseRetryAfter(
        c.toString(when, QStringLiteral("dddd, dd-MMM-yy HH:mm:ss 'GMT'")).toLatin1());
    ASSERT_TRUE(rfc850.has_value());
    EXPECT_NEAR(*rfc850, 3600, 5);
    const auto asctime =
        parseRetryAfter(c.toString(when, QStringLiteral("ddd MMM d HH:mm:ss yyyy")).toLatin1());
    ASSERT_TRUE(asctime.has_value());
    EXPECT_NEAR(*asctime, 3600, 5);
}

TEST(ChatError, GroqResetHeadersWhenRetryAfterIsAbsent) {
    const auto tokens = http(429, "{}",
                             {{"x-ratelimit-remaining-requests", "14"},
                              {"x-ratelimit-reset-requests", "2m59.56s"},
                              {"x-ratelimit-remaining-tokens", "0"},
                              {"x-ratelimit-reset-tokens", "7.66s"}});
    EXPECT_EQ(tokens.retryAfterSeconds, 8);
    const auto requests = http(429, "{}",
                               {{"X-RateLimit-Remaining-Requests", "0"},
                                {"X-RateLimit-Reset-Requests", "2m59.56s"},
                                {"X-RateLimit-Reset-Tokens", "450ms"}});
    EXPECT_EQ(requests.retryAfterSeconds, 180);
    const auto hours = http(429, "{}", {{"x-ratelimit-reset-requests", "1h2m3s"}});
    EXPECT_EQ(hours.retryAfterSeconds, 3723);
    // Retry-After wins over the reset headers
    const auto both =
        http(429, "{}", {{"x-ratelimit-reset-tokens", "7.66s"}, {"retry-after", "3"}});
    EXPECT_EQ(both.retryAfterSeconds, 3);
    // garbage durations are ignored
    const auto garbage = http(429, "{}", {{"x-ratelimit-reset-tokens", "soon"}});
    EXPECT_FALSE(garbage.retryAfterSeconds.has_value());
    EXPECT_TRUE(garbage.retryable);
}

TEST(ChatError, QuotaExhausted429IsNotRetryable) {
    const auto e = http(
        429,
        R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})");
    EXPECT_EQ(e.kind, Kind::PaymentRequired);
    EXPECT_FALSE(e.retryable);
}

TEST(ChatError, AuthenticationMessages) {
    const auto e = http(
        401,
        R"({"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}})");
    EXPECT_EQ(e.kind, Kind::Authentication);
    EXPECT_EQ(str(e.message), "Groq rejected the API key (HTTP 401). Check the key in Settings ▸ "
                              "Providers or its environment variable.");
    EXPECT_EQ(str(e.serverMessage), "Invalid API Key");
    EXPECT_FALSE(e.retryable);

    const auto forbidden = http(403, R"({"error":{"message":"Access denied for this model"}})");
    EXPECT_EQ(forbidden.kind, Kind::Authentication);
    EXPECT_TRUE(forbidden.message.contains(QLatin1String("403")));
    EXPECT_TRUE(forbidden.message.contains(QLatin1String("Access denied for this model")));

    // without a provider name
    const auto anonymous = classifyHttpError(401, QByteArray(), {}, QString());
    EXPECT_TRUE(anonymous.message.startsWith(QLatin1String("The server rejected the API key")))
        << str(anonymous.message);
}

TEST(ChatError, PaymentRequired) {
    const auto e = http(
        402,
        R"({"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/credits"}})");
    EXPECT_EQ(e.kind, Kind::PaymentRequired);
    EXPECT_TRUE(e.message.contains(QLatin1String("credits")));
    EXPECT_FALSE(e.retryable);
}

TEST(ChatError, ModelNotFound) {
    const auto groq = http(
        404,
        R"({"error":{"message":"The model `llama-5` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}})");
    EXPECT_EQ(groq.kind, Kind::ModelNotFound);
    EXPECT_TRUE(groq.message.contains(QLatin1String("check the model id"))) << str(groq.message);
    EXPECT_TRUE(groq.message.contains(QLatin1String("llama-5")));
    const auto ollama =
        http(404, R"({"error":"model \"llama9\" not found, try pulling it first"})");
    EXPECT_EQ(ollama.kind, Kind::ModelNotFound);
    // a 400 that names a missing model (OpenRouter)
    const auto openrouter =
        http(400, R"({"error":{"message":"foo/bar is not a valid model ID","code":400}})");
    EXPECT_EQ(openrouter.kind, Kind::ModelNotFound);
    const auto vllm = http(
        400,
        R"({"object":"error","message":"The model `scout` does not exist.","type":"NotFoundError","param":null,"code":404})");
    EXPECT_EQ(vllm.kind, Kind::ModelNotFound);
}

TEST(ChatError, TimeoutStatus) {
    const auto e = http(408, R"({"error":{"code":408,"message":"Timed out"}})");
    EXPECT_EQ(e.kind, Kind::Timeout);
    EXPECT_TRUE(e.retryable);
}

TEST(ChatError, ServerErrors) {
    const auto unavailable = http(503, "Service Unavailable", {{"Retry-After", "30"}});
    EXPECT_EQ(unavailable.kind, Kind::ServerError);
    EXPECT_TRUE(unavailable.retryable);
    EXPECT_EQ(unavailable.retryAfterSeconds, 30);
    EXPECT_EQ(str(unavailable.serverMessage), "Service Unavailable");

    const auto unavailableNoHeader = http(503, "");
    EXPECT_TRUE(unavailableNoHeader.retryable);
    EXPECT_FALSE(unavailableNoHeader.retryAfterSeconds.has_value());

    for (int status : {500, 502, 504}) {
        const auto e = http(status, R"({"error":{"message":"Internal error"}})");
        EXPECT_EQ(e.kind, Kind::ServerError) << status;
        // A gateway's 502/504 passes like a 503 (issue 18); a 500 says nothing of the kind.
        EXPECT_EQ(e.retryable, status != 500) << status;
        EXPECT_TRUE(e.message.contains(QString::number(status)));
    }
}

TEST(ChatError, OtherClientErrorsKeepTheServerMessage) {
    const auto e = http(
        422,
        R"({"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]})");
    EXPECT_EQ(e.kind, Kind::BadRequest);
    EXPECT_EQ(str(e.serverMessage), "field required");
    EXPECT_TRUE(e.message.contains(QLatin1String("field required")));
    EXPECT_TRUE(e.message.contains(QLatin1String("422")));
}

TEST(ChatError, BodyShapes) {
    EXPECT_EQ(str(http(400, R"({"error":{"message":"m1","type":"t","code":"c"}})").serverMessage),
              "m1");
    EXPECT_EQ(str(http(400, R"({"error":"m2"})").serverMessage), "m2");
    EXPECT_EQ(str(http(400, R"({"message":"m3"})").serverMessage), "m3");
    EXPECT_EQ(str(http(400, R"({"detail":"m4"})").serverMessage), "m4");
    EXPECT_EQ(str(http(400, "plain words\n").serverMessage), "plain words");
    EXPECT_EQ(str(http(400, "").serverMessage), "");
    EXPECT_EQ(str(http(400, R"({"unexpected":true})").serverMessage), R"({"unexpected":true})");
    // OpenRouter's upstream text in metadata.raw is kept
    const auto raw = http(
        400,
        R"({"error":{"code":400,"message":"Provider returned error","metadata":{"raw":"upstream said no","provider_name":"X"}}})");
    EXPECT_EQ(str(raw.serverMessage), "Provider returned error: upstream said no");
}

TEST(ChatError, HtmlBodiesAreNotDumped) {
    const QByteArray page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                            "<body><center><h1>502 Bad Gateway</h1></center>"
                            "<hr><center>cloudflare</center></body></html>";
    const auto e = classifyHttpError(502, page, {}, QStringLiteral("vLLM at 10.0.0.5:8000"));
    EXPECT_EQ(e.kind, Kind::ServerError);
    EXPECT_TRUE(e.message.contains(
        QLatin1String("the server answered with an HTML page (HTTP 502)"), Qt::CaseInsensitive))
        << str(e.message);
    EXPECT_FALSE(e.message.contains(QLatin1String("<")));
    EXPECT_FALSE(e.message.contains(QLatin1String("cloudflare")));
    EXPECT_TRUE(e.serverMessage.isEmpty());
    EXPECT_TRUE(e.message.startsWith(QLatin1String("vLLM at 10.0.0.5:8000")));
}

TEST(ChatError, ServerMessageIsCut) {
    const QByteArray body =
        QByteArray("{\"error\":{\"message\":\"") + QByteArray(5000, 'x') + QByteArray("\"}}");
    const auto e = http(400, body.constData());
    EXPECT_LE(e.serverMessage.size(), 501);
    EXPECT_GE(e.serverMessage.size(), 480);
    EXPECT_LT(e.message.size(), 700);
}

TEST(ChatError, NetworkErrors) {
    using NE = QNetworkReply::NetworkError;
    const QString host = QStringLiteral("api.groq.com");
    auto net = [&](NE code, bool midStream = false, const char *text = "x") {
        return classifyNetworkError(code, QLatin1String(text), midStream, host);
    };
    const auto dns = net(NE::HostNotFoundError);
    EXPECT_EQ(dns.kind, Kind::HostNotFound);
    EXPECT_EQ(str(dns.message),
              "Cannot resolve api.groq.com: check the base URL and your network.");

    const auto refused = net(NE::ConnectionRefusedError);
    EXPECT_EQ(refused.kind, Kind::ConnectionRefused);
    EXPECT_EQ(str(refused.message), "Nothing is listening at api.groq.com: is the server running?");

    const auto tls = net(NE::SslHandshakeFailedError, false, "certificate has expired");
    EXPECT_EQ(tls.kind, Kind::Tls);
    EXPECT_TRUE(tls.message.contains(QLatin1String("certificate has expired")));

    EXPECT_EQ(net(NE::TimeoutError).kind, Kind::Timeout);
    EXPECT_TRUE(net(NE::TimeoutError).retryable);
    EXPECT_EQ(net(NE::ProxyTimeoutError).kind, Kind::Timeout);
    // a transfer timeout aborts the reply with OperationCanceledError; the caller says why
    EXPECT_EQ(net(NE::OperationCanceledError, true, "Transfer timed out after 120 s").kind,
              Kind::Timeout);
    EXPECT_EQ(net(NE::OperationCanceledError, false, "Operation canceled").kind, Kind::Cancelled);
    EXPECT_FALSE(net(NE::OperationCanceledError).retryable);

    for (NE code :
         {NE::RemoteHostClosedError, NE::ProxyConnectionClosedError, NE::NetworkSessionFailedError,
          NE::TemporaryNetworkFailureError, NE::UnknownNetworkError}) {
        const auto mid = net(code, true);
        EXPECT_EQ(mid.kind, Kind::ConnectionDropped) << int(code);
        EXPECT_EQ(str(mid.message), "The connection dropped mid-answer; the partial answer is "
                                    "kept and can be continued.");
        const auto before = net(code, false, "Connection closed");
        EXPECT_EQ(before.kind, Kind::ConnectionDropped);
        EXPECT_TRUE(before.message.contains(QLatin1String("before an answer arrived")));
        EXPECT_TRUE(before.retryable);
    }
    EXPECT_EQ(net(NE::ProtocolFailure).kind, Kind::Protocol);
    EXPECT_EQ(net(NE::ProxyAuthenticationRequiredError).kind, Kind::Authentication);
}

TEST(ChatError, StreamErrors) {
    const QString provider = QStringLiteral("OpenRouter");
    const auto plain = fromStreamError(QStringLiteral("Provider disconnected unexpectedly"),
                                       QString(), QStringLiteral("server_error"), provider);
    EXPECT_EQ(plain.kind, Kind::StreamError);
    EXPECT_TRUE(plain.message.contains(QLatin1String("Provider disconnected unexpectedly")));
    EXPECT_TRUE(plain.message.contains(QLatin1String("OpenRouter")));
    EXPECT_TRUE(plain.message.contains(QLatin1String("partial answer is kept")));

    const auto overflow = fromStreamError(
        QStringLiteral("This model's maximum context length is 32768 tokens. However, you "
                       "requested 33000 tokens (32000 in the messages, 1000 in the completion)."),
        QStringLiteral("BadRequestError"), QStringLiteral("400"), QStringLiteral("vLLM"));
    expectOverflow(overflow, 33000, 32768);

    const auto llama = fromStreamError(
        QStringLiteral("the request exceeds the available context size, try increasing it"),
        QStringLiteral("exceed_context_size_error"), QStringLiteral("400"), provider);
    EXPECT_EQ(llama.kind, Kind::ContextOverflow);

    const auto rate = fromStreamError(QStringLiteral("Rate limit exceeded: free-models-per-min"),
                                      QString(), QStringLiteral("429"), provider);
    EXPECT_EQ(rate.kind, Kind::RateLimited);
    EXPECT_TRUE(rate.retryable);

    const auto tpm = fromStreamError(
        QStringLiteral("Request too large for model `x` on tokens per minute (TPM): Limit 6000, "
                       "Requested 9000"),
        QStringLiteral("tokens"), QStringLiteral("rate_limit_exceeded"), QStringLiteral("Groq"));
    EXPECT_EQ(tpm.kind, Kind::TooLargeForRateLimit);
    EXPECT_FALSE(tpm.retryable);

    const auto empty = fromStreamError(QString(), QString(), QString(), QString());
    EXPECT_EQ(empty.kind, Kind::StreamError);
    EXPECT_FALSE(empty.message.isEmpty());
}

} // namespace
