// SPDX-License-Identifier: MIT
// TaskTemplates: the built-in audit tasks, the user's overrides and additions, saving.
#include "prompt/tasktemplates.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::prompt;

namespace {

QString writeFile(const QTemporaryDir &dir, const QByteArray &content) {
    const QString path = dir.path() + QStringLiteral("/tasks.json");
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    return path;
}

QStringList ids(const TaskTemplates &t) {
    QStringList out;
    for (const TaskTemplate &task : t.templates())
        out << task.id;
    return out;
}

const QStringList kBuiltInIds{
    QStringLiteral("security-review"),      QStringLiteral("architecture-overview"),
    QStringLiteral("technical-debt"),       QStringLiteral("api-contract"),
    QStringLiteral("compliance-checklist"), QStringLiteral("onboarding-guide"),
    QStringLiteral("migration-plan")};

} // namespace

TEST(TaskTemplates, BuiltInTasksAskForCitedFindings) {
    QStringList warnings;
    const TaskTemplates tasks = TaskTemplates::load(QString(), &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(ids(tasks), kBuiltInIds);
    for (const TaskTemplate &t : tasks.templates()) {
        const std::string id = t.id.toStdString();
        EXPECT_FALSE(t.title.isEmpty()) << id;
        EXPECT_FALSE(t.description.isEmpty()) << id;
        EXPECT_TRUE(t.prompt.contains(QLatin1String(TaskTemplates::kFindingsPlaceholder))) << id;
        const QString prompt = tasks.promptFor(t);
        EXPECT_FALSE(prompt.contains(QLatin1String(TaskTemplates::kFindingsPlaceholder))) << id;
        EXPECT_TRUE(prompt.contains(
            QStringLiteral("- [SEVERITY] Title — path:line — \"quote\" — explanation")))
            << id;
        EXPECT_TRUE(prompt.contains(QStringLiteral("CRITICAL, HIGH, MEDIUM, LOW, INFO"))) << id;
        EXPECT_TRUE(prompt.contains(QStringLiteral("path:40-52"))) << "ranges too: " << id;
        EXPECT_TRUE(tasks.isBuiltIn(t.id));
        EXPECT_FALSE(tasks.isModified(t.id));
    }
    const QString security = tasks.promptFor(QStringLiteral("security-review"));
    EXPECT_TRUE(security.contains(QStringLiteral("every SQL injection")));
    EXPECT_TRUE(security.contains(QStringLiteral("data flow")));
    EXPECT_TRUE(tasks.promptFor(QStringLiteral("technical-debt"))
                    .contains(QStringLiteral("file locations")));
    const QString api = tasks.promptFor(QStringLiteral("api-contract"));
    EXPECT_TRUE(api.contains(QStringLiteral("client")) && api.contains(QStringLiteral("handler")));
    EXPECT_TRUE(tasks.promptFor(QStringLiteral("nope")).isEmpty());
    EXPECT_EQ(tasks.find(QStringLiteral("nope")), nullptr);
}

TEST(TaskTemplates, UserFileOverridesByIdAndAddsTasks) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, R"({
        "findingsFormat": "One finding per line: SEV path:line quote.",
        "tasks": [
            {"id": "security-review", "title": "Security, ours"},
            {"id": "perf-review", "title": "Performance", "prompt": "Find hot loops. {findings_format}"}
        ]})");
    QStringList warnings;
    const TaskTemplates tasks = TaskTemplates::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(ids(tasks), kBuiltInIds + QStringList{QStringLiteral("perf-review")});
    const TaskTemplate *security = tasks.find(QStringLiteral("security-review"));
    ASSERT_NE(security, nullptr);
    EXPECT_EQ(security->title, QStringLiteral("Security, ours"));
    EXPECT_TRUE(security->prompt.contains(QStringLiteral("SQL injection"))) << "prompt kept";
    EXPECT_TRUE(tasks.isModified(QStringLiteral("security-review")));
    EXPECT_FALSE(tasks.isModified(QStringLiteral("technical-debt")));
    EXPECT_FALSE(tasks.isBuiltIn(QStringLiteral("perf-review")));
    EXPECT_EQ(tasks.promptFor(QStringLiteral("perf-review")),
              QStringLiteral("Find hot loops. One finding per line: SEV path:line quote."));
}

TEST(TaskTemplates, BrokenUserFileWarnsAndKeepsTheBuiltIns) {
    QTemporaryDir dir;
    const QList<QByteArray> broken{
        "{ nope",
        R"([])",
        R"({"tasks": {"id": "x"}})",
        R"({"tasks": [{"id": "Bad Id", "title": "t", "prompt": "p"}]})",
        R"({"tasks": [{"id": "new-one", "title": "No prompt"}]})",
        R"({"tasks": [{"id": "security-review", "prompt": "  "}]})",
        R"({"tasks": [{"id": "a", "title": "t", "prompt": "p"}, {"id": "a", "title": "u", "prompt": "q"}]})",
    };
    for (const QByteArray &content : broken) {
        const QString file = writeFile(dir, content);
        QStringList warnings;
        const TaskTemplates tasks = TaskTemplates::load(file, &warnings);
        ASSERT_EQ(warnings.size(), 1) << content.constData();
        EXPECT_TRUE(warnings.first().contains(file)) << warnings.first().toStdString();
        EXPECT_EQ(ids(tasks), kBuiltInIds) << content.constData();
    }
}

TEST(TaskTemplates, SavingWritesOnlyEditsAndAdditions) {
    QTemporaryDir dir;
    const QString file = dir.path() + QStringLiteral("/config/tasks.json");
    TaskTemplates tasks = TaskTemplates::load(file, nullptr);
    TaskTemplate security = *tasks.find(QStringLiteral("security-review"));
    security.prompt = QStringLiteral("Only SQL injection, please. {findings_format}");
    ASSERT_TRUE(tasks.upsert(security));
    const TaskTemplate mine{QStringLiteral("licence-scan"), QStringLiteral("Licence scan"),
                            QStringLiteral("Third-party code and its licences"),
                            QStringLiteral("List vendored code. {findings_format}")};
    ASSERT_TRUE(tasks.upsert(mine));
    QString why;
    EXPECT_FALSE(
        tasks.upsert({QStringLiteral("x"), QString(), QString(), QStringLiteral("p")}, &why));
    EXPECT_TRUE(why.contains(QStringLiteral("title"))) << why.toStdString();
    ASSERT_TRUE(tasks.save(file).ok());

    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QJsonObject saved = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    EXPECT_FALSE(saved.contains(QLatin1String("findingsFormat"))) << "unchanged, not written";
    const QJsonArray written = saved.value(QLatin1String("tasks")).toArray();
    ASSERT_EQ(written.size(), 2);
    EXPECT_EQ(written[0].toObject(),
              (QJsonObject{{QStringLiteral("id"), QStringLiteral("security-review")},
                           {QStringLiteral("prompt"), security.prompt}}));
    EXPECT_EQ(written[1].toObject().value(QLatin1String("id")).toString(),
              QStringLiteral("licence-scan"));

    QStringList warnings;
    TaskTemplates back = TaskTemplates::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(back.templates(), tasks.templates());

    back.removeOrReset(QStringLiteral("security-review"));
    back.removeOrReset(QStringLiteral("licence-scan"));
    EXPECT_EQ(ids(back), kBuiltInIds);
    EXPECT_FALSE(back.isModified(QStringLiteral("security-review")));
    back.setFindingsFormat(QStringLiteral("Custom format."));
    ASSERT_TRUE(back.save(file).ok());
    const TaskTemplates again = TaskTemplates::load(file, nullptr);
    EXPECT_EQ(again.findingsFormat(), QStringLiteral("Custom format."));
    EXPECT_EQ(again.templates(), TaskTemplates::load(QString(), nullptr).templates());
}

TEST(TaskTemplates, SavingRefusesToOverwriteABrokenFile) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, "{ broken");
    const TaskTemplates tasks = TaskTemplates::load(QString(), nullptr);
    const auto saved = tasks.save(file);
    ASSERT_FALSE(saved.ok());
    EXPECT_TRUE(saved.error().message.contains(file));
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), QByteArray("{ broken"));
}
