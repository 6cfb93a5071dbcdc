// SPDX-License-Identifier: MIT
#include "secretsamples.h"

#include <cstring>

namespace reposcope::test::secrets {

quint32 crc32Bitwise(const QByteArray &data) {
    quint32 crc = 0xFFFFFFFFu;
    for (const char ch : data) {
        crc ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray SampleGenerator::fromAlphabet(const char *alphabet, int n) {
    const size_t size = std::strlen(alphabet);
    std::uniform_int_distribution<size_t> pick(0, size - 1);
    QByteArray out;
    for (int i = 0; i < n; ++i)
        out += alphabet[pick(m_rng)];
    return out;
}

QByteArray SampleGenerator::alnum(int n) {
    return fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n);
}

QByteArray SampleGenerator::hex(int n) {
    return fromAlphabet("0123456789abcdef", n);
}

QByteArray SampleGenerator::base64(int n) {
    return fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n);
}

QByteArray SampleGenerator::base64url(int n) {
    return fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", n);
}

QByteArray SampleGenerator::githubToken(const char *prefix) {
    const QByteArray body = alnum(30);
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    quint32 crc = crc32Bitwise(body);
    QByteArray check;
    for (int i = 0; i < 6; ++i) {
        check.prepend(digits[crc % 62]);
        crc /= 62;
    }
    return QByteArray(prefix) + body + check;
}

QByteArray SampleGenerator::pem(const QByteArray &label, int lines, const QByteArray &eol) {
    QByteArray out = "-----BEGIN " + label + "-----" + eol;
    for (int i = 0; i < lines; ++i)
        out += base64(64) + eol;
    out += base64(20) + "==" + eol;
    return out + "-----END " + label + "-----";
}

QList<Sample> SampleGenerator::onePerRule() {
    QList<Sample> s;
    const auto add = [&s](const char *rule, const QByteArray &secret, const QByteArray &before,
                          const QByteArray &after, const char *path) {
        s.append({QString::fromLatin1(rule), secret, before + secret + after, QByteArray(path)});
    };
    for (const char *label : {"RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY",
                              "ENCRYPTED PRIVATE KEY"})
        add("private-key", pem(label, 8), "", "\n", "deploy/key.txt");
    add("openssh-private-key", pem("OPENSSH PRIVATE KEY", 6), "", "\n", "id_deploy");
    add("pgp-private-key",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + base64(64) + "\n" + base64(64) + "\n" +
            base64(40) + "\n=" + base64(4) + "\n-----END PGP PRIVATE KEY BLOCK-----",
        "", "\n", "keys/release.asc");
    add("putty-private-key",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n" +
            base64(64) + "\n" + base64(4) + "\nPrivate-Lines: 1\n" + base64(44) +
            "\nPrivate-MAC: " + hex(64),
        "", "\n", "deploy.txt");
    add("aws-access-key-id", "AKIA" + fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "aws_access_key_id = ", "\n", "config/aws.ini");
    add("aws-access-key-id", "ASIA" + fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "const id = \"", "\";\n", "src/s3.js");
    add("aws-secret-access-key", base64(40), "aws_secret_access_key = ", "\n", "config/aws.ini");
    add("aws-secret-access-key", base64(40), "  \"SecretAccessKey\": \"", "\",\n", "creds.json");
    add("aws-session-token", base64(320), "aws_session_token = ", "\n", "config/aws.ini");
    const QByteArray keyId = hex(40);
    s.append({QStringLiteral("gcp-service-account"), keyId,
              "{\n  \"type\": \"service_account\",\n  \"project_id\": \"shop-prod\",\n"
              "  \"private_key_id\": \"" +
                  keyId + "\",\n  \"client_email\": \"ci@shop-prod.iam\"\n}\n",
              "deploy/gcp.json"});
    add("google-api-key", "AIza" + base64url(35), "GEMINI_API_KEY=", "\n", "settings.py");
    add("google-oauth-client-secret", "GOCSPX-" + base64url(28), "client_secret: ", "\n",
        "oauth.yaml");
    add("azure-storage-connection-string",
        base64(86) + "==", "DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=",
        ";EndpointSuffix=core.windows.net\n", "appsettings.json");
    add("azure-sas-token", base64(43) + "%3D",
        "url = \"https://shopdata.blob.core.windows.net/c/b.csv?sv=2022-11-02&ss=b&srt=o&sp=r&"
        "se=2031-01-01T00:00:00Z&sig=",
        "\"\n", "sync.py");
    add("github-pat", githubToken("ghp_"), "GITHUB_TOKEN=", "\n", "ci.sh");
    add("github-oauth-token", githubToken("gho_"), "token = \"", "\"\n", "gh.toml");
    add("github-app-token", githubToken("ghs_"), "Authorization: token ", "\n", "req.http");
    add("github-app-token", githubToken("ghu_"), "'", "'\n", "app.rb");
    add("github-refresh-token", githubToken("ghr_"), "refresh: ", "\n", "gh.yaml");
    add("github-fine-grained-pat", "github_pat_" + alnum(22) + "_" + alnum(59), "GH_PAT=", "\n",
        ".github/env");
    add("gitlab-token", "glpat-" + alnum(20), "GITLAB_TOKEN: ", "\n", ".gitlab-ci.yml");
    add("bitbucket-app-password", "ATBB" + alnum(32), "BITBUCKET_APP_PASSWORD=", "\n", "deploy.sh");
    add("slack-bot-token",
        "xoxb-" + fromAlphabet("0123456789", 12) + "-" + fromAlphabet("0123456789", 13) + "-" +
            alnum(24),
        "SLACK_BOT_TOKEN=", "\n", "bot.env.txt");
    add("slack-user-token",
        "xoxp-" + fromAlphabet("0123456789", 12) + "-" + fromAlphabet("0123456789", 12) + "-" +
            fromAlphabet("0123456789", 13) + "-" + hex(32),
        "slack.token = \"", "\"\n", "notify.py");
    add("slack-webhook",
        "https://hooks.slack.com/services/T" +
            fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10) + "/B" +
            fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10) + "/" + alnum(24),
        "webhook: ", "\n", "alerts.yaml");
    add("discord-bot-token", "M" + base64url(25) + "." + base64url(6) + "." + base64url(38),
        "DISCORD_BOT_TOKEN=", "\n", "discord.cfg");
    add("discord-webhook",
        "https://discord.com/api/webhooks/" + fromAlphabet("0123456789", 18) + "/" + base64url(68),
        "hook = '", "'\n", "notify.py");
    add("telegram-bot-token", fromAlphabet("123456789", 9) + ":AA" + base64url(33),
        "TELEGRAM_TOKEN=", "\n", "tg.sh");
    add("stripe-secret-key", "sk_live_" + alnum(24), "Stripe.apiKey = \"", "\";\n", "Pay.java");
    add("stripe-secret-key", "rk_test_" + alnum(99), "STRIPE_KEY=", "\n", "pay.sh");
    add("stripe-webhook-secret", "whsec_" + alnum(32), "endpoint_secret = '", "'\n", "hook.py");
    add("twilio-api-key", "SK" + hex(32), "TWILIO_API_KEY=", "\n", "sms.sh");
    add("sendgrid-api-key", "SG." + base64url(22) + "." + base64url(43), "SENDGRID_API_KEY=", "\n",
        "mail.sh");
    add("mailgun-api-key", "key-" + hex(32), "mailgun_key = \"", "\"\n", "mail.py");
    add("shopify-token", "shpat_" + hex(32), "X-Shopify-Access-Token: ", "\n", "shop.http");
    add("npm-token", "npm_" + alnum(36), "//registry.local/:_authToken=", "\n", "npmrc.txt");
    add("pypi-token", "pypi-AgEIcHlwaS5vcmc" + base64url(70), "password = ", "\n", "pypirc.txt");
    add("dockerhub-token", "dckr_pat_" + base64url(27), "DOCKER_TOKEN=", "\n", "push.sh");
    add("heroku-api-key", "HRKU-AA" + base64url(58), "HEROKU_API_KEY=", "\n", "deploy.sh");
    add("heroku-api-key", hex(8) + "-" + hex(4) + "-4" + hex(3) + "-a" + hex(3) + "-" + hex(12),
        "heroku_api_key = \"", "\"\n", "heroku.tf");
    add("digitalocean-token", "dop_v1_" + hex(64), "DIGITALOCEAN_TOKEN=", "\n", "do.sh");
    add("cloudflare-api-token", alnum(20) + "_" + alnum(19), "CLOUDFLARE_API_TOKEN=", "\n",
        "cf.sh");
    add("datadog-api-key", hex(32), "DD_API_KEY: ", "\n", "datadog.yaml");
    add("sentry-token", "sntrys_" + base64url(90), "SENTRY_AUTH_TOKEN=", "\n", "sentry.sh");
    add("openai-api-key", "sk-proj-" + base64url(40) + "T3BlbkFJ" + base64url(40),
        "OPENAI_API_KEY=", "\n", "llm.sh");
    add("anthropic-api-key", "sk-ant-api03-" + base64url(93) + "AA", "ANTHROPIC_API_KEY=", "\n",
        "llm.sh");
    add("groq-api-key", "gsk_" + alnum(52), "GROQ_API_KEY=", "\n", "llm.sh");
    add("huggingface-token",
        "hf_" + fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34),
        "HF_TOKEN=", "\n", "hf.sh");
    add("fireworks-api-key", "fw_" + alnum(24), "FIREWORKS_API_KEY=", "\n", "llm.sh");
    add("together-api-key", "tgp_v1_" + base64url(43), "TOGETHER_API_KEY=", "\n", "llm.sh");
    add("together-api-key", hex(64), "together_api_key = \"", "\"\n", "llm.py");
    add("openrouter-api-key", "sk-or-v1-" + hex(64), "OPENROUTER_API_KEY=", "\n", "llm.sh");
    const QByteArray header =
        QByteArray(R"({"alg":"HS256","typ":"JWT"})")
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray payload =
        QByteArray(R"({"sub":")" + alnum(12) + R"(","iat":1700000000})")
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    add("jwt", header + "." + payload + "." + base64url(43), "Authorization: Bearer ", "\n",
        "api.http");
    add("url-password", alnum(18), "DATABASE_URL=postgres://shop:", "@db.internal:5432/shop\n",
        "db.sh");
    add("netrc-password", alnum(20), "machine git.internal login deploy password ", "\n",
        "netrc.txt");
    add("netrc-password", alnum(20), "machine git.internal\n  login deploy\n  password ", "\n",
        "netrc2.txt");
    add("pgpass-password", alnum(20), "db.internal:5432:shop:deploy:", "\n", ".pgpass");
    add("htpasswd-hash",
        "$apr1$" +
            fromAlphabet("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 8) +
            "$" +
            fromAlphabet("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 22),
        "deploy:", "\n", "htpasswd.txt");
    add("generic-secret", alnum(32), "const apiKey = \"", "\";\n", "src/client.ts");
    add("generic-secret", alnum(28), "    password = \"", "\"\n", "main.tf");
    add("generic-secret", alnum(28), "{\"client_secret\":\"", "\"}\n", "oauth.json");
    add("generic-secret-config", alnum(30), "SESSION_SECRET=", "\n", "env.txt");
    add("generic-secret-config", alnum(30), "db.password=", "\n", "app.properties");
    add("generic-secret-config", alnum(30), "[db]\nencryption_key = ", "\n", "app.ini");
    const QByteArray k8s = base64(31) + "=";
    s.append({QStringLiteral("kubernetes-secret-data"), k8s,
              "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop\ntype: Opaque\ndata:\n"
              "  db-url: " +
                  k8s + "\n",
              "k8s/secret.yaml"});
    return s;
}

} // namespace reposcope::test::secrets
