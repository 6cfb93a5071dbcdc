// SPDX-License-Identifier: MIT
// ApiKeyStore: keychain first, then the environment; plain errors when no
// keychain service exists; the real QtKeychain backend answers (or fails)
// without hanging.
#include "envvar.h"
#include "llm/client/chatrequest.h"
#include "security/apikeystore.h"

#include <QFile>
#include <QHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

#include <gtest/gtest.h>

#include <iostream>

using namespace reposcope::security;
using reposcope::test::EnvVar;

namespace {

// An in-memory keychain that answers on the next event-loop turn, as a real one
// does.
class FakeBackend final : public SecretBackend {
public:
    struct State {
        QHash<QString, QString> entries;
        bool available = true;
        QStringList calls;
    };
    explicit FakeBackend(std::shared_ptr<State> state)
        : m_state(std::move(state)) {}

    void read(const QString &key, QObject *context, Done done) override {
        m_state->calls << QStringLiteral("read ") + key;
        Outcome o = unavailable();
        if (m_state->available) {
            o.status =
                m_state->entries.contains(key) ? Outcome::Status::Ok : Outcome::Status::NotFound;
            o.secret = m_state->entries.value(key);
        }
        answer(context, std::move(done), o);
    }
    void write(const QString &key, const QString &secret, QObject *context, Done done) override {
        m_state->calls << QStringLiteral("write ") + key;
        Outcome o = unavailable();
        if (m_state->available) {
            m_state->entries.insert(key, secret);
            o.status = Outcome::Status::Ok;
        }
        answer(context, std::move(done), o);
    }
    void remove(const QString &key, QObject *context, Done done) override {
        m_state->calls << QStringLiteral("remove ") + key;
        Outcome o = unavailable();
        if (m_state->available)
            o.status =
                m_state->entries.remove(key) ? Outcome::Status::Ok : Outcome::Status::NotFound;
        answer(context, std::move(done), o);
    }

private:
    static Outcome unavailable() {
        return {Outcome::Status::Unavailable, QString(),
                QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY")};
    }
    static void answer(QObject *context, Done done, const Outcome &o) {
        QTimer::singleShot(0, context, [done = std::move(done), o] { done(o); });
    }
    std::shared_ptr<State> m_state;
};

class ApiKeyStoreTest : public ::testing::Test {
protected:
    ApiKeyStoreTest()
        : m_state(std::make_shared<FakeBackend::State>())
        , m_store(std::make_unique<FakeBackend>(m_state)) {}

    KeyLookup lookup(const QString &provider, const QString &keyEnv) {
        QSignalSpy spy(&m_store, &ApiKeyStore::lookedUp);
        m_store.lookup(provider, keyEnv);
        EXPECT_TRUE(spy.wait());
        EXPECT_EQ(spy.size(), 1);
        return spy.isEmpty() ? KeyLookup{} : spy.first().first().value<KeyLookup>();
    }
    KeyChange store(const QString &provider, const QString &key) {
        QSignalSpy spy(&m_store, &ApiKeyStore::stored);
        m_store.store(provider, key, QStringLiteral("RS_TEST_GROQ_KEY"));
        EXPECT_TRUE(spy.wait());
        return spy.isEmpty() ? KeyChange{} : spy.first().first().value<KeyChange>();
    }
    KeyChange remove(const QString &provider) {
        QSignalSpy spy(&m_store, &ApiKeyStore::removed);
        m_store.remove(provider);
        EXPECT_TRUE(spy.wait());
        return spy.isEmpty() ? KeyChange{} : spy.first().first().value<KeyChange>();
    }

    std::shared_ptr<FakeBackend::State> m_state;
    ApiKeyStore m_store;
};

} // namespace

TEST_F(ApiKeyStoreTest, EnvironmentVariableWhenTheKeychainHasNone) {
    EnvVar env("RS_TEST_GROQ_KEY", "  gsk_fromenv123456\n");
    const KeyLookup found = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_TRUE(found.found());
    EXPECT_EQ(found.providerId, QStringLiteral("groq"));
    EXPECT_EQ(found.key, QStringLiteral("gsk_fromenv123456")) << "white space trimmed";
    EXPECT_EQ(found.source, QStringLiteral("environment RS_TEST_GROQ_KEY"));
    EXPECT_TRUE(found.keychainProblem.isEmpty());
    EXPECT_EQ(m_state->calls, QStringList{QStringLiteral("read provider/groq")});
    EXPECT_EQ(ApiKeyStore::describeSource(found),
              QStringLiteral("the environment variable RS_TEST_GROQ_KEY"));
    // The synchronous form gives the same answer.
    const KeyLookup sync =
        ApiKeyStore::fromEnvironment(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_EQ(sync.key, found.key);
    EXPECT_EQ(sync.source, found.source);
}

TEST_F(ApiKeyStoreTest, KeychainEntryWinsOverTheEnvironment) {
    EnvVar env("RS_TEST_GROQ_KEY", "gsk_fromenv123456");
    m_state->entries.insert(QStringLiteral("provider/groq"), QStringLiteral("gsk_keychain7890"));
    const KeyLookup found = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_EQ(found.key, QStringLiteral("gsk_keychain7890"));
    EXPECT_EQ(found.source, QStringLiteral("keychain"));
    EXPECT_EQ(ApiKeyStore::describeSource(found), QStringLiteral("the keychain"));
}

TEST_F(ApiKeyStoreTest, MissingKeyEverywhere) {
    EnvVar env("RS_TEST_GROQ_KEY", QByteArray());
    const KeyLookup none = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_FALSE(none.found());
    EXPECT_TRUE(none.source.isEmpty());
    EXPECT_TRUE(none.keychainProblem.isEmpty()) << "the keychain answered: no entry";
    EXPECT_EQ(none.providerId, QStringLiteral("groq"));
    // A provider that names no variable (Ollama) is not looked up in the
    // environment.
    EXPECT_FALSE(lookup(QStringLiteral("ollama"), QString()).found());
}

TEST_F(ApiKeyStoreTest, UnavailableKeychainSaysSoAndTheEnvironmentStillWorks) {
    m_state->available = false;
    {
        EnvVar env("RS_TEST_GROQ_KEY", "gsk_fromenv123456");
        const KeyLookup found = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
        EXPECT_EQ(found.key, QStringLiteral("gsk_fromenv123456"));
        EXPECT_EQ(found.source, QStringLiteral("environment RS_TEST_GROQ_KEY"));
        EXPECT_TRUE(
            found.keychainProblem.startsWith(QStringLiteral("No keychain service is available")))
            << found.keychainProblem.toStdString();
    }
    const KeyChange saved = store(QStringLiteral("groq"), QStringLiteral("gsk_secret_value_1"));
    EXPECT_FALSE(saved.ok);
    EXPECT_TRUE(saved.keptInMemory);
    EXPECT_TRUE(saved.error.contains(QStringLiteral("No keychain service is available")));
    EXPECT_TRUE(saved.error.contains(QStringLiteral("RS_TEST_GROQ_KEY")))
        << "names the alternative: " << saved.error.toStdString();
    EXPECT_FALSE(saved.error.contains(QStringLiteral("gsk_secret_value_1")));
    // Nothing to forget and no keychain: removing fails and says why.
    const KeyChange removedOther = remove(QStringLiteral("openai"));
    EXPECT_FALSE(removedOther.ok);
    EXPECT_FALSE(removedOther.error.isEmpty());
    // The key typed above lived in memory only: removing forgets it.
    const KeyChange removed = remove(QStringLiteral("groq"));
    EXPECT_TRUE(removed.ok) << removed.error.toStdString();
    EnvVar none("RS_TEST_GROQ_KEY", QByteArray());
    EXPECT_FALSE(lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY")).found());
}

// A key typed while the keychain is unavailable is kept for this run and wins over the
// environment, with the keychain's own error; once the keychain takes a key, memory is
// dropped.
TEST_F(ApiKeyStoreTest, TypedKeyIsKeptInMemoryWhenTheKeychainIsUnavailable) {
    EnvVar env("RS_TEST_GROQ_KEY", "gsk_fromenv123456");
    m_state->available = false;
    const KeyChange saved = store(QStringLiteral("groq"), QStringLiteral(" gsk_typed_0042 "));
    EXPECT_TRUE(saved.keptInMemory);
    EXPECT_TRUE(
        saved.error.startsWith(QStringLiteral("No keychain: the key is kept until you quit.")))
        << saved.error.toStdString();
    EXPECT_TRUE(saved.error.contains(QStringLiteral("Cannot autolaunch D-Bus")))
        << "the keychain's own error: " << saved.error.toStdString();
    m_state->calls.clear();
    const KeyLookup found = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_EQ(found.key, QStringLiteral("gsk_typed_0042"));
    EXPECT_EQ(found.source, QStringLiteral("memory"));
    EXPECT_TRUE(found.inMemory());
    EXPECT_TRUE(found.keychainProblem.contains(QStringLiteral("Cannot autolaunch D-Bus")));
    EXPECT_EQ(ApiKeyStore::describeSource(found),
              QStringLiteral("memory (no keychain: the key is kept until you quit)"));
    EXPECT_TRUE(m_state->calls.isEmpty()) << "memory answers without asking the keychain again";
    // Another provider is not affected.
    EXPECT_FALSE(lookup(QStringLiteral("openai"), QString()).found());

    // The keychain is back: a newly saved key goes there and memory is forgotten.
    m_state->available = true;
    const KeyChange again = store(QStringLiteral("groq"), QStringLiteral("gsk_saved_0043"));
    EXPECT_TRUE(again.ok);
    EXPECT_FALSE(again.keptInMemory);
    const KeyLookup stored = lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY"));
    EXPECT_EQ(stored.key, QStringLiteral("gsk_saved_0043"));
    EXPECT_EQ(stored.source, QStringLiteral("keychain"));
}

TEST_F(ApiKeyStoreTest, StoreLookupRemoveRoundTrip) {
    EnvVar env("RS_TEST_GROQ_KEY", QByteArray());
    const KeyChange saved = store(QStringLiteral("groq"), QStringLiteral(" gsk_pasted_key_42\n"));
    EXPECT_TRUE(saved.ok) << saved.error.toStdString();
    EXPECT_EQ(m_state->entries.value(QStringLiteral("provider/groq")),
              QStringLiteral("gsk_pasted_key_42"));
    EXPECT_EQ(lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY")).key,
              QStringLiteral("gsk_pasted_key_42"));
    EXPECT_TRUE(remove(QStringLiteral("groq")).ok);
    EXPECT_FALSE(lookup(QStringLiteral("groq"), QStringLiteral("RS_TEST_GROQ_KEY")).found());
    EXPECT_TRUE(remove(QStringLiteral("groq")).ok) << "removing a missing entry is fine";

    const KeyChange empty = store(QStringLiteral("groq"), QStringLiteral("   "));
    EXPECT_FALSE(empty.ok);
    EXPECT_FALSE(empty.error.isEmpty());
    EXPECT_FALSE(m_state->entries.contains(QStringLiteral("provider/groq")));
}

TEST_F(ApiKeyStoreTest, ShownKeysAreMasked) {
    const QString key = QStringLiteral("gsk_abcdefghijklmnopqrstuvwxyz0123");
    const QString masked = reposcope::llm::maskKey(key);
    EXPECT_FALSE(masked.contains(key));
    EXPECT_FALSE(masked.contains(QStringLiteral("ijklmnop")));
    EXPECT_TRUE(masked.endsWith(QStringLiteral("0123"))) << masked.toStdString();
    EXPECT_FALSE(
        reposcope::llm::maskKey(QStringLiteral("short")).contains(QStringLiteral("short")));
}

// The real keychain: with a Secret Service the key goes in and out again;
// without one (headless CI) every job ends with its own error, in plain words,
// and nothing hangs.
TEST(ApiKeyStoreKeychain, RealKeychainAnswersOrSaysItIsUnavailable) {
    ApiKeyStore store(makeKeychainBackend(QStringLiteral("RepoScopeTests")));
    const QString provider =
        QStringLiteral("test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString key = QStringLiteral("sk-test-") + QUuid::createUuid().toString(QUuid::Id128);
    EnvVar env("RS_TEST_REAL_KEY", "sk-env-fallback-000");

    QSignalSpy storedSpy(&store, &ApiKeyStore::stored);
    store.store(provider, key, QStringLiteral("RS_TEST_REAL_KEY"));
    // The deadline only turns a hang into a failure; QtKeychain ends every job
    // itself.
    ASSERT_TRUE(storedSpy.wait(60000)) << "the keychain job never finished";
    const KeyChange saved = storedSpy.first().first().value<KeyChange>();

    QSignalSpy lookedUpSpy(&store, &ApiKeyStore::lookedUp);
    store.lookup(provider, QStringLiteral("RS_TEST_REAL_KEY"));
    ASSERT_TRUE(lookedUpSpy.wait(60000));
    const KeyLookup found = lookedUpSpy.first().first().value<KeyLookup>();

    QSignalSpy removedSpy(&store, &ApiKeyStore::removed);
    store.remove(provider);
    ASSERT_TRUE(removedSpy.wait(60000));
    const KeyChange removed = removedSpy.first().first().value<KeyChange>();

    if (saved.ok) {
        EXPECT_EQ(found.key, key);
        EXPECT_EQ(found.source, QStringLiteral("keychain"));
        EXPECT_TRUE(removed.ok) << removed.error.toStdString();
        QSignalSpy again(&store, &ApiKeyStore::lookedUp);
        store.lookup(provider, QStringLiteral("RS_TEST_REAL_KEY"));
        ASSERT_TRUE(again.wait(60000));
        EXPECT_EQ(again.first().first().value<KeyLookup>().source,
                  QStringLiteral("environment RS_TEST_REAL_KEY"));
    } else {
        std::cout << "[ INFO     ] no usable keychain here: " << saved.error.toStdString() << "\n";
        EXPECT_FALSE(saved.error.isEmpty());
        EXPECT_FALSE(saved.error.contains(key));
        EXPECT_FALSE(saved.error.contains(QStringLiteral("Unknown error")));
        // The typed key is not dropped: it is kept in memory and wins for this run.
        EXPECT_TRUE(saved.keptInMemory);
        EXPECT_EQ(found.key, key);
        EXPECT_EQ(found.source, QStringLiteral("memory"));
        EXPECT_FALSE(found.keychainProblem.isEmpty());
    }
}

// The real QtKeychain backend with no session bus to talk to (a bus address whose socket
// does not exist, as on a headless machine or under Xvfb without dbus-run-session): the
// keychain really fails, the typed key is kept in memory and used, and the message says
// what the bus said instead of QtKeychain's "Unknown error".
TEST(ApiKeyStoreKeychain, WithoutASessionBusTheTypedKeyIsKeptInMemory) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QByteArray socket = QFile::encodeName(dir.filePath(QStringLiteral("no-bus")));
    // Set before the first use of the session bus in this process (QtDBus reads it once).
    EnvVar bus("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + socket);
    EnvVar display("DISPLAY", QByteArray());
    EnvVar env("RS_TEST_REAL_KEY", "sk-env-fallback-000");
    ApiKeyStore store(makeKeychainBackend(QStringLiteral("RepoScopeTests")));
    const QString provider =
        QStringLiteral("test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString key = QStringLiteral("sk-typed-") + QUuid::createUuid().toString(QUuid::Id128);

    QSignalSpy storedSpy(&store, &ApiKeyStore::stored);
    store.store(provider, key, QStringLiteral("RS_TEST_REAL_KEY"));
    ASSERT_TRUE(storedSpy.wait(60000)) << "the keychain job never finished";
    const KeyChange saved = storedSpy.first().first().value<KeyChange>();
    if (saved.ok) {
        // Only when another test of this process opened a real session bus before.
        store.remove(provider);
        GTEST_SKIP() << "this process already holds a working session bus";
    }
    std::cout << "[ INFO     ] " << saved.error.toStdString() << "\n";
    EXPECT_TRUE(saved.keptInMemory);
    EXPECT_TRUE(
        saved.error.startsWith(QStringLiteral("No keychain: the key is kept until you quit.")))
        << saved.error.toStdString();
    EXPECT_FALSE(saved.error.contains(QStringLiteral("Unknown error")))
        << saved.error.toStdString();
    EXPECT_TRUE(saved.error.contains(QStringLiteral("D-Bus"))) << saved.error.toStdString();
    EXPECT_FALSE(saved.error.contains(key));

    QSignalSpy lookedUpSpy(&store, &ApiKeyStore::lookedUp);
    store.lookup(provider, QStringLiteral("RS_TEST_REAL_KEY"));
    ASSERT_TRUE(lookedUpSpy.wait(60000));
    const KeyLookup found = lookedUpSpy.first().first().value<KeyLookup>();
    EXPECT_EQ(found.key, key) << "the typed key wins over the environment for this run";
    EXPECT_EQ(found.source, QStringLiteral("memory"));
    EXPECT_FALSE(found.keychainProblem.isEmpty());

    // Forgetting it leaves the environment's key.
    QSignalSpy removedSpy(&store, &ApiKeyStore::removed);
    store.remove(provider);
    ASSERT_TRUE(removedSpy.wait(60000));
    EXPECT_TRUE(removedSpy.first().first().value<KeyChange>().ok);
    QSignalSpy again(&store, &ApiKeyStore::lookedUp);
    store.lookup(provider, QStringLiteral("RS_TEST_REAL_KEY"));
    ASSERT_TRUE(again.wait(60000));
    EXPECT_EQ(again.first().first().value<KeyLookup>().key, QStringLiteral("sk-env-fallback-000"));
}
