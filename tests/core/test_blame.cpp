// SPDX-License-Identifier: MIT
// libgit2 blame of a line range, compared with what `git blame` says on a
// scratch repository with commits by several authors.
#include "repo/blame.h"
#include "scratchrepo.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::ScratchRepo;

namespace {

// 1-based line -> full SHA ("" when not committed), printable by GoogleTest.
using Lines = std::map<int, std::string>;

const QString kPath = QStringLiteral("src/app.go");

QByteArray numbered(int count, const QByteArray &prefix = "line") {
    QByteArray text;
    for (int i = 1; i <= count; ++i)
        text += prefix + ' ' + QByteArray::number(i) + '\n';
    return text;
}

QByteArray replaceLine(QByteArray text, int line, const QByteArray &with) {
    QList<QByteArray> lines = text.split('\n');
    lines[line - 1] = with;
    return lines.join('\n');
}

class BlameTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_repo.initGit();
        // Alice writes ten lines; Bob changes 3-4; Carol changes 8.
        QByteArray text = numbered(10);
        m_repo.write(kPath, text);
        commitAs(QStringLiteral("Alice"), QStringLiteral("Initial app\n\nLonger body."),
                 QStringLiteral("2021-03-04T10:00:00+01:00"));
        m_first = head();
        text = replaceLine(replaceLine(text, 3, "bob 3"), 4, "bob 4");
        m_repo.write(kPath, text);
        commitAs(QStringLiteral("Bob"), QStringLiteral("Bob fixes the middle"),
                 QStringLiteral("2022-05-06T12:30:00-04:00"));
        m_second = head();
        text = replaceLine(text, 8, "carol 8");
        m_repo.write(kPath, text);
        commitAs(QStringLiteral("Carol"), QStringLiteral("Carol tweaks line 8"),
                 QStringLiteral("2023-07-08T09:15:00+00:00"));
        m_third = head();
    }

    void commitAs(const QString &name, const QString &message, const QString &date) {
        m_repo.git({QStringLiteral("add"), QStringLiteral("-A")});
        m_repo.git(
            {QStringLiteral("-c"), QStringLiteral("user.name=") + name, QStringLiteral("-c"),
             QStringLiteral("user.email=") + name.toLower() + QStringLiteral("@example.invalid"),
             QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--date"), date,
             QStringLiteral("-m"), message});
    }

    QString head() const {
        return QString::fromLatin1(
                   m_repo.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}))
            .trimmed();
    }

    RepoInfo info(const QString &ref = {}) const {
        RepoInfo out;
        out.rootPath = m_repo.path();
        out.isGit = true;
        out.ref = ref;
        return out;
    }

    // git's answer: the full SHA of each 1-based line ("0000..." when not
    // committed).
    Lines gitBlame(const QString &ref = {}) const {
        QStringList args{QStringLiteral("blame"), QStringLiteral("--porcelain")};
        if (!ref.isEmpty())
            args << ref;
        args << QStringLiteral("--") << kPath;
        // Each line of the file is announced by "<sha> <original line> <final line>[ <count>]".
        Lines shas;
        for (const QByteArray &row : m_repo.git(args).split('\n')) {
            const QList<QByteArray> fields = row.split(' ');
            if (fields.size() < 3 || fields[0].size() != 40 || row.startsWith('\t'))
                continue;
            bool ok = false;
            const int line = fields[2].toInt(&ok);
            if (!ok)
                continue;
            const std::string sha = fields[0].toStdString();
            shas[line] = sha == std::string(40, '0') ? std::string() : sha;
        }
        return shas;
    }

    // Our answer per line; every line of first..last covered exactly once.
    static Lines perLine(const QList<BlameHunk> &hunks, int first, int last) {
        Lines shas;
        for (const BlameHunk &hunk : hunks) {
            EXPECT_GE(hunk.lineCount, 1);
            for (int line = hunk.startLine; line <= hunk.lastLine(); ++line) {
                EXPECT_GE(line, first);
                EXPECT_LE(line, last);
                EXPECT_FALSE(shas.count(line)) << "line " << line << " twice";
                shas[line] = hunk.commit.toStdString();
            }
        }
        EXPECT_EQ(int(shas.size()), last - first + 1);
        return shas;
    }

    static Lines restrict(const Lines &all, int first, int last) {
        Lines out;
        for (int line = first; line <= last; ++line)
            out[line] = all.count(line) ? all.at(line) : std::string();
        return out;
    }

    ScratchRepo m_repo;
    QString m_first, m_second, m_third;
};

} // namespace

TEST_F(BlameTest, WholeFileMatchesGitAndNamesAuthors) {
    const auto hunks = blameLines(info(), kPath, 1, 10);
    ASSERT_TRUE(hunks.ok()) << hunks.error().message.toStdString();
    EXPECT_EQ(perLine(*hunks, 1, 10), gitBlame());
    // Alice 1-2, Bob 3-4, Alice 5-7, Carol 8, Alice 9-10.
    ASSERT_EQ(hunks->size(), 5);
    const BlameHunk &bob = (*hunks)[1];
    EXPECT_EQ(bob.startLine, 3);
    EXPECT_EQ(bob.lineCount, 2);
    EXPECT_EQ(bob.commit, m_second);
    EXPECT_EQ(bob.shortCommit, m_second.left(7));
    EXPECT_EQ(bob.authorName, QStringLiteral("Bob"));
    EXPECT_EQ(bob.authorEmail, QStringLiteral("bob@example.invalid"));
    EXPECT_EQ(bob.summary, QStringLiteral("Bob fixes the middle"));
    EXPECT_EQ(bob.time,
              QDateTime::fromString(QStringLiteral("2022-05-06T12:30:00-04:00"), Qt::ISODate));
    EXPECT_EQ(bob.time.offsetFromUtc(), -4 * 3600);
    const BlameHunk &alice = (*hunks)[0];
    EXPECT_EQ(alice.authorName, QStringLiteral("Alice"));
    EXPECT_EQ(alice.summary,
              QStringLiteral("Initial app")); // the first line only
    EXPECT_EQ((*hunks)[3].authorName, QStringLiteral("Carol"));
    EXPECT_EQ((*hunks)[3].startLine, 8);
    EXPECT_TRUE(alice.isCommitted());
}

TEST_F(BlameTest, RangeIsClippedToTheLinesAsked) {
    const auto hunks = blameLines(info(), kPath, 4, 8);
    ASSERT_TRUE(hunks.ok()) << hunks.error().message.toStdString();
    EXPECT_EQ(perLine(*hunks, 4, 8), restrict(gitBlame(), 4, 8));
    ASSERT_EQ(hunks->size(), 3);
    EXPECT_EQ(hunks->first().startLine, 4); // Bob's hunk starts at 3, cut at 4
    EXPECT_EQ(hunks->first().lineCount, 1);
    EXPECT_EQ(hunks->last().startLine, 8);
    EXPECT_EQ(hunks->last().authorName, QStringLiteral("Carol"));

    // Reversed and past the end: swapped and clamped.
    const auto tail = blameLines(info(), kPath, 500, 9);
    ASSERT_TRUE(tail.ok()) << tail.error().message.toStdString();
    EXPECT_EQ(perLine(*tail, 9, 10), restrict(gitBlame(), 9, 10));
}

TEST_F(BlameTest, RefAuditBlamesTheFileAsItWasAtThatCommit) {
    m_repo.write(kPath, numbered(3, "dirty")); // the disk is not looked at for a ref
    const auto hunks = blameLines(info(m_first), kPath, 1, 10);
    ASSERT_TRUE(hunks.ok()) << hunks.error().message.toStdString();
    ASSERT_EQ(hunks->size(), 1);
    EXPECT_EQ(hunks->first().commit, m_first);
    EXPECT_EQ(hunks->first().lineCount, 10);
    EXPECT_EQ(hunks->first().authorName, QStringLiteral("Alice"));

    const auto second = blameLines(info(m_second), kPath, 1, 10);
    ASSERT_TRUE(second.ok()) << second.error().message.toStdString();
    EXPECT_EQ(perLine(*second, 1, 10), gitBlame(m_second));
}

TEST_F(BlameTest, UncommittedLinesHaveNoCommit) {
    // A line inserted after line 1 and a change to (old) line 6, not committed.
    QList<QByteArray> lines =
        m_repo.git({QStringLiteral("show"), QStringLiteral("HEAD:") + kPath}).split('\n');
    lines[5] = "changed 6";
    lines.insert(1, "inserted");
    m_repo.write(kPath, lines.join('\n'));

    const auto hunks = blameLines(info(), kPath, 1, 11);
    ASSERT_TRUE(hunks.ok()) << hunks.error().message.toStdString();
    Lines ours = perLine(*hunks, 1, 11);
    EXPECT_EQ(ours, gitBlame());
    EXPECT_TRUE(ours[2].empty());
    EXPECT_TRUE(ours[7].empty());
    EXPECT_EQ(ours[4], m_second.toStdString()); // Bob's line 3, moved down by one
    for (const BlameHunk &hunk : *hunks) {
        if (!hunk.isCommitted()) {
            EXPECT_TRUE(hunk.authorName.isEmpty());
            EXPECT_FALSE(hunk.time.isValid());
        }
    }

    // Only the asked range, even when the file differs from HEAD.
    const auto part = blameLines(info(), kPath, 6, 8);
    ASSERT_TRUE(part.ok()) << part.error().message.toStdString();
    EXPECT_EQ(perLine(*part, 6, 8), restrict(gitBlame(), 6, 8));
}

TEST_F(BlameTest, UntrackedFileIsAnError) {
    m_repo.write(QStringLiteral("new.txt"), "fresh\n");
    const auto result = blameLines(info(), QStringLiteral("new.txt"), 1, 1);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, Error::Code::NotFound);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("untracked")));

    // Also a file that exists now but not at the audited commit.
    const auto atRef = blameLines(info(m_first), QStringLiteral("new.txt"), 1, 1);
    ASSERT_FALSE(atRef.ok());
    EXPECT_EQ(atRef.error().code, Error::Code::NotFound);
}

TEST_F(BlameTest, RejectsPlainFoldersAndPathsOutside) {
    RepoInfo folder = info();
    folder.isGit = false;
    const auto plain = blameLines(folder, kPath, 1, 2);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.error().code, Error::Code::NotARepository);

    for (const QString &bad : {QStringLiteral("../outside.go"), QStringLiteral("/etc/passwd"),
                               QStringLiteral("src/../../x"), QString()}) {
        const auto result = blameLines(info(), bad, 1, 2);
        ASSERT_FALSE(result.ok()) << bad.toStdString();
        EXPECT_EQ(result.error().code, Error::Code::Usage) << bad.toStdString();
    }
    const auto pastEnd = blameLines(info(), kPath, 11, 12);
    ASSERT_FALSE(pastEnd.ok());
    EXPECT_EQ(pastEnd.error().code, Error::Code::Usage);
}

TEST_F(BlameTest, CancelledBeforeStartReturnsCancelled) {
    const std::atomic_bool cancel{true};
    const auto result = blameLines(info(), kPath, 1, 10, &cancel);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, Error::Code::Cancelled);
}

TEST_F(BlameTest, ShallowCloneIsReportedOrBlamedAtItsBoundary) {
    ScratchRepo clone;
    clone.git({QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--depth"),
               QStringLiteral("1"), QStringLiteral("file://") + m_repo.path(),
               QStringLiteral("c")});
    RepoInfo shallow;
    shallow.rootPath = clone.filePath(QStringLiteral("c"));
    shallow.isGit = true;
    const auto result = blameLines(shallow, kPath, 1, 10);
    if (result.ok()) {
        // Everything lands on the one commit there is.
        ASSERT_EQ(result->size(), 1);
        EXPECT_EQ(result->first().commit, m_third);
    } else {
        EXPECT_EQ(result.error().code, Error::Code::CorruptRepository);
        EXPECT_TRUE(result.error().message.contains(QStringLiteral("shallow")))
            << result.error().message.toStdString();
    }
}
