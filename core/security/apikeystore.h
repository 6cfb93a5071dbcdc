// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace reposcope::security {

// Where secrets are kept: an asynchronous key → secret store. The real one is
// the desktop keychain through QtKeychain; tests inject a fake. Callbacks run
// on the thread of `context` (the UI thread) and are dropped when `context` is
// destroyed first.
class SecretBackend {
public:
    struct Outcome {
        enum class Status {
            Ok,
            NotFound,    // the store answered: no such entry
            Unavailable, // no keychain service at all (headless, no Secret Service)
            Failed,      // the store refused (access denied, locked, ...)
        };
        Status status = Status::Failed;
        QString secret;  // for read, when Ok
        QString details; // the store's own error text
    };
    using Done = std::function<void(const Outcome &)>;

    virtual ~SecretBackend() = default;
    virtual void read(const QString &key, QObject *context, Done done) = 0;
    virtual void write(const QString &key, const QString &secret, QObject *context, Done done) = 0;
    virtual void remove(const QString &key, QObject *context, Done done) = 0;
};

// The desktop keychain (Secret Service / KWallet on Linux, Keychain on macOS,
// Credential Store on Windows) under `service`. Never falls back to a
// plain-text file.
std::unique_ptr<SecretBackend> makeKeychainBackend(const QString &service);

// The outcome of looking up one provider's key.
struct KeyLookup {
    QString providerId;
    QString key;             // empty when none was found; never log it
    QString source;          // "keychain", "memory", "environment GROQ_API_KEY", or "" when
                             // none
    QString keychainProblem; // why the keychain could not be read (or, for a key kept in
                             // memory, written), with the keychain's own error; "" when it
                             // answered
    bool found() const { return !key.isEmpty(); }
    bool inMemory() const { return source == QLatin1String("memory"); }
};

// The outcome of saving or removing one provider's key.
struct KeyChange {
    QString providerId;
    bool ok = false;
    QString error; // what happened and what to do
    // store(): the keychain did not take the key (ok is false, error says why), so it is
    // kept in this process's memory and used until the program quits.
    bool keptInMemory = false;
};

// API keys per provider: a key typed in this run that the keychain would not take (kept in
// memory), then the keychain entry "provider/<id>" of service "RepoScope", then the
// environment variable the catalog names (keyEnv). A typed key is never dropped: without a
// keychain (no Secret Service, locked, refused) store() keeps it in memory for this run
// (never in a file) and says so.
// Every operation is asynchronous (the keychain may prompt or talk over D-Bus)
// and answers exactly once by signal. Lives on the UI thread. Keys are never
// written to a file in clear and never logged; show them with llm::maskKey.
class ApiKeyStore : public QObject {
    Q_OBJECT
public:
    // The desktop keychain under serviceName().
    explicit ApiKeyStore(QObject *parent = nullptr);
    ApiKeyStore(std::unique_ptr<SecretBackend> backend, QObject *parent = nullptr);
    ~ApiKeyStore() override;

    static QString serviceName() { return QStringLiteral("RepoScope"); }
    static QString keychainKey(const QString &providerId) {
        return QStringLiteral("provider/") + providerId;
    }
    // The environment variable alone (synchronous): for the CLI and as the
    // fallback.
    static KeyLookup fromEnvironment(const QString &providerId, const QString &keyEnv);
    // "keychain" → "the keychain"; "memory" → "memory (no keychain: …)";
    // "environment X" → "the environment variable X".
    static QString describeSource(const KeyLookup &lookup);

    // Answers with lookedUp().
    void lookup(const QString &providerId, const QString &keyEnv);
    // Saves `key` (surrounding white space removed) to the keychain; answers with
    // stored(). When the keychain fails the key is kept in memory (keptInMemory) and
    // lookup() answers with it until the program quits. `keyEnv` only names the
    // alternative in the error when no keychain is available.
    void store(const QString &providerId, const QString &key, const QString &keyEnv = {});
    // Deletes the keychain entry and forgets a key kept in memory (a missing one is
    // not an error); answers with removed().
    void remove(const QString &providerId);

Q_SIGNALS:
    void lookedUp(const reposcope::security::KeyLookup &result);
    void stored(const reposcope::security::KeyChange &result);
    void removed(const reposcope::security::KeyChange &result);

private:
    struct MemoryKey {
        QString key;
        QString problem; // why the keychain did not take it
    };
    std::unique_ptr<SecretBackend> m_backend;
    QHash<QString, MemoryKey> m_memory; // provider id → key the keychain did not take
};

} // namespace reposcope::security
