// SPDX-License-Identifier: MIT
// SecretBackend over QtKeychain.
#include "security/apikeystore.h"

#include <QRegularExpression>

#include <qt6keychain/keychain.h>

#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
#include <QDBusConnection>
#include <QDBusError>
#endif

namespace reposcope::security {

namespace {

// QtKeychain's KWallet path answers only "Unknown error" when there is no session bus at
// all (headless, Xvfb without dbus-run-session). The bus connection QtKeychain asked for
// is cached; its own error names the real cause ("Failed to connect to socket ...: No
// such file or directory", "Unable to autolaunch a dbus-daemon without a $DISPLAY").
// Empty when the bus is there.
QString sessionBusProblem() {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (bus.isConnected())
        return {};
    const QString message = bus.lastError().message();
    if (!message.isEmpty())
        return QStringLiteral("D-Bus session bus: ") + message;
    return qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")
               ? QStringLiteral("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
               : QStringLiteral("the D-Bus session bus at %1 does not answer")
                     .arg(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
#else
    return {};
#endif
}

QString codeName(QKeychain::Error error) {
    switch (error) {
    case QKeychain::NoError:
        return QStringLiteral("NoError");
    case QKeychain::EntryNotFound:
        return QStringLiteral("EntryNotFound");
    case QKeychain::CouldNotDeleteEntry:
        return QStringLiteral("CouldNotDeleteEntry");
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("AccessDeniedByUser");
    case QKeychain::AccessDenied:
        return QStringLiteral("AccessDenied");
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("NoBackendAvailable");
    case QKeychain::NotImplemented:
        return QStringLiteral("NotImplemented");
    case QKeychain::OtherError:
        break;
    }
    return QStringLiteral("OtherError");
}

SecretBackend::Outcome outcomeOf(const QKeychain::Job *job) {
    using Status = SecretBackend::Outcome::Status;
    SecretBackend::Outcome outcome;
    outcome.details = job->errorString();
    // Without a session bus or a Secret Service QtKeychain reports OtherError
    // with the D-Bus text ("Cannot autolaunch D-Bus without X11 $DISPLAY",
    // "ServiceUnknown ...").
    static const QRegularExpression noService(
        QStringLiteral("D-?Bus|org\\.freedesktop\\.secrets|ServiceUnknown|autolaunch|"
                       "not provided by any \\.service"),
        QRegularExpression::CaseInsensitiveOption);
    switch (job->error()) {
    case QKeychain::NoError:
        outcome.status = Status::Ok;
        break;
    case QKeychain::EntryNotFound:
        outcome.status = Status::NotFound;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        outcome.status = Status::Unavailable;
        break;
    case QKeychain::OtherError:
        outcome.status =
            noService.match(outcome.details).hasMatch() ? Status::Unavailable : Status::Failed;
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        outcome.status = Status::Failed;
        break;
    }
    // A failure without a reason: say what is really wrong, never just "Unknown error".
    const bool noReason =
        outcome.details.trimmed().isEmpty() || outcome.details == QLatin1String("Unknown error");
    if (outcome.status != Status::Ok && outcome.status != Status::NotFound && noReason) {
        if (const QString bus = sessionBusProblem(); !bus.isEmpty()) {
            outcome.status = Status::Unavailable;
            outcome.details = bus;
        } else {
            outcome.details = QStringLiteral("the keychain gave no reason (QtKeychain %1)")
                                  .arg(codeName(job->error()));
        }
    }
    return outcome;
}

class KeychainBackend final : public SecretBackend {
public:
    explicit KeychainBackend(QString service)
        : m_service(std::move(service)) {}

    void read(const QString &key, QObject *context, Done done) override {
        auto *job = new QKeychain::ReadPasswordJob(m_service);
        start(job, key, context, [done = std::move(done)](QKeychain::Job *j) {
            Outcome outcome = outcomeOf(j);
            if (outcome.status == Outcome::Status::Ok)
                outcome.secret = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            done(outcome);
        });
    }

    void write(const QString &key, const QString &secret, QObject *context, Done done) override {
        auto *job = new QKeychain::WritePasswordJob(m_service);
        job->setTextData(secret);
        start(job, key, context,
              [done = std::move(done)](QKeychain::Job *j) { done(outcomeOf(j)); });
    }

    void remove(const QString &key, QObject *context, Done done) override {
        auto *job = new QKeychain::DeletePasswordJob(m_service);
        start(job, key, context,
              [done = std::move(done)](QKeychain::Job *j) { done(outcomeOf(j)); });
    }

private:
    // The job deletes itself after finished(); if `context` dies first, the
    // answer is dropped with the connection.
    static void start(QKeychain::Job *job, const QString &key, QObject *context,
                      std::function<void(QKeychain::Job *)> onFinished) {
        job->setKey(key);
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain-text QSettings file
        QObject::connect(job, &QKeychain::Job::finished, context, std::move(onFinished));
        job->start();
    }

    QString m_service;
};

} // namespace

std::unique_ptr<SecretBackend> makeKeychainBackend(const QString &service) {
    return std::make_unique<KeychainBackend>(service);
}

} // namespace reposcope::security
