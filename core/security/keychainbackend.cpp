// SPDX-License-Identifier: MIT
// SecretBackend over QtKeychain.
#include "security/apikeystore.h"

#include <QRegularExpression>

#include <qt6keychain/keychain.h>

namespace reposcope::security {

namespace {

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
