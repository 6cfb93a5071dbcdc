// SPDX-License-Identifier: MIT
#include "security/apikeystore.h"

namespace reposcope::security {

namespace {

using Status = SecretBackend::Outcome::Status;

QString unavailableText(const QString &details) {
    return QObject::tr("No keychain service is available (no Secret Service on D-Bus%1).")
        .arg(details.isEmpty() ? QString() : QStringLiteral(": ") + details);
}

QString envAdvice(const QString &keyEnv) {
    return keyEnv.isEmpty() ? QObject::tr("To keep it across runs, set the key in the "
                                          "provider's environment variable.")
                            : QObject::tr("To keep it across runs, set %1 in the "
                                          "environment.")
                                  .arg(keyEnv);
}

QString keptText() {
    return QObject::tr("No keychain: the key is kept until you quit.");
}

} // namespace

ApiKeyStore::ApiKeyStore(QObject *parent)
    : ApiKeyStore(makeKeychainBackend(serviceName()), parent) {}

ApiKeyStore::ApiKeyStore(std::unique_ptr<SecretBackend> backend, QObject *parent)
    : QObject(parent)
    , m_backend(std::move(backend)) {}

ApiKeyStore::~ApiKeyStore() = default;

KeyLookup ApiKeyStore::fromEnvironment(const QString &providerId, const QString &keyEnv) {
    KeyLookup lookup;
    lookup.providerId = providerId;
    if (keyEnv.isEmpty())
        return lookup;
    lookup.key = qEnvironmentVariable(keyEnv.toLocal8Bit().constData()).trimmed();
    if (!lookup.key.isEmpty())
        lookup.source = QStringLiteral("environment ") + keyEnv;
    return lookup;
}

QString ApiKeyStore::describeSource(const KeyLookup &lookup) {
    if (lookup.source == QLatin1String("keychain"))
        return tr("the keychain");
    if (lookup.inMemory())
        return tr("memory (no keychain: the key is kept until you quit)");
    if (lookup.source.startsWith(QLatin1String("environment ")))
        return tr("the environment variable %1")
            .arg(lookup.source.mid(QStringLiteral("environment ").size()));
    return tr("nowhere (no key set)");
}

void ApiKeyStore::lookup(const QString &providerId, const QString &keyEnv) {
    if (const auto kept = m_memory.constFind(providerId); kept != m_memory.cend()) {
        // Typed in this run and refused by the keychain: newer than anything stored.
        KeyLookup result;
        result.providerId = providerId;
        result.key = kept->key;
        result.source = QStringLiteral("memory");
        result.keychainProblem = kept->problem;
        QMetaObject::invokeMethod(
            this, [this, result] { Q_EMIT lookedUp(result); }, Qt::QueuedConnection);
        return;
    }
    m_backend->read(
        keychainKey(providerId), this,
        [this, providerId, keyEnv](const SecretBackend::Outcome &outcome) {
            KeyLookup result;
            if (outcome.status == Status::Ok && !outcome.secret.trimmed().isEmpty()) {
                result.providerId = providerId;
                result.key = outcome.secret.trimmed();
                result.source = QStringLiteral("keychain");
            } else {
                result = fromEnvironment(providerId, keyEnv);
                if (outcome.status == Status::Unavailable)
                    result.keychainProblem = unavailableText(outcome.details);
                else if (outcome.status == Status::Failed)
                    result.keychainProblem =
                        tr("The keychain refused to read the key: %1").arg(outcome.details);
            }
            Q_EMIT lookedUp(result);
        });
}

void ApiKeyStore::store(const QString &providerId, const QString &key, const QString &keyEnv) {
    const QString trimmed = key.trimmed();
    if (trimmed.isEmpty()) {
        // Answer asynchronously like every other path, so callers have one code
        // path.
        QMetaObject::invokeMethod(
            this,
            [this, providerId] {
                Q_EMIT stored({providerId, false, tr("The key is empty; nothing was saved.")});
            },
            Qt::QueuedConnection);
        return;
    }
    m_backend->write(keychainKey(providerId), trimmed, this,
                     [this, providerId, trimmed, keyEnv](const SecretBackend::Outcome &outcome) {
                         KeyChange change{providerId, outcome.status == Status::Ok, QString()};
                         if (change.ok) {
                             m_memory.remove(providerId); // the keychain holds it now
                             Q_EMIT stored(change);
                             return;
                         }
                         // The user typed a key: it is used for this run whatever the keychain
                         // says.
                         const QString problem =
                             outcome.status == Status::Unavailable
                                 ? unavailableText(outcome.details)
                                 : tr("The keychain did not save the key: %1").arg(outcome.details);
                         m_memory.insert(providerId, {trimmed, problem});
                         change.keptInMemory = true;
                         change.error = keptText() + QLatin1Char(' ') + problem + QLatin1Char(' ') +
                                        tr("The key is not saved (RepoScope never writes keys to a "
                                           "file). ") +
                                        envAdvice(keyEnv);
                         Q_EMIT stored(change);
                     });
}

void ApiKeyStore::remove(const QString &providerId) {
    const bool forgotten = m_memory.remove(providerId) > 0;
    m_backend->remove(
        keychainKey(providerId), this,
        [this, providerId, forgotten](const SecretBackend::Outcome &outcome) {
            // A key that only lived in memory is gone whatever the keychain answers.
            KeyChange change{providerId,
                             outcome.status == Status::Ok || outcome.status == Status::NotFound ||
                                 (forgotten && outcome.status == Status::Unavailable),
                             QString()};
            if (!change.ok)
                change.error =
                    outcome.status == Status::Unavailable
                        ? unavailableText(outcome.details)
                        : tr("The keychain did not remove the key: %1").arg(outcome.details);
            Q_EMIT removed(change);
        });
}

} // namespace reposcope::security
