// SPDX-License-Identifier: MIT
// The secrets allow list: what it allows, its JSON (which never holds a secret), saving and
// loading (errors that name the file), the per-user file of a repository and the merge of
// the user's and the repository's lists.
#include "scratchrepo.h"
#include "secretsamples.h"
#include "security/secrets/allowlist.h"
#include "security/secrets/secretscanner.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope;
using security::secrets::AllowList;
using security::secrets::RuleSet;
using security::secrets::SecretHit;
using security::secrets::SecretScanner;

namespace {

const SecretScanner &scanner() {
    static const SecretScanner s(RuleSet::builtIn());
    return s;
}

// A real hit on a generated GitHub token in `path`.
SecretHit hitOn(const QByteArray &path, QByteArray *secret = nullptr, quint64 seed = 3) {
    test::secrets::SampleGenerator gen(seed);
    const QByteArray token = gen.githubToken("ghp_");
    if (secret)
        *secret = token;
    const QByteArray text = "GITHUB_TOKEN=" + token + "\n";
    const QList<SecretHit> hits = scanner().scan(QByteArrayView(text), path);
    EXPECT_EQ(hits.size(), 1);
    return hits.value(0);
}

void writeFile(const QString &path, const QByteArray &bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

TEST(AllowList, AllowsBySecretRuleOrFile) {
    const SecretHit hit = hitOn("ci/run.sh");
    ASSERT_EQ(hit.ruleId, QStringLiteral("github-pat"));
    AllowList list;
    EXPECT_TRUE(list.isEmpty());
    EXPECT_FALSE(list.allows(hit));

    list.allowSecret(hit.fingerprint);
    EXPECT_TRUE(list.allows(hit));
    // The same secret in another file has another fingerprint.
    EXPECT_FALSE(list.allows(hitOn("ci/other.sh")));
    // Another secret in the same file too.
    EXPECT_FALSE(list.allows(hitOn("ci/run.sh", nullptr, 4)));
    EXPECT_TRUE(list.removeSecret(hit.fingerprint));
    EXPECT_FALSE(list.removeSecret(hit.fingerprint));
    EXPECT_FALSE(list.allows(hit));

    list.allowRule(QStringLiteral("github-pat"));
    EXPECT_TRUE(list.allows(hitOn("anywhere.txt")));
    EXPECT_TRUE(list.removeRule(QStringLiteral("github-pat")));
    EXPECT_FALSE(list.allows(hit));

    list.allowFile("ci/run.sh");
    EXPECT_TRUE(list.allows(hit));
    EXPECT_FALSE(list.allows(hitOn("ci/other.sh")));
    EXPECT_TRUE(list.removeFile("ci/run.sh"));
    EXPECT_TRUE(list.isEmpty());
}

TEST(AllowList, JsonRoundTripsSortedAndNeverHoldsTheSecret) {
    QByteArray secret;
    const SecretHit hit = hitOn("ci/run.sh", &secret);
    AllowList list;
    list.allowSecret(hit.fingerprint);
    list.allowRule(QStringLiteral("jwt"));
    list.allowRule(QStringLiteral("aws-access-key-id"));
    list.allowFile("tests/fixtures/keys.txt");
    list.allowFile("docs/ä example.md");
    const QByteArray json = list.toJson();
    EXPECT_FALSE(json.contains(secret));
    EXPECT_FALSE(json.contains(secret.mid(4, 12)));
    EXPECT_TRUE(json.contains(hit.fingerprint));
    EXPECT_TRUE(json.contains("\"version\": 1"));
    const Result<AllowList> back = AllowList::fromJson(json);
    ASSERT_TRUE(back.ok()) << back.error().message.toStdString();
    EXPECT_EQ(*back, list);
    EXPECT_EQ(back->rules(),
              (QStringList{QStringLiteral("aws-access-key-id"), QStringLiteral("jwt")}));
    EXPECT_EQ(back->files(),
              (QList<QByteArray>{QByteArray("docs/ä example.md"), "tests/fixtures/keys.txt"}));
    EXPECT_TRUE(back->allows(hit));
}

TEST(AllowList, MalformedJsonIsAnErrorThatSaysWhat) {
    EXPECT_FALSE(AllowList::fromJson("{not json").ok());
    EXPECT_FALSE(AllowList::fromJson("[1,2]").ok());
    Result<AllowList> r = AllowList::fromJson(R"({"version":1,"secrets":["nothex"]})");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("fingerprint")))
        << r.error().message.toStdString();
    r = AllowList::fromJson(R"({"version":1,"rules":"jwt"})");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("\"rules\"")))
        << r.error().message.toStdString();
    r = AllowList::fromJson(R"({"version":7})");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(QStringLiteral("version 7")));
    // Fingerprints are hexadecimal in either case; stored in lower case.
    const SecretHit hit = hitOn("a.sh");
    r = AllowList::fromJson("{\"secrets\":[\"" + hit.fingerprint.toUpper() + "\"]}");
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    EXPECT_TRUE(r->allows(hit));
}

TEST(AllowList, SavesAtomicallyAndLoadsWithErrorsNamingTheFile) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("deep/er/allow.json"));
    // Missing: an empty list, not an error.
    Result<AllowList> loaded = AllowList::load(file);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->isEmpty());

    AllowList list;
    list.allowRule(QStringLiteral("jwt"));
    ASSERT_TRUE(list.save(file).ok()); // the folders are made
    loaded = AllowList::load(file);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(*loaded, list);
    // Nothing but the file is left in the folder (QSaveFile renamed its temporary).
    EXPECT_EQ(QDir(dir.filePath(QStringLiteral("deep/er"))).entryList(QDir::Files),
              QStringList{QStringLiteral("allow.json")});

    writeFile(file, "{\"rules\": [1]}");
    loaded = AllowList::load(file);
    ASSERT_FALSE(loaded.ok());
    EXPECT_TRUE(loaded.error().message.contains(QDir::toNativeSeparators(file)))
        << loaded.error().message.toStdString();
    EXPECT_TRUE(loaded.error().message.contains(QStringLiteral("correct it or remove it")));

    // A folder where the file should be: saving fails with a message, the folder stays.
    const QString blocked = dir.filePath(QStringLiteral("blocked.json"));
    ASSERT_TRUE(QDir().mkpath(blocked));
    const Result<Ok> saved = list.save(blocked);
    ASSERT_FALSE(saved.ok());
    EXPECT_TRUE(saved.error().message.contains(QDir::toNativeSeparators(blocked)));
}

TEST(AllowList, UserFileIsPerCanonicalRepositoryRoot) {
    test::ScratchRepo repo;
    const QString file = AllowList::userFileFor(repo.path());
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    EXPECT_TRUE(file.startsWith(base + QStringLiteral("/allowlists/"))) << file.toStdString();
    EXPECT_TRUE(file.endsWith(QStringLiteral(".json")));
    EXPECT_EQ(QFileInfo(file).completeBaseName().size(), 64); // SHA-256 hex
    EXPECT_EQ(AllowList::userFileFor(repo.path() + QStringLiteral("/")), file);
    EXPECT_EQ(AllowList::userFileFor(repo.path() + QStringLiteral("/sub/..")), file);
    QTemporaryDir links;
    const QString link = links.filePath(QStringLiteral("link"));
    ASSERT_TRUE(QFile::link(repo.path(), link));
    EXPECT_EQ(AllowList::userFileFor(link), file);
    test::ScratchRepo other;
    EXPECT_NE(AllowList::userFileFor(other.path()), file);
    EXPECT_EQ(AllowList::repositoryFile(repo.path()),
              repo.path() + QStringLiteral("/.reposcope/secrets-allow.json"));
}

TEST(AllowList, LoadForMergesTheUsersAndTheRepositorysLists) {
    test::ScratchRepo repo;
    AllowList user;
    user.allowRule(QStringLiteral("jwt"));
    ASSERT_TRUE(user.save(AllowList::userFileFor(repo.path())).ok());
    repo.write(QStringLiteral(".reposcope/secrets-allow.json"),
               R"({"version":1,"files":["tests/fixtures/token.txt"]})");
    QStringList warnings;
    AllowList merged = AllowList::loadFor(repo.path(), &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(u'\n').toStdString();
    EXPECT_EQ(merged.rules(), QStringList{QStringLiteral("jwt")});
    EXPECT_EQ(merged.files(), QList<QByteArray>{"tests/fixtures/token.txt"});

    // A broken repository list is a warning naming it; the user's list still applies.
    repo.write(QStringLiteral(".reposcope/secrets-allow.json"), "{oops");
    merged = AllowList::loadFor(repo.path(), &warnings);
    ASSERT_EQ(warnings.size(), 1);
    EXPECT_TRUE(warnings[0].contains(QStringLiteral("secrets-allow.json")))
        << warnings[0].toStdString();
    EXPECT_EQ(merged.rules(), QStringList{QStringLiteral("jwt")});
    EXPECT_TRUE(merged.files().isEmpty());
    QFile::remove(AllowList::userFileFor(repo.path()));
}
