// SPDX-License-Identifier: MIT
// Settings ▸ Providers ▸ "Redact secrets before sending": on by default for cloud providers
// and servers elsewhere, off (warn only) for loopback servers and the local engine; the
// default follows the URL being typed; a remote provider can be turned off only with a
// warning; Save stores the choice per provider id, Cancel stores nothing.
#include "llm/catalog/redactiondefault.h"
#include "security/apikeystore.h"
#include "settings/providersdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

using namespace reposcope;

namespace {

// An empty in-memory keychain answering on the next event-loop turn.
class EmptyKeychain final : public security::SecretBackend {
public:
    void read(const QString &, QObject *context, Done done) override { answer(context, done); }
    void write(const QString &, const QString &, QObject *context, Done done) override {
        answer(context, done);
    }
    void remove(const QString &, QObject *context, Done done) override { answer(context, done); }

private:
    static void answer(QObject *context, Done done) {
        QTimer::singleShot(0, context, [done = std::move(done)] {
            done({Outcome::Status::NotFound, QString(), QString()});
        });
    }
};

void setUserSettingsPath(const QString &path) {
    for (QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
        QSettings::setPath(format, QSettings::UserScope, path);
}

class ProvidersRedactionTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        setUserSettingsPath(m_dir.path());
        ASSERT_TRUE(QSettings().fileName().startsWith(m_dir.path()));
        m_catalog = llm::ModelCatalog::load(QString(), nullptr);
        open();
    }
    void TearDown() override {
        m_dialog.reset();
        setUserSettingsPath(
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));
    }
    void open() {
        m_dialog = std::make_unique<ui::ProvidersDialog>(ui::ProvidersDialogServices{
            &m_catalog, &m_keys, &m_network, m_dir.path() + QStringLiteral("/catalog.json")});
        m_dialog->show();
    }
    template <typename T> T *child(const char *name) {
        T *w = m_dialog->findChild<T *>(QLatin1String(name));
        EXPECT_NE(w, nullptr) << name;
        return w;
    }
    QCheckBox *box() { return child<QCheckBox>("redactSecrets"); }
    QString note() { return child<QLabel>("redactNote")->text(); }
    void typeUrl(const QString &url) {
        auto *edit = child<QLineEdit>("baseUrl");
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Delete);
        QTest::keyClicks(edit, url);
    }
    void save() { child<QDialogButtonBox>("buttons")->button(QDialogButtonBox::Save)->click(); }

    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    security::ApiKeyStore m_keys{std::make_unique<EmptyKeychain>()};
    llm::ModelCatalog m_catalog;
    std::unique_ptr<ui::ProvidersDialog> m_dialog;
};

} // namespace

TEST_F(ProvidersRedactionTest, CloudProvidersRedactAndTurningOffWarns) {
    m_dialog->selectProvider(QStringLiteral("groq"));
    ASSERT_TRUE(box()->isChecked());
    EXPECT_FALSE(note().contains(QStringLiteral("Warning")));
    QTest::mouseClick(box(), Qt::LeftButton, {}, QPoint(4, box()->height() / 2));
    EXPECT_FALSE(box()->isChecked());
    EXPECT_TRUE(note().startsWith(QStringLiteral("Warning"))) << note().toStdString();
    EXPECT_TRUE(note().contains(QStringLiteral("Groq")));
    save();
    EXPECT_EQ(llm::storedRedaction(QStringLiteral("groq")), std::optional<bool>(false));
    // Other providers keep their default, with nothing stored.
    EXPECT_FALSE(llm::storedRedaction(QStringLiteral("openrouter")).has_value());

    open(); // the choice shows again
    m_dialog->selectProvider(QStringLiteral("groq"));
    EXPECT_FALSE(box()->isChecked());
    EXPECT_TRUE(note().startsWith(QStringLiteral("Warning")));
    box()->click(); // back on: the default again, so the key goes
    save();
    EXPECT_FALSE(llm::storedRedaction(QStringLiteral("groq")).has_value());
}

TEST_F(ProvidersRedactionTest, LoopbackServersWarnOnlyUntilTurnedOn) {
    m_dialog->selectProvider(QStringLiteral("llama-server"));
    ASSERT_TRUE(
        QUrl(child<QLineEdit>("baseUrl")->text()).host().startsWith(QLatin1String("127.")) ||
        QUrl(child<QLineEdit>("baseUrl")->text()).host() == QLatin1String("localhost"));
    EXPECT_FALSE(box()->isChecked());
    EXPECT_TRUE(note().contains(QStringLiteral("sent as they are")));
    EXPECT_FALSE(note().startsWith(QStringLiteral("Warning")));
    box()->click();
    EXPECT_TRUE(box()->isChecked());
    save();
    EXPECT_EQ(llm::storedRedaction(QStringLiteral("llama-server")), std::optional<bool>(true));

    m_dialog->selectProvider(QStringLiteral("local"));
    EXPECT_FALSE(box()->isChecked());
}

TEST_F(ProvidersRedactionTest, TheDefaultFollowsTheUrlBeingTyped) {
    m_dialog->selectProvider(QStringLiteral("vllm"));
    typeUrl(QStringLiteral("http://127.0.0.1:8000/v1"));
    EXPECT_FALSE(box()->isChecked());
    typeUrl(QStringLiteral("http://10.1.2.3:8000/v1"));
    EXPECT_TRUE(box()->isChecked());
    typeUrl(QStringLiteral("http://[::1]:8000/v1"));
    EXPECT_FALSE(box()->isChecked());
    // Once ticked by hand, the choice stays whatever the URL.
    box()->click();
    typeUrl(QStringLiteral("http://localhost:8000/v1"));
    EXPECT_TRUE(box()->isChecked());
}

TEST_F(ProvidersRedactionTest, CancelStoresNothing) {
    m_dialog->selectProvider(QStringLiteral("openrouter"));
    box()->click();
    ASSERT_FALSE(box()->isChecked());
    child<QDialogButtonBox>("buttons")->button(QDialogButtonBox::Cancel)->click();
    EXPECT_FALSE(llm::storedRedaction(QStringLiteral("openrouter")).has_value());
}
