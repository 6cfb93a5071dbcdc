// SPDX-License-Identifier: MIT
// buildChatBody parsed back with QJsonDocument: fields, escaping of every control
// character, quotes, backslash, non-ASCII, emoji, invalid UTF-8 (still valid JSON), images
// as data URLs, an 8 MB pack; and the URL helpers and key masking.
#include "llm/client/chatrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <gtest/gtest.h>

#include <cmath>

using namespace reposcope::llm;

namespace {

QJsonObject parse(const QByteArray &body) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError)
        << error.errorString().toStdString() << " at " << error.offset << " in "
        << body.left(300).toStdString();
    EXPECT_TRUE(doc.isObject());
    return doc.object();
}

ChatRequestSpec simpleSpec(const QByteArray &userText) {
    ChatRequestSpec spec;
    spec.model = QStringLiteral("meta-llama/llama-4-scout");
    spec.messages.push_back({ChatMessage::Role::System, "You audit code.", {}});
    spec.messages.push_back({ChatMessage::Role::User, userText, {}});
    return spec;
}

// The text of message `i` as the server will read it.
QString contentOf(const QJsonObject &body, int i) {
    return body.value(QLatin1String("messages"))
        .toArray()
        .at(i)
        .toObject()
        .value(QLatin1String("content"))
        .toString();
}

// A strict validator: is `bytes` well-formed UTF-8?
bool isValidUtf8(const QByteArray &bytes) {
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = s[i];
        qsizetype len = 0;
        quint32 cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (qsizetype k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        const quint32 minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < minimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

TEST(ChatRequest, BodyHasTheExpectedFields) {
    ChatRequestSpec spec = simpleSpec("What is wrong here?");
    spec.messages.push_back({ChatMessage::Role::Assistant, "Nothing.", {}});
    spec.maxTokens = 4096;
    spec.temperature = 0.2;
    spec.returnProgress = true;
    const QByteArray bytes = buildChatBody(spec);
    const QJsonObject body = parse(bytes);
    EXPECT_EQ(body.value(QLatin1String("model")).toString(), spec.model);
    EXPECT_EQ(body.value(QLatin1String("stream")), QJsonValue(true));
    EXPECT_EQ(body.value(QLatin1String("stream_options")).toObject(),
              QJsonObject({{QLatin1String("include_usage"), true}}));
    EXPECT_EQ(body.value(QLatin1String("max_tokens")).toInteger(), 4096);
    EXPECT_DOUBLE_EQ(body.value(QLatin1String("temperature")).toDouble(), 0.2);
    EXPECT_EQ(body.value(QLatin1String("return_progress")), QJsonValue(true));
    // The real completion count on every chunk (llama-server, the local engine).
    EXPECT_EQ(body.value(QLatin1String("timings_per_token")), QJsonValue(true));
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    ASSERT_EQ(messages.size(), 3);
    const char *roles[] = {"system", "user", "assistant"};
    const char *texts[] = {"You audit code.", "What is wrong here?", "Nothing."};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(messages.at(i).toObject().value(QLatin1String("role")).toString(),
                  QLatin1String(roles[i]));
        EXPECT_EQ(contentOf(body, i), QLatin1String(texts[i]));
        EXPECT_EQ(messages.at(i).toObject().size(), 2); // role and content only
    }
    // exact bytes: the order is stable, so the prefix cache sees identical prefixes
    EXPECT_TRUE(bytes.startsWith(
        R"({"model":"meta-llama/llama-4-scout","messages":[{"role":"system","content":"You audit code."},)"))
        << bytes.toStdString();
    EXPECT_TRUE(bytes.endsWith(
        R"(],"stream":true,"stream_options":{"include_usage":true},"max_tokens":4096,"temperature":0.2,"return_progress":true,"timings_per_token":true})"))
        << bytes.toStdString();
}

TEST(ChatRequest, OptionalFieldsAreOmitted) {
    ChatRequestSpec spec = simpleSpec("q");
    spec.includeUsage = false;
    const QJsonObject body = parse(buildChatBody(spec));
    EXPECT_FALSE(body.contains(QLatin1String("stream_options")));
    EXPECT_FALSE(body.contains(QLatin1String("max_tokens")));
    EXPECT_FALSE(body.contains(QLatin1String("temperature")));
    EXPECT_FALSE(body.contains(QLatin1String("return_progress")));
    EXPECT_FALSE(body.contains(QLatin1String("timings_per_token")));
    EXPECT_EQ(body.keys().size(), 3); // model, messages, stream
    // temperature 0 is sent (it is a real choice); NaN cannot be sent as JSON
    spec.temperature = 0.0;
    EXPECT_EQ(parse(buildChatBody(spec)).value(QLatin1String("temperature")).toDouble(-1), 0.0);
    spec.temperature = std::nan("");
    EXPECT_FALSE(parse(buildChatBody(spec)).contains(QLatin1String("temperature")));
}

TEST(ChatRequest, NoMessagesStillValidJson) {
    ChatRequestSpec spec;
    spec.model = QStringLiteral("m");
    const QJsonObject body = parse(buildChatBody(spec));
    EXPECT_TRUE(body.value(QLatin1String("messages")).toArray().isEmpty());
}

TEST(ChatRequest, EveryControlCharacterQuoteAndBackslashRoundTrip) {
    QByteArray text;
    for (int c = 0; c < 0x20; ++c) {
        text += char(c);
        text += 'a';
    }
    text += "\"quoted\" back\\slash \\\\ / \x7F end";
    const QByteArray bytes = buildChatBody(simpleSpec(text));
    EXPECT_EQ(contentOf(parse(bytes), 1), QString::fromUtf8(text));
    // the short escapes are used where JSON has them
    EXPECT_TRUE(bytes.contains(R"(\n)"));
    EXPECT_TRUE(bytes.contains(R"(\u0000a\u0001a)"));
    EXPECT_TRUE(bytes.contains(R"(a\ba\ta\na\u000ba\fa\ra)"));
    EXPECT_TRUE(bytes.contains(R"(\u001fa)"));
    EXPECT_TRUE(bytes.contains(R"(\"quoted\" back\\slash \\\\ / )"));
    // no raw control byte survives
    for (char c : bytes)
        ASSERT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(ChatRequest, NonAsciiAndEmojiAreKeptAsUtf8) {
    const QByteArray text = "héllo wörld — 中文 🙂👍🏽 \xF4\x8F\xBF\xBF end";
    const QByteArray bytes = buildChatBody(simpleSpec(text));
    EXPECT_TRUE(bytes.contains(text)); // raw, not \u-escaped
    EXPECT_EQ(contentOf(parse(bytes), 1), QString::fromUtf8(text));
}

TEST(ChatRequest, InvalidUtf8BecomesReplacementCharactersInValidJson) {
    const QByteArray cases[] = {
        "\xFF",                     // never valid
        "a\x80z",                   // stray continuation
        "\xC3",                     // truncated at the end
        "\xC3z",                    // truncated in the middle
        "\xE2\x82",                 // truncated 3-byte
        "\xC0\xAF",                 // overlong '/'
        "\xE0\x80\xAF",             // overlong
        "\xED\xA0\x80",             // surrogate
        "\xF4\x90\x80\x80",         // above U+10FFFF
        "\xF8\x88\x80\x80\x80",     // 5-byte form
        "ok\xE2\x82\xACok\xE2\x82", // valid euro then a truncated one
    };
    for (const QByteArray &text : cases) {
        const QByteArray bytes = buildChatBody(simpleSpec(text));
        EXPECT_TRUE(isValidUtf8(bytes)) << text.toHex().toStdString();
        const QString content = contentOf(parse(bytes), 1);
        EXPECT_TRUE(content.contains(QChar(0xFFFD))) << text.toHex().toStdString();
    }
    // maximal subparts: a truncated 3-byte sequence is one U+FFFD, valid text around it kept
    EXPECT_EQ(contentOf(parse(buildChatBody(simpleSpec("ok\xE2\x82\xACok\xE2\x82!"))), 1),
              QString::fromUtf8("ok\xE2\x82\xACok\xEF\xBF\xBD!"));
    EXPECT_EQ(contentOf(parse(buildChatBody(simpleSpec("a\xFF\xFE"
                                                       "b"))),
                        1),
              QString::fromUtf8("a\xEF\xBF\xBD\xEF\xBF\xBD"
                                "b"));
}

TEST(ChatRequest, RandomBytesAlwaysGiveValidJson) {
    quint32 seed = 99;
    for (int round = 0; round < 500; ++round) {
        QByteArray text;
        const int n = 1 + int(seed % 200);
        for (int i = 0; i < n; ++i) {
            seed = seed * 1664525u + 1013904223u;
            text += char(seed >> 24);
        }
        const QByteArray bytes = buildChatBody(simpleSpec(text));
        ASSERT_TRUE(isValidUtf8(bytes)) << text.toHex().toStdString();
        QJsonParseError error;
        QJsonDocument::fromJson(bytes, &error);
        ASSERT_EQ(error.error, QJsonParseError::NoError) << text.toHex().toStdString();
        // where the input was valid UTF-8, the text comes back unchanged
        if (isValidUtf8(text)) {
            EXPECT_EQ(contentOf(parse(bytes), 1), QString::fromUtf8(text));
        }
    }
}

TEST(ChatRequest, ModelIdIsEscapedToo) {
    ChatRequestSpec spec = simpleSpec("q");
    spec.model = QStringLiteral("we\"ird\\model\n");
    EXPECT_EQ(parse(buildChatBody(spec)).value(QLatin1String("model")).toString(), spec.model);
}

TEST(ChatRequest, ImagesBecomeDataUrlsAfterTheText) {
    ChatRequestSpec spec = simpleSpec("Explain the diagram.");
    QByteArray png("\x89PNG\r\n\x1A\n", 8);
    for (int i = 0; i < 1000; ++i)
        png += char(i * 7);
    static const char jpegBytes[] = "\xFF\xD8\xFF\xE0 jpeg bytes \0 with nul";
    const QByteArray jpeg(jpegBytes, sizeof jpegBytes - 1);
    spec.messages[1].images = {ImagePart{"image/png", png}, ImagePart{"image/jpeg", jpeg}};
    const QJsonObject body = parse(buildChatBody(spec));
    const QJsonValue content = body.value(QLatin1String("messages"))
                                   .toArray()
                                   .at(1)
                                   .toObject()
                                   .value(QLatin1String("content"));
    ASSERT_TRUE(content.isArray());
    const QJsonArray parts = content.toArray();
    ASSERT_EQ(parts.size(), 3);
    EXPECT_EQ(parts.at(0).toObject(),
              QJsonObject({{QLatin1String("type"), QLatin1String("text")},
                           {QLatin1String("text"), QLatin1String("Explain the diagram.")}}));
    const QByteArray mimes[] = {"image/png", "image/jpeg"};
    const QByteArray datas[] = {png, jpeg};
    for (int i = 0; i < 2; ++i) {
        const QJsonObject part = parts.at(i + 1).toObject();
        EXPECT_EQ(part.value(QLatin1String("type")).toString(), QLatin1String("image_url"));
        const QString url = part.value(QLatin1String("image_url"))
                                .toObject()
                                .value(QLatin1String("url"))
                                .toString();
        const QString prefix =
            QLatin1String("data:") + QLatin1String(mimes[i]) + QLatin1String(";base64,");
        ASSERT_TRUE(url.startsWith(prefix)) << url.left(40).toStdString();
        const auto decoded = QByteArray::fromBase64Encoding(
            url.mid(prefix.size()).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, datas[i]);
    }
    // the system message without images keeps a plain string
    EXPECT_TRUE(body.value(QLatin1String("messages"))
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(QLatin1String("content"))
                    .isString());
}

TEST(ChatRequest, EightMegabytePack) {
    // a pack-like text: code lines with quotes, backslashes, tabs and some non-ASCII
    QByteArray pack;
    pack.reserve(8 << 20);
    int line = 0;
    while (pack.size() < (8 << 20)) {
        pack +=
            QByteArray("src/file") + QByteArray::number(line % 97) + QByteArray(".cpp:") +
            QByteArray::number(line) +
            QByteArray("\tif (s == \"a\\\\b\") { return \xC3\xA9t\xC3\xA9; } // \xE2\x9C\x93\n");
        ++line;
    }
    ChatRequestSpec spec = simpleSpec(pack);
    const QByteArray bytes = buildChatBody(spec);
    EXPECT_GT(bytes.size(), pack.size());
    const QJsonObject body = parse(bytes);
    EXPECT_EQ(contentOf(body, 1).toUtf8(), pack);
}

TEST(ChatRequest, CompletionsUrlWithAndWithoutTrailingSlash) {
    const auto url = [](const char *base) {
        return chatCompletionsUrl(QUrl(QLatin1String(base))).toString().toStdString();
    };
    EXPECT_EQ(url("https://api.groq.com/openai/v1"),
              "https://api.groq.com/openai/v1/chat/completions");
    EXPECT_EQ(url("https://api.groq.com/openai/v1/"),
              "https://api.groq.com/openai/v1/chat/completions");
    EXPECT_EQ(url("https://api.groq.com/openai/v1//"),
              "https://api.groq.com/openai/v1/chat/completions");
    EXPECT_EQ(url("http://localhost:8080"), "http://localhost:8080/chat/completions");
    EXPECT_EQ(url("http://localhost:8080/"), "http://localhost:8080/chat/completions");
    EXPECT_EQ(url("http://10.0.0.5:8000/v1"), "http://10.0.0.5:8000/v1/chat/completions");
    // a query on the base (e.g. an API version) is kept
    EXPECT_EQ(url("https://h.example/v1?api-version=2"),
              "https://h.example/v1/chat/completions?api-version=2");
}

TEST(ChatRequest, EndpointUrlForOtherPaths) {
    const QUrl base(QStringLiteral("https://openrouter.ai/api/v1/"));
    EXPECT_EQ(endpointUrl(base, QStringLiteral("models")).toString(),
              QStringLiteral("https://openrouter.ai/api/v1/models"));
    EXPECT_EQ(endpointUrl(base, QStringLiteral("/models")).toString(),
              QStringLiteral("https://openrouter.ai/api/v1/models"));
    EXPECT_EQ(endpointUrl(QUrl(QStringLiteral("http://127.0.0.1:8080")), QStringLiteral("tokenize"))
                  .toString(),
              QStringLiteral("http://127.0.0.1:8080/tokenize"));
    // an escaped character in the base path survives
    EXPECT_EQ(endpointUrl(QUrl(QStringLiteral("http://h/a%20b/v1")), QStringLiteral("models"))
                  .toString(QUrl::FullyEncoded),
              QStringLiteral("http://h/a%20b/v1/models"));
}

TEST(ChatRequest, MaskKey) {
    EXPECT_EQ(maskKey(QStringLiteral("sk-abcdefghijklmnopqrstuvwxyz")),
              QString::fromUtf8("sk-a…wxyz"));
    EXPECT_EQ(maskKey(QStringLiteral("123456789012")), QString::fromUtf8("1234…9012"));
    EXPECT_EQ(maskKey(QStringLiteral("12345678901")), QString::fromUtf8("•••"));
    EXPECT_EQ(maskKey(QStringLiteral("x")), QString::fromUtf8("•••"));
    EXPECT_TRUE(maskKey(QString()).isEmpty());
    const QString key = QStringLiteral("gsk_SECRETSECRETSECRET_tail");
    EXPECT_FALSE(maskKey(key).contains(QLatin1String("SECRET")));
}

} // namespace

TEST(ChatRequestBody, PrefixIsSentBeforeTheTextAsOneContent) {
    ChatRequestSpec joined;
    joined.model = QStringLiteral("m");
    joined.messages.push_back({ChatMessage::Role::User, "<pack>\"q\"\n</pack>\n\nWhy?", {}, {}});
    ChatRequestSpec split = joined;
    split.messages[0].text = "\n\nWhy?";
    split.messages[0].prefix = "<pack>\"q\"\n</pack>";
    EXPECT_EQ(buildChatBody(split), buildChatBody(joined));
    split.messages[0].images = {{"image/png", "\x89PNG"}};
    joined.messages[0].images = split.messages[0].images;
    EXPECT_EQ(buildChatBody(split), buildChatBody(joined));
}
