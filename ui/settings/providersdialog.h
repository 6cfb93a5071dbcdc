// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "llm/client/providerprobe.h"
#include "security/apikeystore.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QNetworkAccessManager;
class QProgressBar;
class QPushButton;

namespace reposcope::ui {

class ProviderModelsTable;

// What the Providers dialog works on; created once in app/ and injected.
struct ProvidersDialogServices {
    llm::ModelCatalog *catalog = nullptr;     // changed in place when the user saves
    security::ApiKeyStore *keys = nullptr;    // keychain + environment
    QNetworkAccessManager *network = nullptr; // for Test connection; not owned
    QString userCatalogFile;                  // where Save writes the user's changes
};

// Settings ▸ Providers: the providers of the catalog, each with its connection (name,
// base URL, auth, key variable), its models (id, name, caps, prices, vision), its API key
// (saved to or removed from the keychain; shown masked, with where it comes from) and a
// Test connection that lists the models the server serves and offers to add them.
//
// Everything that waits (keychain, network) is asynchronous: the UI thread never blocks.
// Edits stay in the dialog until Save, which validates them, updates the catalog and
// writes only what differs from the built-in catalog to the user file (a few KB, on
// the UI thread). API keys never go into that file.
class ProvidersDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProvidersDialog(const ProvidersDialogServices &services, QWidget *parent = nullptr);
    ~ProvidersDialog() override;

    void selectProvider(const QString &id);
    QString currentProviderId() const;
    bool isTesting() const { return m_testRequest != 0; }
    llm::ProviderProbe *probe() const { return m_probe; }

Q_SIGNALS:
    // The key field and its source line now show `providerId`'s key lookup.
    void keyShown(const QString &providerId);
    // A Test connection ended (the list of served models is filled on success).
    void connectionTested(bool ok);
    // A context cap read from the server was put into the models table.
    void contextCapApplied(const QString &modelId, qint64 tokens);
    // Save wrote the catalog; the caller refreshes what shows models (the budget meter).
    void catalogSaved();

private:
    void buildUi();
    void showProvider(int index);
    void commitForm(); // form → m_providers[m_current]
    void updateEnabled();
    void lookupKey();
    void onKeyLookedUp(const security::KeyLookup &lookup);
    void saveKey();
    void removeKey();
    void testConnection();
    void onModelsListed(quint64 request, const llm::ProbeModels &result);
    void addServedModels();
    void readCap(const QString &modelId);
    void onCapRead(quint64 request, const llm::ContextCap &cap);
    void addProvider();
    void removeProvider();
    void addModel();
    void save();
    void showStatus(const QString &text, bool error);
    // "Redact secrets before sending" (providersdialogredaction.cpp): the box follows the
    // stored choice, else the default for the URL in the form; Save stores what changed.
    void showRedaction();
    void saveRedaction();

    ProvidersDialogServices m_services;
    llm::ProviderProbe *m_probe;
    QList<llm::ProviderEntry> m_providers; // the dialog's working copy
    QStringList m_removed;                 // user providers removed in this session
    int m_current = -1;
    QString m_currentKey; // the looked-up key of the current provider; memory only
    bool m_keyInKeychain = false;
    bool m_keyInMemory = false;             // the keychain refused it: kept until the program quits
    QHash<QString, QStringList> m_problems; // per provider: cells that are not valid values
    quint64 m_testRequest = 0;
    QHash<quint64, QString> m_capRequests; // request → model id
    QHash<QString, bool> m_redact;         // per provider: redaction as ticked in this dialog

    QListWidget *m_list;
    QPushButton *m_addProvider;
    QPushButton *m_removeProvider;
    QLabel *m_kind;
    QLineEdit *m_name;
    QLineEdit *m_baseUrl;
    QComboBox *m_auth;
    QLineEdit *m_keyEnv;
    QLabel *m_note;
    QCheckBox *m_redactBox;
    QLabel *m_redactNote; // what the box means for this provider; a warning when off
    QLineEdit *m_key;
    QLabel *m_keySource;
    QLabel *m_keychainProblem; // why the keychain could not be used, when it could not
    QPushButton *m_saveKey;
    QPushButton *m_removeKey;
    QPushButton *m_test;
    QProgressBar *m_busy;
    QLabel *m_testStatus;
    QListWidget *m_served;
    QPushButton *m_addServed;
    ProviderModelsTable *m_models;
    QPushButton *m_addModel;
    QPushButton *m_removeModel;
    QPushButton *m_readCap;
    QLabel *m_status;
};

} // namespace reposcope::ui
