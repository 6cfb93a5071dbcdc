// SPDX-License-Identifier: MIT
// The triage store: verdicts survive a restart, a damaged file is reported and left alone,
// and each repository gets its own file.
#include "findings/triage.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::findings;

namespace {

QByteArray readAll(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

TEST(TriageStore, NamesRoundTrip) {
    for (const TriageState state : {TriageState::Untriaged, TriageState::Confirmed,
                                    TriageState::FalsePositive, TriageState::Fixed})
        EXPECT_EQ(parseTriage(triageName(state)), state);
    EXPECT_EQ(triageName(TriageState::FalsePositive), QStringLiteral("false-positive"));
    EXPECT_EQ(parseTriage(u"FIXED"), TriageState::Fixed);
    EXPECT_FALSE(parseTriage(u"maybe").has_value());
}

TEST(TriageStore, SurvivesARestart) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("sub/dir/triage.json"));
    const QDateTime when = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 10), Qt::UTC);
    {
        TriageStore store(file);
        store.setRepositoryRoot(QStringLiteral("/src/project"));
        store.set(QStringLiteral("aaa"),
                  {TriageState::Confirmed, QStringLiteral("real, fix it"), when});
        store.set(QStringLiteral("bbb"),
                  {TriageState::FalsePositive, QStringLiteral("input is a constant — “safe”"), {}});
        store.set(QStringLiteral("ccc"), {TriageState::Fixed, QString(), {}});
        ASSERT_TRUE(store.save()) << store.save().error().message.toStdString();
    }
    TriageStore again(file);
    const auto loaded = again.load();
    ASSERT_TRUE(loaded) << loaded.error().message.toStdString();
    EXPECT_EQ(again.size(), 3);
    EXPECT_EQ(again.repositoryRoot(), QStringLiteral("/src/project"));
    const Triage a = again.get(QStringLiteral("aaa"));
    EXPECT_EQ(a.state, TriageState::Confirmed);
    EXPECT_EQ(a.note, QStringLiteral("real, fix it"));
    EXPECT_EQ(a.updated, when);
    const Triage b = again.get(QStringLiteral("bbb"));
    EXPECT_EQ(b.state, TriageState::FalsePositive);
    EXPECT_EQ(b.note, QStringLiteral("input is a constant — “safe”"));
    EXPECT_TRUE(b.updated.isValid()); // stamped when set
    EXPECT_EQ(again.get(QStringLiteral("ccc")).state, TriageState::Fixed);
    EXPECT_EQ(again.get(QStringLiteral("unknown")).state, TriageState::Untriaged);
    // No temporary file is left next to the store.
    EXPECT_EQ(QDir(dir.filePath(QStringLiteral("sub/dir"))).entryList(QDir::Files),
              QStringList{QStringLiteral("triage.json")});
}

TEST(TriageStore, UntriagedWithoutNoteRemovesTheEntry) {
    QTemporaryDir dir;
    TriageStore store(dir.filePath(QStringLiteral("t.json")));
    store.set(QStringLiteral("a"), {TriageState::Confirmed, {}, {}});
    store.set(QStringLiteral("b"), {TriageState::Untriaged, QStringLiteral("look later"), {}});
    EXPECT_EQ(store.size(), 2);
    store.set(QStringLiteral("a"), {});
    EXPECT_EQ(store.size(), 1);
    ASSERT_TRUE(store.save());
    TriageStore again(store.path());
    ASSERT_TRUE(again.load());
    EXPECT_EQ(again.size(), 1);
    EXPECT_EQ(again.get(QStringLiteral("b")).note, QStringLiteral("look later"));
}

TEST(TriageStore, MissingFileIsAnEmptyStore) {
    QTemporaryDir dir;
    TriageStore store(dir.filePath(QStringLiteral("none.json")));
    EXPECT_TRUE(store.load());
    EXPECT_EQ(store.size(), 0);
}

TEST(TriageStore, DamagedFileIsReportedAndLeftUntouched) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("triage.json"));
    const QList<QPair<QByteArray, QString>> cases{
        {"{\"version\":1,\"entries\":{\"a\":{\"state\":\"confirmed\"}", QStringLiteral("not JSON")},
        {"[1,2]", QStringLiteral("\"entries\"")},
        {"{\"version\":7,\"entries\":{}}", QStringLiteral("version 7")},
        {"{\"version\":1,\"entries\":{\"a\":{\"state\":\"maybe\"}}}", QStringLiteral("maybe")},
        {"{\"version\":1,\"entries\":{\"a\":3}}", QStringLiteral("not an object")},
    };
    for (const auto &[bytes, what] : cases) {
        writeAll(file, bytes);
        TriageStore store(file);
        store.set(QStringLiteral("stale"), {TriageState::Fixed, {}, {}});
        const auto loaded = store.load();
        ASSERT_FALSE(loaded) << bytes.constData();
        const QString message = loaded.error().message;
        EXPECT_TRUE(message.contains(QDir::toNativeSeparators(file))) << message.toStdString();
        EXPECT_TRUE(message.contains(what)) << message.toStdString();
        EXPECT_EQ(store.size(), 0) << bytes.constData();
        EXPECT_EQ(readAll(file), bytes);
    }
}

TEST(TriageStore, SaveFailureIsAnError) {
    QTemporaryDir dir;
    writeAll(dir.filePath(QStringLiteral("plain")), "a file, not a folder");
    TriageStore store(dir.filePath(QStringLiteral("plain/triage.json")));
    store.set(QStringLiteral("a"), {TriageState::Confirmed, {}, {}});
    const auto saved = store.save();
    ASSERT_FALSE(saved);
    EXPECT_TRUE(saved.error().message.contains(QStringLiteral("triage.json")));
}

TEST(TriageStore, OneFilePerRepositoryUnderAppData) {
    QTemporaryDir a;
    QTemporaryDir b;
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString pathA = TriageStore::defaultPathFor(a.path());
    EXPECT_TRUE(pathA.startsWith(base + QStringLiteral("/triage/"))) << pathA.toStdString();
    EXPECT_TRUE(pathA.endsWith(QStringLiteral(".json")));
    EXPECT_NE(pathA, TriageStore::defaultPathFor(b.path()));
    // The same folder spelled differently is the same repository.
    EXPECT_EQ(pathA, TriageStore::defaultPathFor(a.path() + QStringLiteral("/")));
    EXPECT_EQ(pathA, TriageStore::defaultPathFor(a.path() + QStringLiteral("/./")));
    ASSERT_TRUE(QFile::link(a.path(), b.filePath(QStringLiteral("alias"))));
    EXPECT_EQ(pathA, TriageStore::defaultPathFor(b.filePath(QStringLiteral("alias"))));

    TriageStore store = TriageStore::forRepository(a.path());
    EXPECT_EQ(store.path(), pathA);
    store.set(QStringLiteral("f"), {TriageState::Confirmed, {}, {}});
    ASSERT_TRUE(store.save());
    const QJsonObject json = QJsonDocument::fromJson(readAll(pathA)).object();
    EXPECT_EQ(json.value(QStringLiteral("repositoryRoot")).toString(),
              QFileInfo(a.path()).canonicalFilePath());
    QFile::remove(pathA);
}
