// SPDX-License-Identifier: MIT
// File names with newlines, control characters and invalid UTF-8 never change the
// structure of a pack: every format parses back, with a real parser, to the same files in
// the same order, for a working-tree scan and for a scan of a commit.
#include "findings/citationverifier.h"
#include "findings/sourceset.h"
#include "prompt/packwriter.h"
#include "repo/reposcanner.h"
#include "text/visibletext.h"

#include <QBuffer>
#include <QSet>
#include <QThreadPool>
#include <QXmlStreamReader>

#include "hostilenames.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <gtest/gtest.h>

using namespace reposcope;
using prompt::PackFormat;
using prompt::PackOptions;
using reposcope::test::ScratchRepo;

namespace {

struct Parsed {
    QStringList paths;    // file entries, in pack order
    QStringList treeRows; // rows of the directory structure, trimmed
    QHash<QString, QString> contents;
    QString error;
};

// The pack's XML pieces sit side by side (no single root): wrap them in one element.
Parsed parseXml(const QByteArray &pack) {
    Parsed p;
    QXmlStreamReader xml("<pack>" + pack + "</pack>");
    const QSet<QString> known = {QStringLiteral("pack"), QStringLiteral("repository_overview"),
                                 QStringLiteral("directory_structure"), QStringLiteral("files"),
                                 QStringLiteral("file")};
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QString name = xml.name().toString();
        if (!known.contains(name)) {
            p.error = QStringLiteral("unexpected element <%1>").arg(name);
            return p;
        }
        if (name == QLatin1String("directory_structure")) {
            for (const QString &row : xml.readElementText().split(QLatin1Char('\n')))
                if (!row.trimmed().isEmpty())
                    p.treeRows << row.trimmed();
        } else if (name == QLatin1String("file")) {
            const QString path = xml.attributes().value(QLatin1String("path")).toString();
            p.paths << path;
            p.contents.insert(path, xml.readElementText());
        }
    }
    if (xml.hasError())
        p.error = xml.errorString() + QStringLiteral(" at line %1").arg(xml.lineNumber());
    return p;
}

// Headings outside code blocks, the way a Markdown reader sees them (CommonMark fences: a
// block closes at a line of at least as many backticks, up to three spaces in).
Parsed parseMarkdown(const QByteArray &pack) {
    Parsed p;
    int fence = 0; // length of the open fence, 0 outside
    bool inTree = false;
    QString current;
    const QStringList lines = QString::fromUtf8(pack).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const QString stripped = line.left(3).trimmed().isEmpty() ? line.trimmed() : line;
        qsizetype ticks = 0;
        while (ticks < stripped.size() && stripped[ticks] == QLatin1Char('`'))
            ++ticks;
        const bool indentedFourOrMore = line.startsWith(QLatin1String("    "));
        if (fence > 0) {
            if (!indentedFourOrMore && ticks >= fence && stripped.size() == ticks) {
                fence = 0;
                inTree = false;
                current.clear();
                continue;
            }
            if (inTree && !line.trimmed().isEmpty())
                p.treeRows << line.trimmed();
            if (!current.isEmpty())
                p.contents[current] += line + QLatin1Char('\n');
            continue;
        }
        if (ticks >= 3 && !indentedFourOrMore) {
            fence = int(ticks);
            continue;
        }
        if (line.startsWith(QLatin1String("### "))) {
            current = line.mid(4);
            p.paths << current;
        } else if (line.startsWith(QLatin1Char('#'))) {
            const QString h = line;
            if (h != QLatin1String("## Directory structure") && h != QLatin1String("## Files") &&
                !h.startsWith(QLatin1String("# Repository "))) {
                p.error = QStringLiteral("unexpected heading: ") + h;
                return p;
            }
            inTree = h == QLatin1String("## Directory structure");
        } else if (!line.trimmed().isEmpty() && !line.startsWith(QLatin1String("This is the "))) {
            p.error = QStringLiteral("text outside any block: ") + line;
            return p;
        }
    }
    if (fence > 0)
        p.error = QStringLiteral("a code block is never closed");
    return p;
}

struct Written {
    QByteArray bytes;
    prompt::PackStats stats;
};

Written writeAll(const repo::RepoSnapshot &snap, const std::vector<int> &nodes,
                 PackOptions options) {
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto r = prompt::writePack(snap, nodes, PackFormat(options), buffer, &pool);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.toStdString());
    return {buffer.data(), r.ok() ? *r : prompt::PackStats{}};
}

class PackNamesTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        repo.initGit();
        ASSERT_NO_FATAL_FAILURE(test::writeHostileFiles(repo));
        repo.commitAll();
        const bool atCommit = GetParam();
        Result<repo::ScanResult> r =
            test::scanAt(repo.path(), atCommit ? QStringLiteral("HEAD") : QString());
        ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
        snap = repo::RepoSnapshot::build(std::move(*r));
        for (int node = 1; node < snap->nodeCount(); ++node) {
            if (snap->isDirectory(node))
                continue;
            nodes.push_back(node);
            expected << snap->visiblePath(node);
        }
        for (int node = 1; node < snap->nodeCount(); ++node)
            treeRows << snap->name(node) +
                            (snap->isDirectory(node) ? QStringLiteral("/") : QString());
    }

    ScratchRepo repo;
    test::HostileFilesCleanup cleanup{repo};
    repo::SnapshotPtr snap;
    std::vector<int> nodes;
    QStringList expected; // visible paths in pack order
    QStringList treeRows;
};

} // namespace

TEST_P(PackNamesTest, ScanKeepsEveryRawNameDistinct) {
    QSet<QByteArray> want;
    for (const test::HostileFile &f : test::hostileFiles())
        want.insert(f.path);
    QSet<QByteArray> got;
    for (int node : nodes)
        got.insert(snap->path(node));
    EXPECT_EQ(got, want);
    // Visible paths are as many as raw ones (no two collapse), and map back to them.
    EXPECT_EQ(QSet<QString>(expected.begin(), expected.end()).size(), want.size());
    for (int node : nodes) {
        EXPECT_EQ(text::rawName(snap->visiblePath(node)), snap->path(node));
        EXPECT_EQ(snap->findVisible(snap->visiblePath(node)), node);
    }
}

TEST_P(PackNamesTest, XmlPackParsesBackToTheSameFiles) {
    for (const bool numbered : {false, true}) {
        const Written w = writeAll(*snap, nodes, PackOptions{PackOptions::Format::Xml, numbered});
        EXPECT_EQ(w.stats.files, int(nodes.size()));
        EXPECT_TRUE(w.stats.problems.isEmpty()) << w.stats.problems.join(u'\n').toStdString();
        const Parsed p = parseXml(w.bytes);
        ASSERT_TRUE(p.error.isEmpty()) << p.error.toStdString();
        EXPECT_EQ(p.paths, expected);
        EXPECT_EQ(p.treeRows, treeRows);
        // Nothing XML 1.0 forbids: no C0 control but tab/LF/CR, no byte that is not UTF-8.
        for (const char c : w.bytes)
            ASSERT_FALSE(uchar(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
                << "control byte " << int(uchar(c)) << " in the XML pack";
        EXPECT_TRUE(QString::fromUtf8(w.bytes).toUtf8() == w.bytes) << "not valid UTF-8";
        EXPECT_FALSE(w.bytes.contains('\xFF'));
        // The control characters in ctl.txt's content are shown, not dropped.
        const QString ctl = p.contents.value(QStringLiteral("ctl.txt"));
        EXPECT_TRUE(ctl.contains(QChar(0x241B)) && ctl.contains(QChar(0x2407)) &&
                    ctl.contains(QStringLiteral("end")))
            << ctl.toStdString();
    }
}

TEST_P(PackNamesTest, MarkdownPackHasOneHeadingPerFile) {
    for (const bool numbered : {false, true}) {
        const Written w =
            writeAll(*snap, nodes, PackOptions{PackOptions::Format::Markdown, numbered});
        EXPECT_EQ(w.stats.files, int(nodes.size()));
        const Parsed p = parseMarkdown(w.bytes);
        ASSERT_TRUE(p.error.isEmpty()) << p.error.toStdString();
        EXPECT_EQ(p.paths, expected);
        EXPECT_EQ(p.treeRows, treeRows);
    }
}

TEST_P(PackNamesTest, ManifestKeepsRawPathsAndFormatsAgree) {
    const Written xml = writeAll(*snap, nodes, PackOptions{PackOptions::Format::Xml, false});
    const Written md = writeAll(*snap, nodes, PackOptions{PackOptions::Format::Markdown, false});
    ASSERT_EQ(xml.stats.manifest.size(), qsizetype(nodes.size()));
    ASSERT_EQ(md.stats.manifest.size(), qsizetype(nodes.size()));
    for (size_t i = 0; i < nodes.size(); ++i) {
        EXPECT_EQ(xml.stats.manifest[qsizetype(i)].path, snap->path(nodes[i]));
        EXPECT_EQ(md.stats.manifest[qsizetype(i)].path, snap->path(nodes[i]));
    }
}

TEST_P(PackNamesTest, CitationsOfEscapedNamesVerifyAgainstThePack) {
    const PackOptions options{PackOptions::Format::Markdown, false};
    const Written w = writeAll(*snap, nodes, options);
    const findings::CitationVerifier verifier(
        findings::makePackSourceSet(snap, w.bytes, w.stats.manifest, options));
    const QList<test::HostileFile> files = test::hostileFiles();
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString visible = text::visibleName(files[i].path);
        if (!files[i].content.startsWith("content of file"))
            continue; // ctl.txt: its text is not the raw bytes (decoded as Windows-1252)
        if (files[i].path == "```")
            continue; // the verifier strips backticks around a cited path, by design
        // As the model cites it, once the citation parser has read its backslashes as
        // separators (Windows paths), as it does for every citation.
        findings::Citation citation;
        citation.path = QString(visible).replace(QLatin1Char('\\'), QLatin1Char('/'));
        citation.startLine = citation.endLine = 1;
        const findings::ResolvedLocation r =
            verifier.verify(citation, QString::fromUtf8(files[i].content.trimmed()));
        EXPECT_EQ(r.path, visible) << visible.toStdString() << ": " << r.note.toStdString();
        EXPECT_EQ(r.status, findings::VerificationStatus::Verified)
            << visible.toStdString() << ": " << r.note.toStdString();
    }
}

INSTANTIATE_TEST_SUITE_P(WorktreeAndCommit, PackNamesTest, ::testing::Values(false, true),
                         [](const auto &info) {
                             return std::string(info.param ? "AtCommit" : "Worktree");
                         });
