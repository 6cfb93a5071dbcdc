// SPDX-License-Identifier: MIT
// ProvidersDialog: the provider list and form, the API key (masked, its source, saved to
// and removed from a keychain), Test connection against a real loopback server without
// blocking, adding served models with their real caps, and saving the user catalog.
#include "llm/client/chatrequest.h"
#include "scriptedserver.h"
#include "settings/providersdialog.h"
#include "settings/providersdialogmodels.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

using namespace reposcope;
using reposcope::test::ScriptedResponse;
using reposcope::test::ScriptedServer;

namespace {

// An in-memory keychain answering on the next event-loop turn.
class MemoryKeychain final : public security::SecretBackend {
public:
    explicit MemoryKeychain(QHash<QString, QString> *entries)
        : m_entries(entries) {}
    void read(const QString &key, QObject *context, Done done) override {
        Outcome o;
        o.status = m_entries->contains(key) ? Outcome::Status::Ok : Outcome::Status::NotFound;
        o.secret = m_entries->value(key);
        answer(context, std::move(done), o);
    }
    void write(const QString &key, const QString &secret, QObject *context, Done done) override {
        m_entries->insert(key, secret);
        answer(context, std::move(done), {Outcome::Status::Ok, QString(), QString()});
    }
    void remove(const QString &key, QObject *context, Done done) override {
        const bool had = m_entries->remove(key) > 0;
        answer(context, std::move(done),
               {had ? Outcome::Status::Ok : Outcome::Status::NotFound, QString(), QString()});
    }

private:
    static void answer(QObject *context, Done done, const Outcome &o) {
        QTimer::singleShot(0, context, [done = std::move(done), o] { done(o); });
    }
    QHash<QString, QString> *m_entries;
};

class ProvidersDialogTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        ASSERT_TRUE(m_server.isListening());
        m_catalog = llm::ModelCatalog::load(QString(), nullptr);
        m_userFile = m_dir.path() + QStringLiteral("/catalog.json");
        m_dialog = std::make_unique<ui::ProvidersDialog>(
            ui::ProvidersDialogServices{&m_catalog, &m_keys, &m_network, m_userFile});
        // The first provider's key lookup is under way; let it land.
        waitForKey(m_dialog->currentProviderId());
    }
    void TearDown() override { m_dialog.reset(); }

    template <typename T> T *child(const char *name) {
        T *w = m_dialog->findChild<T *>(QLatin1String(name));
        EXPECT_NE(w, nullptr) << name;
        return w;
    }
    void select(const QString &id) {
        if (m_dialog->currentProviderId() == id)
            return;
        QSignalSpy shown(m_dialog.get(), &ui::ProvidersDialog::keyShown);
        m_dialog->selectProvider(id);
        ASSERT_EQ(m_dialog->currentProviderId(), id);
        if (shown.isEmpty()) {
            ASSERT_TRUE(shown.wait());
        }
    }
    void waitForKey(const QString &id) {
        QSignalSpy shown(m_dialog.get(), &ui::ProvidersDialog::keyShown);
        ASSERT_TRUE(shown.wait());
        EXPECT_EQ(shown.last().first().toString(), id);
    }
    // Points the shown provider at the loopback server.
    void pointAtServer(const QString &path = QStringLiteral("/v1")) {
        auto *url = child<QLineEdit>("baseUrl");
        url->setText(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.port()).arg(path));
    }
    ui::ProviderModelsTable *table() { return child<ui::ProviderModelsTable>("models"); }
    QJsonObject savedFile() {
        QFile f(m_userFile);
        EXPECT_TRUE(f.open(QIODevice::ReadOnly));
        return QJsonDocument::fromJson(f.readAll()).object();
    }

    QTemporaryDir m_dir;
    QString m_userFile;
    ScriptedServer m_server;
    QNetworkAccessManager m_network;
    QHash<QString, QString> m_keychain;
    security::ApiKeyStore m_keys{std::make_unique<MemoryKeychain>(&m_keychain)};
    llm::ModelCatalog m_catalog;
    std::unique_ptr<ui::ProvidersDialog> m_dialog;
};

} // namespace

TEST_F(ProvidersDialogTest, ListsProvidersAndShowsTheChosenOne) {
    auto *list = child<QListWidget>("providerList");
    ASSERT_EQ(list->count(), m_catalog.providers().size());
    EXPECT_EQ(list->item(0)->text(), m_catalog.providers().first().name);
    select(QStringLiteral("groq"));
    EXPECT_EQ(child<QLineEdit>("name")->text(), QStringLiteral("Groq"));
    EXPECT_EQ(child<QLineEdit>("baseUrl")->text(),
              QStringLiteral("https://api.groq.com/openai/v1"));
    EXPECT_EQ(child<QComboBox>("auth")->currentData().toString(), QStringLiteral("bearer"));
    EXPECT_EQ(child<QLineEdit>("keyEnv")->text(), QStringLiteral("GROQ_API_KEY"));
    EXPECT_EQ(table()->rowCount(), m_catalog.provider(QStringLiteral("groq"))->models.size());
    EXPECT_FALSE(child<QPushButton>("removeProvider")->isEnabled()) << "built-in";

    select(QStringLiteral("ollama"));
    EXPECT_EQ(child<QComboBox>("auth")->currentData().toString(), QStringLiteral("none"));
    EXPECT_FALSE(child<QLineEdit>("apiKey")->isEnabled());
    EXPECT_TRUE(child<QLabel>("keySource")->text().contains(QStringLiteral("no key")));
}

TEST_F(ProvidersDialogTest, StoredKeyIsShownMaskedWithItsSource) {
    const QString key = QStringLiteral("sk-or-v1-abcdefghijklmnop_9876");
    m_keychain.insert(QStringLiteral("provider/openrouter"), key);
    select(QStringLiteral("openrouter"));
    auto *field = child<QLineEdit>("apiKey");
    EXPECT_EQ(field->echoMode(), QLineEdit::Password);
    EXPECT_TRUE(field->text().isEmpty()) << "the stored key is never put into the field";
    const QString source = child<QLabel>("keySource")->text();
    EXPECT_TRUE(source.contains(QStringLiteral("keychain"))) << source.toStdString();
    EXPECT_TRUE(source.contains(llm::maskKey(key))) << source.toStdString();
    EXPECT_FALSE(source.contains(key));
    EXPECT_TRUE(field->placeholderText().contains(llm::maskKey(key)));
    EXPECT_FALSE(field->placeholderText().contains(key));
    EXPECT_TRUE(child<QPushButton>("removeKey")->isEnabled());

    qputenv("RS_DIALOG_TEST_KEY", "env-key-0123456789abcdef");
    select(QStringLiteral("together"));
    child<QLineEdit>("keyEnv")->setText(QStringLiteral("RS_DIALOG_TEST_KEY"));
    QSignalSpy shown(m_dialog.get(), &ui::ProvidersDialog::keyShown);
    Q_EMIT child<QLineEdit>("keyEnv")->editingFinished();
    ASSERT_TRUE(shown.wait());
    const QString fromEnv = child<QLabel>("keySource")->text();
    EXPECT_TRUE(fromEnv.contains(QStringLiteral("environment variable RS_DIALOG_TEST_KEY")))
        << fromEnv.toStdString();
    EXPECT_FALSE(child<QPushButton>("removeKey")->isEnabled()) << "nothing in the keychain";
    qunsetenv("RS_DIALOG_TEST_KEY");
}

TEST_F(ProvidersDialogTest, SavesAndRemovesTheKeyInTheKeychain) {
    select(QStringLiteral("fireworks"));
    auto *field = child<QLineEdit>("apiKey");
    auto *saveKey = child<QPushButton>("saveKey");
    EXPECT_FALSE(saveKey->isEnabled()) << "nothing typed";
    field->setText(QStringLiteral("  fw_secret_key_123456  "));
    ASSERT_TRUE(saveKey->isEnabled());
    QSignalSpy shown(m_dialog.get(), &ui::ProvidersDialog::keyShown);
    saveKey->click();
    ASSERT_TRUE(shown.wait());
    EXPECT_EQ(m_keychain.value(QStringLiteral("provider/fireworks")),
              QStringLiteral("fw_secret_key_123456"));
    EXPECT_TRUE(field->text().isEmpty());
    EXPECT_TRUE(child<QLabel>("keySource")->text().contains(QStringLiteral("keychain")));
    ASSERT_TRUE(child<QPushButton>("removeKey")->isEnabled());
    child<QPushButton>("removeKey")->click();
    ASSERT_TRUE(shown.wait());
    EXPECT_FALSE(m_keychain.contains(QStringLiteral("provider/fireworks")));
    EXPECT_TRUE(child<QLabel>("keySource")->text().contains(QStringLiteral("No key set")));
}

TEST_F(ProvidersDialogTest, TestConnectionRunsWithoutBlockingAndAddsServedModels) {
    m_keychain.insert(QStringLiteral("provider/llama-server"), QStringLiteral("llama-key-1234567"));
    select(QStringLiteral("llama-server"));
    pointAtServer();
    m_server.enqueue(
        ScriptedResponse::json(
            200, R"({"object": "list", "data": [{"id": "default"}, {"id": "qwen3-32b"}]})")
            .delayHead(50));
    QSignalSpy tested(m_dialog.get(), &ui::ProvidersDialog::connectionTested);
    child<QPushButton>("testConnection")->click();
    // The click returned before the server answered: the UI thread was not blocked.
    EXPECT_TRUE(tested.isEmpty());
    EXPECT_TRUE(m_dialog->isTesting());
    EXPECT_FALSE(child<QProgressBar>("busy")->isHidden());
    EXPECT_FALSE(child<QPushButton>("testConnection")->isEnabled());
    ASSERT_TRUE(tested.wait());
    EXPECT_TRUE(tested.first().first().toBool());
    EXPECT_TRUE(child<QProgressBar>("busy")->isHidden());
    EXPECT_EQ(m_server.requests().first().target, QByteArray("/v1/models"));
    EXPECT_EQ(m_server.requests().first().header("Authorization"),
              QByteArray("Bearer llama-key-1234567"));

    auto *served = child<QListWidget>("servedModels");
    ASSERT_EQ(served->count(), 2);
    EXPECT_FALSE(served->item(0)->flags() & Qt::ItemIsEnabled) << "\"default\" is in the table";
    EXPECT_EQ(served->item(1)->checkState(), Qt::Checked);
    ASSERT_TRUE(child<QPushButton>("addServedModels")->isEnabled());

    // Adding reads the real cap from llama-server's /props.
    m_server.enqueue(ScriptedResponse::json(
        200,
        R"({"default_generation_settings": {"n_ctx": 40960}, "modalities": {"vision": false}})"));
    QSignalSpy capped(m_dialog.get(), &ui::ProvidersDialog::contextCapApplied);
    const int rowsBefore = table()->rowCount();
    child<QPushButton>("addServedModels")->click();
    ASSERT_EQ(table()->rowCount(), rowsBefore + 1);
    ASSERT_TRUE(capped.wait());
    EXPECT_EQ(capped.first().at(0).toString(), QStringLiteral("qwen3-32b"));
    EXPECT_EQ(capped.first().at(1).toLongLong(), 40960);
    EXPECT_EQ(m_server.requests().last().target, QByteArray("/props"));
    const QList<llm::ModelEntry> models = table()->models();
    EXPECT_EQ(models.last().id, QStringLiteral("qwen3-32b"));
    EXPECT_EQ(models.last().contextTokens, 40960);
    EXPECT_FALSE(child<QPushButton>("addServedModels")->isEnabled());
}

TEST_F(ProvidersDialogTest, TestConnectionErrorIsShown) {
    const QString typed = QStringLiteral("sk-wrong-key-000000000");
    select(QStringLiteral("vllm"));
    pointAtServer();
    child<QLineEdit>("apiKey")->setText(typed); // a typed key is tried before saving
    m_server.enqueue(ScriptedResponse::json(401, R"({"error": {"message": "bad key"}})"));
    QSignalSpy tested(m_dialog.get(), &ui::ProvidersDialog::connectionTested);
    child<QPushButton>("testConnection")->click();
    ASSERT_TRUE(tested.wait());
    EXPECT_FALSE(tested.first().first().toBool());
    EXPECT_EQ(m_server.requests().first().header("Authorization"), "Bearer " + typed.toUtf8());
    const QString status = child<QLabel>("testStatus")->text();
    EXPECT_FALSE(status.isEmpty());
    EXPECT_FALSE(status.contains(typed));
    EXPECT_EQ(child<QListWidget>("servedModels")->count(), 0);
    EXPECT_TRUE(child<QPushButton>("testConnection")->isEnabled());
    EXPECT_FALSE(m_dialog->isTesting());
}

TEST_F(ProvidersDialogTest, AddsACustomProviderAndSavesOnlyTheChanges) {
    const int before = child<QListWidget>("providerList")->count();
    QSignalSpy shown(m_dialog.get(), &ui::ProvidersDialog::keyShown);
    child<QPushButton>("addProvider")->click();
    ASSERT_TRUE(shown.wait());
    EXPECT_EQ(child<QListWidget>("providerList")->count(), before + 1);
    EXPECT_TRUE(child<QPushButton>("removeProvider")->isEnabled());
    const QString id = m_dialog->currentProviderId();
    EXPECT_TRUE(id.startsWith(QStringLiteral("custom-"))) << id.toStdString();
    child<QLineEdit>("name")->setText(QStringLiteral("GPU box"));
    child<QLineEdit>("baseUrl")->setText(QStringLiteral("http://gpu-box:8000/v1"));
    child<QLineEdit>("keyEnv")->setText(QStringLiteral("GPU_BOX_KEY"));
    child<QLineEdit>("apiKey")->setText(QStringLiteral("typed-but-never-saved-42"));
    child<QPushButton>("addModel")->click();
    auto *models = table();
    ASSERT_EQ(models->rowCount(), 1);
    models->item(0, ui::ProviderModelsTable::Id)->setText(QStringLiteral("scout-1m"));
    models->item(0, ui::ProviderModelsTable::Context)->setData(Qt::EditRole, 1048576);
    models->item(0, ui::ProviderModelsTable::InputPrice)->setText(QStringLiteral("0.5"));
    models->item(0, ui::ProviderModelsTable::Vision)->setCheckState(Qt::Checked);

    QSignalSpy saved(m_dialog.get(), &ui::ProvidersDialog::catalogSaved);
    child<QDialogButtonBox>("buttons")->button(QDialogButtonBox::Save)->click();
    ASSERT_EQ(saved.size(), 1) << child<QLabel>("status")->text().toStdString();
    EXPECT_EQ(m_dialog->result(), QDialog::Accepted);

    const llm::ProviderEntry *added = m_catalog.provider(id);
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->name, QStringLiteral("GPU box"));
    EXPECT_EQ(added->kind, QStringLiteral("custom"));
    EXPECT_EQ(added->keyEnv, QStringLiteral("GPU_BOX_KEY"));
    const llm::ModelEntry *m = m_catalog.model(id, QStringLiteral("scout-1m"));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->contextTokens, 1048576);
    EXPECT_DOUBLE_EQ(m->inputPerMillion.value_or(-1), 0.5);
    EXPECT_FALSE(m->outputPerMillion.has_value());
    EXPECT_TRUE(m->vision);

    QFile f(m_userFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    EXPECT_FALSE(text.contains("typed-but-never-saved-42")) << "no key in the catalog file";
    const QJsonArray providers =
        QJsonDocument::fromJson(text).object().value(QLatin1String("providers")).toArray();
    ASSERT_EQ(providers.size(), 1) << "built-in providers are unchanged and not written";
    EXPECT_EQ(providers[0].toObject().value(QLatin1String("id")).toString(), id);
    // What was saved loads again.
    QStringList warnings;
    const llm::ModelCatalog back = llm::ModelCatalog::load(m_userFile, &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    ASSERT_NE(back.provider(id), nullptr);
    EXPECT_EQ(*back.provider(id), *added);
}

TEST_F(ProvidersDialogTest, InvalidInputBlocksSaveAndSaysWhy) {
    select(QStringLiteral("vllm"));
    child<QLineEdit>("baseUrl")->setText(QStringLiteral("ftp://nope/v1"));
    QSignalSpy saved(m_dialog.get(), &ui::ProvidersDialog::catalogSaved);
    auto *save = child<QDialogButtonBox>("buttons")->button(QDialogButtonBox::Save);
    save->click();
    EXPECT_TRUE(saved.isEmpty());
    EXPECT_TRUE(child<QLabel>("status")->text().contains(QStringLiteral("baseUrl")))
        << child<QLabel>("status")->text().toStdString();
    EXPECT_FALSE(QFile::exists(m_userFile));

    child<QLineEdit>("baseUrl")->setText(QStringLiteral("http://10.0.0.5:8000/v1"));
    table()->item(0, ui::ProviderModelsTable::OutputPrice)->setText(QStringLiteral("cheap"));
    save->click();
    EXPECT_TRUE(saved.isEmpty());
    EXPECT_TRUE(child<QLabel>("status")->text().contains(QStringLiteral("cheap")));

    table()->item(0, ui::ProviderModelsTable::OutputPrice)->setText(QStringLiteral("0"));
    save->click();
    ASSERT_EQ(saved.size(), 1) << child<QLabel>("status")->text().toStdString();
    const QJsonArray providers = savedFile().value(QLatin1String("providers")).toArray();
    ASSERT_EQ(providers.size(), 1);
    const QJsonObject vllm = providers[0].toObject();
    EXPECT_EQ(vllm.value(QLatin1String("baseUrl")).toString(),
              QStringLiteral("http://10.0.0.5:8000/v1"));
    EXPECT_EQ(vllm.keys(), (QStringList{QStringLiteral("baseUrl"), QStringLiteral("id")}))
        << "only what changed";
}
