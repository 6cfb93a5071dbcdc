// SPDX-License-Identifier: MIT
// The Providers dialog's widgets and their connections.
#include "settings/providersdialog.h"

#include "settings/providersdialogmodels.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace reposcope::ui {

void ProvidersDialog::buildUi() {
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("providerList"));
    m_addProvider = new QPushButton(tr("Add provider"), this);
    m_addProvider->setObjectName(QStringLiteral("addProvider"));
    m_removeProvider = new QPushButton(tr("Remove"), this);
    m_removeProvider->setObjectName(QStringLiteral("removeProvider"));
    m_removeProvider->setToolTip(tr("Only providers you added can be removed."));
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_addProvider);
    listButtons->addWidget(m_removeProvider);
    left->addLayout(listButtons);

    // Connection.
    m_kind = new QLabel(this);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setObjectName(QStringLiteral("baseUrl"));
    m_baseUrl->setPlaceholderText(tr("e.g. http://gpu-box:8000/v1"));
    m_auth = new QComboBox(this);
    m_auth->setObjectName(QStringLiteral("auth"));
    m_auth->addItem(tr("Bearer token (Authorization header)"), QStringLiteral("bearer"));
    m_auth->addItem(tr("None"), QStringLiteral("none"));
    m_keyEnv = new QLineEdit(this);
    m_keyEnv->setObjectName(QStringLiteral("keyEnv"));
    m_keyEnv->setPlaceholderText(tr("environment variable, e.g. GROQ_API_KEY"));
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_redactBox = new QCheckBox(tr("Redact secrets before sending"), this);
    m_redactBox->setObjectName(QStringLiteral("redactSecrets"));
    m_redactNote = new QLabel(this);
    m_redactNote->setObjectName(QStringLiteral("redactNote"));
    m_redactNote->setWordWrap(true);
    auto *connection = new QGroupBox(tr("Connection"), this);
    auto *form = new QFormLayout(connection);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("Authentication"), m_auth);
    form->addRow(tr("Key variable"), m_keyEnv);
    form->addRow(m_note);
    form->addRow(tr("Privacy"), m_redactBox);
    form->addRow(m_redactNote);

    // API key.
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("apiKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setClearButtonEnabled(true);
    m_saveKey = new QPushButton(tr("Save to keychain"), this);
    m_saveKey->setObjectName(QStringLiteral("saveKey"));
    m_removeKey = new QPushButton(tr("Remove from keychain"), this);
    m_removeKey->setObjectName(QStringLiteral("removeKey"));
    m_keySource = new QLabel(this);
    m_keySource->setObjectName(QStringLiteral("keySource"));
    m_keySource->setWordWrap(true);
    auto *keyBox = new QGroupBox(tr("API key"), this);
    auto *keyLayout = new QVBoxLayout(keyBox);
    m_keychainProblem = new QLabel(this);
    m_keychainProblem->setObjectName(QStringLiteral("keychainProblem"));
    m_keychainProblem->setWordWrap(true);
    m_keychainProblem->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_keychainProblem->hide();
    keyLayout->addWidget(m_key);
    auto *keyButtons = new QHBoxLayout;
    keyButtons->addWidget(m_saveKey);
    keyButtons->addWidget(m_removeKey);
    keyButtons->addStretch(1);
    keyLayout->addLayout(keyButtons);
    keyLayout->addWidget(m_keySource);
    keyLayout->addWidget(m_keychainProblem);

    // Test connection.
    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->setRange(0, 0); // indeterminate
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_testStatus = new QLabel(this);
    m_testStatus->setObjectName(QStringLiteral("testStatus"));
    m_testStatus->setWordWrap(true);
    m_served = new QListWidget(this);
    m_served->setObjectName(QStringLiteral("servedModels"));
    m_served->setMaximumHeight(110);
    m_addServed = new QPushButton(tr("Add checked models"), this);
    m_addServed->setObjectName(QStringLiteral("addServedModels"));
    auto *testBox = new QGroupBox(tr("Server"), this);
    auto *testLayout = new QVBoxLayout(testBox);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_busy);
    testRow->addWidget(m_testStatus, 1);
    testLayout->addLayout(testRow);
    auto *servedRow = new QHBoxLayout;
    servedRow->addWidget(m_served, 1);
    servedRow->addWidget(m_addServed, 0, Qt::AlignTop);
    testLayout->addLayout(servedRow);

    // Models.
    m_models = new ProviderModelsTable(this);
    m_models->setObjectName(QStringLiteral("models"));
    m_addModel = new QPushButton(tr("Add model"), this);
    m_addModel->setObjectName(QStringLiteral("addModel"));
    m_removeModel = new QPushButton(tr("Remove model"), this);
    m_removeModel->setObjectName(QStringLiteral("removeModel"));
    m_readCap = new QPushButton(tr("Read cap from server"), this);
    m_readCap->setObjectName(QStringLiteral("readCap"));
    m_readCap->setToolTip(tr("Ask the server for the selected model's real context size."));
    auto *modelsBox = new QGroupBox(tr("Models"), this);
    auto *modelsLayout = new QVBoxLayout(modelsBox);
    modelsLayout->addWidget(m_models, 1);
    auto *modelButtons = new QHBoxLayout;
    modelButtons->addWidget(m_addModel);
    modelButtons->addWidget(m_removeModel);
    modelButtons->addWidget(m_readCap);
    modelButtons->addStretch(1);
    modelsLayout->addLayout(modelButtons);

    auto *right = new QVBoxLayout;
    auto *top = new QHBoxLayout;
    top->addWidget(connection, 1);
    auto *keyAndTest = new QVBoxLayout;
    keyAndTest->addWidget(keyBox);
    keyAndTest->addWidget(testBox);
    top->addLayout(keyAndTest, 1);
    right->addLayout(top);
    right->addWidget(modelsBox, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 0);
    columns->addLayout(right, 1);
    auto *outer = new QVBoxLayout(this);
    outer->addLayout(columns, 1);
    outer->addWidget(m_status);
    outer->addWidget(buttons);
    m_list->setMaximumWidth(280);

    connect(buttons, &QDialogButtonBox::accepted, this, &ProvidersDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_addProvider, &QPushButton::clicked, this, &ProvidersDialog::addProvider);
    connect(m_removeProvider, &QPushButton::clicked, this, &ProvidersDialog::removeProvider);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        if (QListWidgetItem *item = m_list->currentItem())
            item->setText(text.trimmed().isEmpty() ? currentProviderId() : text.trimmed());
    });
    // The default follows the URL (loopback or not) until the box is ticked by hand.
    connect(m_baseUrl, &QLineEdit::textEdited, this, &ProvidersDialog::showRedaction);
    connect(m_redactBox, &QCheckBox::clicked, this, [this](bool on) {
        if (m_current >= 0)
            m_redact.insert(m_providers[m_current].id, on);
        showRedaction();
    });
    connect(m_auth, &QComboBox::activated, this, [this] {
        commitForm();
        lookupKey();
    });
    connect(m_keyEnv, &QLineEdit::editingFinished, this, [this] {
        commitForm();
        lookupKey();
    });
    connect(m_key, &QLineEdit::textChanged, this, &ProvidersDialog::updateEnabled);
    connect(m_saveKey, &QPushButton::clicked, this, &ProvidersDialog::saveKey);
    connect(m_removeKey, &QPushButton::clicked, this, &ProvidersDialog::removeKey);
    connect(m_test, &QPushButton::clicked, this, &ProvidersDialog::testConnection);
    connect(m_served, &QListWidget::itemChanged, this, &ProvidersDialog::updateEnabled);
    connect(m_addServed, &QPushButton::clicked, this, &ProvidersDialog::addServedModels);
    connect(m_addModel, &QPushButton::clicked, this, &ProvidersDialog::addModel);
    connect(m_removeModel, &QPushButton::clicked, this, [this] {
        m_models->removeSelectedRows();
        updateEnabled();
    });
    connect(m_readCap, &QPushButton::clicked, this,
            [this] { readCap(m_models->currentModelId()); });
    connect(m_models, &QTableWidget::itemSelectionChanged, this, &ProvidersDialog::updateEnabled);
}

} // namespace reposcope::ui
