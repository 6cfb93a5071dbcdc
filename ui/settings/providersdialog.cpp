// SPDX-License-Identifier: MIT
#include "settings/providersdialog.h"

#include "llm/client/providerendpoint.h"
#include "settings/providersdialogmodels.h"

#include <QComboBox>
#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

namespace reposcope::ui {

namespace {

constexpr qint64 kUnknownCap = 8192; // conservative until the server or the user says

QString kindText(const QString &kind) {
    if (kind == QLatin1String("cloud"))
        return ProvidersDialog::tr("Cloud service");
    if (kind == QLatin1String("self-hosted"))
        return ProvidersDialog::tr("Server you run");
    if (kind == QLatin1String("local"))
        return ProvidersDialog::tr("Local engine on this machine");
    return ProvidersDialog::tr("Custom (any OpenAI-compatible server)");
}

} // namespace

ProvidersDialog::ProvidersDialog(const ProvidersDialogServices &services, QWidget *parent)
    : QDialog(parent)
    , m_services(services)
    , m_probe(new llm::ProviderProbe(services.network, this)) {
    setWindowTitle(tr("Providers"));
    buildUi();
    connect(m_probe, &llm::ProviderProbe::modelsListed, this, &ProvidersDialog::onModelsListed);
    connect(m_probe, &llm::ProviderProbe::contextCapRead, this, &ProvidersDialog::onCapRead);
    if (m_services.keys) {
        connect(m_services.keys, &security::ApiKeyStore::lookedUp, this,
                &ProvidersDialog::onKeyLookedUp);
        connect(m_services.keys, &security::ApiKeyStore::stored, this,
                [this](const security::KeyChange &change) {
                    if (change.providerId != currentProviderId())
                        return;
                    // Kept in memory is not a failure: the key is used; the text says for how
                    // long and why.
                    showStatus(change.ok ? tr("The key is saved in the keychain.") : change.error,
                               !change.ok && !change.keptInMemory);
                    if (change.ok || change.keptInMemory)
                        m_key->clear();
                    lookupKey();
                });
        connect(m_services.keys, &security::ApiKeyStore::removed, this,
                [this](const security::KeyChange &change) {
                    if (change.providerId != currentProviderId())
                        return;
                    showStatus(change.ok ? (m_keyInMemory ? tr("The key is forgotten.")
                                                          : tr("The key is removed from the "
                                                               "keychain."))
                                         : change.error,
                               !change.ok);
                    lookupKey();
                });
    }
    if (m_services.catalog)
        m_providers = m_services.catalog->providers();
    for (const llm::ProviderEntry &p : std::as_const(m_providers)) {
        auto *item = new QListWidgetItem(p.name, m_list);
        item->setData(Qt::UserRole, p.id);
    }
    connect(m_list, &QListWidget::currentRowChanged, this, &ProvidersDialog::showProvider);
    if (!m_providers.isEmpty())
        m_list->setCurrentRow(0);
    resize(1040, 760);
}

ProvidersDialog::~ProvidersDialog() = default;

QString ProvidersDialog::currentProviderId() const {
    return m_current >= 0 && m_current < m_providers.size() ? m_providers[m_current].id : QString();
}

void ProvidersDialog::selectProvider(const QString &id) {
    for (int i = 0; i < m_providers.size(); ++i)
        if (m_providers[i].id == id)
            m_list->setCurrentRow(i);
}

void ProvidersDialog::showProvider(int index) {
    commitForm();
    // Answers for the provider shown before are of no use any more.
    m_testRequest = 0;
    m_capRequests.clear();
    m_probe->cancelAll();
    m_busy->hide();
    m_testStatus->clear();
    m_served->clear();
    m_current = index >= 0 && index < m_providers.size() ? index : -1;
    if (m_current < 0) {
        updateEnabled();
        return;
    }
    const llm::ProviderEntry &p = m_providers[m_current];
    m_kind->setText(kindText(p.kind));
    m_name->setText(p.name);
    m_baseUrl->setText(p.baseUrl);
    m_auth->setCurrentIndex(std::max(0, m_auth->findData(p.auth)));
    m_keyEnv->setText(p.keyEnv);
    QString note = p.note;
    if (!p.asOf.isEmpty())
        note += (note.isEmpty() ? QString() : QStringLiteral(" ")) +
                tr("Figures as of %1.").arg(p.asOf);
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
    m_models->setModels(p.models);
    showRedaction();
    lookupKey();
    updateEnabled();
}

void ProvidersDialog::commitForm() {
    if (m_current < 0 || m_current >= m_providers.size())
        return;
    llm::ProviderEntry &p = m_providers[m_current];
    p.name = m_name->text().trimmed().isEmpty() ? p.id : m_name->text().trimmed();
    p.baseUrl = m_baseUrl->text().trimmed();
    p.auth = m_auth->currentData().toString();
    p.keyEnv = m_keyEnv->text().trimmed();
    QStringList problems;
    p.models = m_models->models(&problems);
    m_problems.insert(p.id, problems);
}

void ProvidersDialog::updateEnabled() {
    const bool has = m_current >= 0;
    const bool userAdded =
        has && m_services.catalog && !m_services.catalog->builtInProvider(currentProviderId());
    const bool wantsKey = has && m_auth->currentData().toString() != QLatin1String("none");
    for (QWidget *w : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_baseUrl),
                       static_cast<QWidget *>(m_auth), static_cast<QWidget *>(m_keyEnv),
                       static_cast<QWidget *>(m_models), static_cast<QWidget *>(m_addModel)})
        w->setEnabled(has);
    m_removeProvider->setEnabled(userAdded);
    m_key->setEnabled(wantsKey && m_services.keys);
    m_saveKey->setEnabled(wantsKey && m_services.keys && !m_key->text().trimmed().isEmpty());
    m_removeKey->setEnabled(wantsKey && m_services.keys && (m_keyInKeychain || m_keyInMemory));
    m_removeKey->setText(m_keyInMemory ? tr("Forget key") : tr("Remove from keychain"));
    m_test->setEnabled(has && !isTesting());
    m_removeModel->setEnabled(has && !m_models->selectionModel()->selectedRows().isEmpty());
    m_readCap->setEnabled(has && !m_models->currentModelId().isEmpty());
    bool anyChecked = false;
    for (int i = 0; i < m_served->count(); ++i)
        anyChecked = anyChecked || (m_served->item(i)->checkState() == Qt::Checked &&
                                    (m_served->item(i)->flags() & Qt::ItemIsEnabled));
    m_addServed->setEnabled(anyChecked);
}

void ProvidersDialog::showStatus(const QString &text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void ProvidersDialog::lookupKey() {
    m_currentKey.clear();
    m_keyInKeychain = false;
    m_keyInMemory = false;
    m_keychainProblem->hide();
    m_key->setPlaceholderText(QString());
    const QString id = currentProviderId();
    if (id.isEmpty())
        return;
    if (m_auth->currentData().toString() == QLatin1String("none")) {
        m_keySource->setText(tr("This server takes no key."));
        updateEnabled();
        Q_EMIT keyShown(id);
        return;
    }
    if (!m_services.keys) {
        m_keySource->setText(tr("No key store is available."));
        updateEnabled();
        Q_EMIT keyShown(id);
        return;
    }
    m_keySource->setText(tr("Looking for a key…"));
    m_services.keys->lookup(id, m_keyEnv->text().trimmed());
}

void ProvidersDialog::onKeyLookedUp(const security::KeyLookup &lookup) {
    if (lookup.providerId != currentProviderId() ||
        m_auth->currentData().toString() == QLatin1String("none"))
        return;
    m_currentKey = lookup.key;
    m_keyInKeychain = lookup.source == QLatin1String("keychain");
    m_keyInMemory = lookup.inMemory();
    const QString masked = llm::maskKey(lookup.key);
    const QString keyEnv = m_keyEnv->text().trimmed();
    QString text;
    if (lookup.found()) {
        m_key->setPlaceholderText(tr("%1 (type a new key to replace it)").arg(masked));
        text = tr("Using the key %1 from %2.")
                   .arg(masked, security::ApiKeyStore::describeSource(lookup));
    } else {
        m_key->setPlaceholderText(tr("paste an API key"));
        text = keyEnv.isEmpty() ? tr("No key set: save one to the keychain.")
                                : tr("No key set: save one to the keychain or set %1.").arg(keyEnv);
    }
    m_keySource->setText(text);
    m_keychainProblem->setText(lookup.keychainProblem);
    m_keychainProblem->setVisible(!lookup.keychainProblem.isEmpty());
    updateEnabled();
    Q_EMIT keyShown(lookup.providerId);
}

void ProvidersDialog::saveKey() {
    const QString key = m_key->text().trimmed();
    if (key.isEmpty() || !m_services.keys || currentProviderId().isEmpty())
        return;
    m_saveKey->setEnabled(false);
    showStatus(tr("Saving the key…"), false);
    m_services.keys->store(currentProviderId(), key, m_keyEnv->text().trimmed());
}

void ProvidersDialog::removeKey() {
    if (!m_services.keys || currentProviderId().isEmpty())
        return;
    m_removeKey->setEnabled(false);
    m_services.keys->remove(currentProviderId());
}

void ProvidersDialog::testConnection() {
    commitForm();
    if (m_current < 0)
        return;
    const llm::ProviderEntry &p = m_providers[m_current];
    if (p.baseUrl.isEmpty()) {
        m_testStatus->setText(tr("Set the base URL first."));
        Q_EMIT connectionTested(false);
        return;
    }
    // A key typed but not saved is tried as it is.
    const QString typed = m_key->text().trimmed();
    const llm::Endpoint endpoint = llm::endpointFor(p, typed.isEmpty() ? m_currentKey : typed);
    m_served->clear();
    m_testRequest = m_probe->testConnection(endpoint);
    m_busy->show();
    m_testStatus->setStyleSheet(QString());
    m_testStatus->setText(tr("Asking %1 for its models…").arg(endpoint.providerName));
    updateEnabled();
}

void ProvidersDialog::onModelsListed(quint64 request, const llm::ProbeModels &result) {
    if (request != m_testRequest)
        return;
    m_testRequest = 0;
    m_busy->hide();
    if (!result.ok()) {
        m_testStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_testStatus->setText(result.error->message);
        updateEnabled();
        Q_EMIT connectionTested(false);
        return;
    }
    m_testStatus->setStyleSheet(QString());
    m_testStatus->setText(result.ids.isEmpty()
                              ? tr("Connected; the server lists no model.")
                              : tr("Connected; the server lists %n model(s). Check the ones "
                                   "to add.",
                                   nullptr, int(result.ids.size())));
    const QSignalBlocker blocker(m_served);
    for (const QString &id : result.ids) {
        auto *item = new QListWidgetItem(id, m_served);
        if (m_models->hasModel(id)) {
            item->setFlags(Qt::ItemIsSelectable); // shown, not enabled: already there
            item->setText(tr("%1 (already added)").arg(id));
            item->setData(Qt::UserRole, id);
        } else {
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Checked);
            item->setData(Qt::UserRole, id);
        }
    }
    updateEnabled();
    Q_EMIT connectionTested(true);
}

void ProvidersDialog::addServedModels() {
    if (m_current < 0)
        return;
    const bool selfHosted = m_providers[m_current].kind != QLatin1String("cloud");
    const bool readable = !m_providers[m_current].capSource.isEmpty();
    QStringList added;
    for (int i = 0; i < m_served->count(); ++i) {
        QListWidgetItem *item = m_served->item(i);
        const QString id = item->data(Qt::UserRole).toString();
        if (!(item->flags() & Qt::ItemIsEnabled) || item->checkState() != Qt::Checked ||
            m_models->hasModel(id))
            continue;
        llm::ModelEntry m;
        m.id = id;
        m.name = id;
        m.contextTokens = kUnknownCap;
        m.maxOutputTokens = 4096;
        if (selfHosted) {
            m.inputPerMillion = 0;
            m.outputPerMillion = 0;
        }
        m.tokenizer = QStringLiteral("estimate");
        m.asOf = QDate::currentDate().toString(Qt::ISODate);
        m.note = readable ? tr("Listed by the server.")
                          : tr("Listed by the server; its context cap is not known: set it.");
        m_models->appendModel(m);
        item->setFlags(Qt::ItemIsSelectable);
        added << id;
    }
    updateEnabled();
    if (added.isEmpty())
        return;
    if (readable) {
        for (const QString &id : std::as_const(added))
            readCap(id);
    } else {
        showStatus(tr("Added %n model(s) with a context cap of %1 tokens: set the real ones.",
                      nullptr, int(added.size()))
                       .arg(QLocale().toString(kUnknownCap)),
                   false);
    }
}

void ProvidersDialog::readCap(const QString &modelId) {
    commitForm();
    if (m_current < 0 || modelId.isEmpty())
        return;
    const llm::ProviderEntry &p = m_providers[m_current];
    const QString typed = m_key->text().trimmed();
    const quint64 id = m_probe->readContextCap(
        p, llm::endpointFor(p, typed.isEmpty() ? m_currentKey : typed), modelId);
    m_capRequests.insert(id, modelId);
    showStatus(tr("Reading the context cap of %1…").arg(modelId), false);
}

void ProvidersDialog::onCapRead(quint64 request, const llm::ContextCap &cap) {
    const QString modelId = m_capRequests.take(request);
    if (modelId.isEmpty())
        return;
    if (!cap.ok()) {
        showStatus(cap.error->message, true);
        return;
    }
    const int row = m_models->rowOf(modelId);
    if (cap.tokens <= 0 || row < 0) {
        showStatus(cap.warning.isEmpty() ? tr("The server did not state a context cap.")
                                         : cap.warning,
                   false);
        return;
    }
    m_models->setContextCap(row, cap.tokens);
    if (cap.vision)
        m_models->item(row, ProviderModelsTable::Vision)
            ->setCheckState(*cap.vision ? Qt::Checked : Qt::Unchecked);
    showStatus(tr("%1: context cap %2 tokens, read from the server.%3")
                   .arg(modelId, QLocale().toString(cap.tokens),
                        cap.warning.isEmpty() ? QString() : QLatin1Char(' ') + cap.warning),
               false);
    Q_EMIT contextCapApplied(modelId, cap.tokens);
}

void ProvidersDialog::addProvider() {
    commitForm();
    int n = 1;
    auto taken = [this](const QString &id) {
        for (const llm::ProviderEntry &p : std::as_const(m_providers))
            if (p.id == id)
                return true;
        return m_services.catalog && m_services.catalog->provider(id);
    };
    while (taken(QStringLiteral("custom-%1").arg(n)))
        ++n;
    llm::ProviderEntry p;
    p.id = QStringLiteral("custom-%1").arg(n);
    p.name = tr("New provider %1").arg(n);
    p.kind = QStringLiteral("custom");
    p.asOf = QDate::currentDate().toString(Qt::ISODate);
    m_providers.append(p);
    m_removed.removeAll(p.id);
    auto *item = new QListWidgetItem(p.name, m_list);
    item->setData(Qt::UserRole, p.id);
    m_list->setCurrentItem(item);
    m_name->setFocus();
    m_name->selectAll();
}

void ProvidersDialog::removeProvider() {
    const QString id = currentProviderId();
    if (id.isEmpty() || (m_services.catalog && m_services.catalog->builtInProvider(id)))
        return;
    const int row = m_current;
    m_current = -1; // nothing to commit: it is going away
    m_providers.removeAt(row);
    m_problems.remove(id);
    m_removed << id;
    delete m_list->takeItem(row);
    m_list->setCurrentRow(std::min(row, int(m_providers.size()) - 1));
}

void ProvidersDialog::addModel() {
    if (m_current < 0)
        return;
    llm::ModelEntry m;
    m.contextTokens = kUnknownCap;
    m.maxOutputTokens = 4096;
    m.tokenizer = QStringLiteral("estimate");
    m.asOf = QDate::currentDate().toString(Qt::ISODate);
    m.note = tr("Added by you.");
    m_models->appendModel(m);
    const int row = m_models->rowCount() - 1;
    m_models->setCurrentCell(row, ProviderModelsTable::Id);
    m_models->editItem(m_models->item(row, ProviderModelsTable::Id));
}

void ProvidersDialog::save() {
    commitForm();
    if (!m_services.catalog)
        return;
    // The same validation as the catalog file, so what is saved loads again.
    QJsonArray all;
    for (const llm::ProviderEntry &p : std::as_const(m_providers)) {
        QStringList problems = m_problems.value(p.id);
        QStringList seen;
        for (const llm::ModelEntry &m : p.models) {
            if (!m.id.isEmpty() && seen.contains(m.id))
                problems << tr("the model id \"%1\" appears twice").arg(m.id);
            seen << m.id;
        }
        if (!problems.isEmpty()) {
            selectProvider(p.id);
            showStatus(tr("%1: %2").arg(p.name, problems.join(QStringLiteral("; "))), true);
            return;
        }
        all.append(llm::ModelCatalog::toJson(p));
    }
    const Result<llm::ModelCatalog> check = llm::ModelCatalog::fromJson(
        QJsonDocument(QJsonObject{{QStringLiteral("providers"), all}}).toJson());
    if (!check) {
        showStatus(check.error().message, true);
        return;
    }
    for (const QString &id : std::as_const(m_removed))
        m_services.catalog->removeProvider(id);
    for (const llm::ProviderEntry &p : std::as_const(m_providers))
        m_services.catalog->upsertProvider(p);
    saveRedaction();
    const Result<Ok> saved = m_services.catalog->saveUserFile(m_services.userCatalogFile);
    Q_EMIT catalogSaved();
    if (!saved) {
        showStatus(saved.error().message + tr("\nThe changes apply until you quit."), true);
        return;
    }
    accept();
}

} // namespace reposcope::ui
