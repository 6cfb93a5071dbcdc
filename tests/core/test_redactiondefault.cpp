// SPDX-License-Identifier: MIT
// The privacy guard's per-provider default (redact before a request leaves the machine, warn
// only for the local engine and loopback servers) and the user's stored choice, against the
// providers of the built-in catalog.
#include "llm/catalog/modelcatalog.h"
#include "llm/catalog/redactiondefault.h"
#include "llm/local/localengine.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::llm;

namespace {

void setUserSettingsPath(const QString &path) {
    for (QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
        QSettings::setPath(format, QSettings::UserScope, path);
}

class RedactionDefaultTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_settingsDir.isValid());
        setUserSettingsPath(m_settingsDir.path());
        ASSERT_TRUE(QSettings().fileName().startsWith(m_settingsDir.path()));
        m_catalog = ModelCatalog::load(QString(), nullptr);
    }
    void TearDown() override {
        setUserSettingsPath(
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));
    }
    const ProviderEntry &provider(const char *id) {
        const ProviderEntry *p = m_catalog.provider(QString::fromLatin1(id));
        EXPECT_NE(p, nullptr) << id;
        return *p;
    }
    QTemporaryDir m_settingsDir;
    ModelCatalog m_catalog;
};

TEST_F(RedactionDefaultTest, EveryCloudProviderRedactsWhateverItsUrl) {
    int clouds = 0;
    for (const ProviderEntry &p : m_catalog.providers()) {
        if (p.kind != QLatin1String("cloud"))
            continue;
        ++clouds;
        EXPECT_TRUE(redactsByDefault(p, QUrl(p.baseUrl))) << p.id.toStdString();
        // A cloud provider pointed at a local proxy still forwards to the cloud.
        EXPECT_TRUE(redactsByDefault(p, QUrl(QStringLiteral("http://127.0.0.1:9000/v1"))))
            << p.id.toStdString();
    }
    EXPECT_GE(clouds, 4);
}

TEST_F(RedactionDefaultTest, LoopbackServersWarnOnly) {
    const ProviderEntry &llama = provider("llama-server");
    for (const char *url :
         {"http://127.0.0.1:8080/v1", "http://127.4.5.6:8080/v1", "http://localhost:8080/v1",
          "http://LocalHost:11434/v1", "http://[::1]:8000/v1", "http://[::ffff:127.0.0.1]:80/v1"})
        EXPECT_FALSE(redactsByDefault(llama, QUrl(QString::fromLatin1(url)))) << url;
}

TEST_F(RedactionDefaultTest, ServersElsewhereRedact) {
    const ProviderEntry &vllm = provider("vllm");
    for (const char *url :
         {"http://10.0.0.5:8000/v1", "http://192.168.1.20:8000/v1", "http://gpu-box:8000/v1",
          "https://llm.example.org/v1", "http://128.0.0.1:8000/v1", "http://[2001:db8::1]:80/v1",
          "http://localhost.evil.example/v1", "http://0.0.0.0:8000/v1"})
        EXPECT_TRUE(redactsByDefault(vllm, QUrl(QString::fromLatin1(url)))) << url;
    EXPECT_TRUE(redactsByDefault(provider("custom"), QUrl())); // no URL yet: assume remote
}

TEST_F(RedactionDefaultTest, TheLocalEngineWarnsOnly) {
    const ProviderEntry &local = provider("local");
    EXPECT_EQ(local.id, localProviderId());
    EXPECT_FALSE(redactsByDefault(local, QUrl(QStringLiteral("http://127.0.0.1:41234/v1"))));
    EXPECT_FALSE(redactsByDefault(local, QUrl())); // before the engine has a port
}

TEST_F(RedactionDefaultTest, AStoredChoiceWinsAndTheDefaultIsNotStored) {
    const QString id = QStringLiteral("llama-server");
    EXPECT_FALSE(storedRedaction(id).has_value());
    EXPECT_FALSE(redactionApplies(storedRedaction(id), false));

    storeRedaction(id, true, false); // turned on for a loopback server
    ASSERT_TRUE(storedRedaction(id).has_value());
    EXPECT_TRUE(*storedRedaction(id));
    EXPECT_TRUE(redactionApplies(storedRedaction(id), false));
    EXPECT_TRUE(QSettings().contains(redactionSettingsKey(id)));

    storeRedaction(id, false, false); // back to the default: the key goes
    EXPECT_FALSE(QSettings().contains(redactionSettingsKey(id)));
    EXPECT_FALSE(redactionApplies(storedRedaction(id), false));

    storeRedaction(QStringLiteral("groq"), false, true); // turned off for a cloud provider
    EXPECT_FALSE(redactionApplies(storedRedaction(QStringLiteral("groq")), true));
    EXPECT_TRUE(redactionApplies(storedRedaction(QStringLiteral("openrouter")), true));
}

} // namespace
