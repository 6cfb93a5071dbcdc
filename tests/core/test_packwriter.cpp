// SPDX-License-Identifier: MIT
// writePack: the exact bytes of a pack for small scratch folders, in both formats.
#include "prompt/packwriter.h"
#include "prompt/selection.h"
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"
#include "text/textdecoder.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope::prompt;
using namespace reposcope::repo;
using reposcope::Error;
using reposcope::test::scanned;
using reposcope::test::ScratchRepo;

namespace {

std::vector<int> nodes(const RepoSnapshot &s, const QList<QByteArray> &paths) {
    std::vector<int> out;
    for (const QByteArray &p : paths) {
        out.push_back(s.find(p));
        EXPECT_GE(out.back(), 0) << p.constData();
    }
    return out;
}

struct Written {
    QByteArray text;
    PackStats stats;
};

Written write(const RepoSnapshot &s, const std::vector<int> &files, PackOptions options,
              int threads = 2) {
    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto r = writePack(s, files, PackFormat(options), buffer, &pool);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.toStdString());
    Written w;
    w.text = buffer.data();
    if (r.ok())
        w.stats = *r;
    return w;
}

void writeSmallRepo(ScratchRepo &repo) {
    repo.write(QStringLiteral("README.md"), "# Hi\n");
    repo.write(QStringLiteral("src/main.c"), "int main() {}\n");
    repo.write(QStringLiteral("src/util/a&b\"<c>.h"), "x"); // no final newline
    repo.write(QStringLiteral("src/bin.dat"), QByteArray("\0\1\2", 3));
    repo.write(QStringLiteral("docs/x.md"), "doc\n");
}

const QList<QByteArray> kSelected{"src/util/a&b\"<c>.h", "src/bin.dat", "src/main.c", "README.md"};

} // namespace

TEST(PackWriter, XmlPackIsExactlyAsSpecified) {
    ScratchRepo repo;
    writeSmallRepo(repo);
    const SnapshotPtr snap = scanned(repo.path());
    const QByteArray name = QFileInfo(repo.path()).fileName().toUtf8();
    ASSERT_EQ(snap->name(0).toUtf8(), name);

    const Written w = write(*snap, nodes(*snap, kSelected), PackOptions{});
    const QByteArray expected = "<repository_overview>\n"
                                "This is the repository \"" +
                                name +
                                "\": its directory structure, then the full content "
                                "of each selected file.\n"
                                "</repository_overview>\n"
                                "\n"
                                "<directory_structure>\n"
                                "src/\n"
                                "  util/\n"
                                "    a&amp;b\"&lt;c&gt;.h\n" // character data: markup escaped
                                "  bin.dat\n"
                                "  main.c\n"
                                "README.md\n"
                                "</directory_structure>\n"
                                "\n"
                                "<files>\n"
                                "<file path=\"src/util/a&amp;b&quot;&lt;c&gt;.h\">\n"
                                "x\n"
                                "</file>\n"
                                "\n"
                                "<file path=\"src/main.c\">\n"
                                "int main() {}\n"
                                "</file>\n"
                                "\n"
                                "<file path=\"README.md\">\n"
                                "# Hi\n"
                                "</file>\n"
                                "\n"
                                "</files>\n";
    EXPECT_EQ(w.text.toStdString(), expected.toStdString());
    EXPECT_EQ(w.stats.files, 3);
    EXPECT_EQ(w.stats.bytes, expected.size());
    EXPECT_EQ(w.stats.problems,
              QStringList{QStringLiteral("src/bin.dat: binary content, skipped")});
}

TEST(PackWriter, MarkdownPackIsExactlyAsSpecified) {
    ScratchRepo repo;
    writeSmallRepo(repo);
    const SnapshotPtr snap = scanned(repo.path());
    const QByteArray name = snap->name(0).toUtf8();
    PackOptions options;
    options.format = PackOptions::Format::Markdown;
    const Written w = write(*snap, nodes(*snap, {"src/main.c", "README.md"}), options);
    const QByteArray expected = "# Repository " + name +
                                "\n"
                                "\n"
                                "This is the repository \"" +
                                name +
                                "\": its directory structure, then the full content "
                                "of each selected file.\n"
                                "\n"
                                "## Directory structure\n"
                                "\n"
                                "```\n"
                                "src/\n"
                                "  main.c\n"
                                "README.md\n"
                                "```\n"
                                "\n"
                                "## Files\n"
                                "\n"
                                "### src/main.c\n"
                                "\n"
                                "````\n"
                                "int main() {}\n"
                                "````\n"
                                "\n"
                                "### README.md\n"
                                "\n"
                                "````\n"
                                "# Hi\n"
                                "````\n"
                                "\n";
    EXPECT_EQ(w.text.toStdString(), expected.toStdString());
    EXPECT_EQ(w.stats.files, 2);
    EXPECT_TRUE(w.stats.problems.isEmpty());
}

TEST(PackWriter, LineNumbersArePaddedToTheFilesWidth) {
    ScratchRepo repo;
    QByteArray ten;
    for (int i = 1; i <= 10; ++i)
        ten += "line " + QByteArray::number(i) + "\n";
    repo.write(QStringLiteral("ten.txt"), ten);
    repo.write(QStringLiteral("one.txt"), "only");
    repo.write(QStringLiteral("empty.txt"), "");
    const SnapshotPtr snap = scanned(repo.path());
    PackOptions options;
    options.lineNumbers = true;
    const Written w = write(*snap, nodes(*snap, {"empty.txt", "one.txt", "ten.txt"}), options);
    const QByteArray name = snap->name(0).toUtf8();
    QByteArray expected =
        "<repository_overview>\n"
        "This is the repository \"" +
        name +
        "\": its directory structure, then the full content "
        "of each selected file. Every line of file content starts with its line number.\n"
        "</repository_overview>\n\n"
        "<directory_structure>\nempty.txt\none.txt\nten.txt\n</directory_structure>\n\n"
        "<files>\n"
        "<file path=\"empty.txt\">\n</file>\n\n"
        "<file path=\"one.txt\">\n1: only\n</file>\n\n"
        "<file path=\"ten.txt\">\n";
    for (int i = 1; i <= 10; ++i)
        expected +=
            (i < 10 ? " " : "") + QByteArray::number(i) + ": line " + QByteArray::number(i) + "\n";
    expected += "</file>\n\n</files>\n";
    EXPECT_EQ(w.text.toStdString(), expected.toStdString());
}

TEST(PackWriter, ConvertsEncodingsAndReportsUnreadableFiles) {
    ScratchRepo repo;
    repo.write(QStringLiteral("bom.txt"), "\xEF\xBB\xBFwith bom\n");
    repo.write(QStringLiteral("utf16.txt"), QByteArray("\xFF\xFEh\0i\0\n\0", 8));
    repo.write(QStringLiteral("latin1.txt"), "caf\xE9\n");
    repo.write(QStringLiteral("gone.txt"), "soon gone\n");
    const SnapshotPtr snap = scanned(repo.path());
    ASSERT_TRUE(QFile::remove(repo.filePath(QStringLiteral("gone.txt"))));
    PackOptions options;
    options.format = PackOptions::Format::Markdown;
    const Written w =
        write(*snap, nodes(*snap, {"bom.txt", "gone.txt", "latin1.txt", "utf16.txt"}), options);
    const qsizetype files = w.text.indexOf("## Files\n\n");
    ASSERT_GE(files, 0);
    EXPECT_EQ(w.text.mid(files).toStdString(), "## Files\n\n"
                                               "### bom.txt\n\n````\nwith bom\n````\n\n"
                                               "### latin1.txt\n\n````\ncaf\xC3\xA9\n````\n\n"
                                               "### utf16.txt\n\n````\nhi\n````\n\n");
    ASSERT_EQ(w.stats.problems.size(), 1);
    EXPECT_TRUE(w.stats.problems.first().startsWith(QStringLiteral("gone.txt: ")))
        << w.stats.problems.first().toStdString();
    EXPECT_EQ(w.stats.files, 3);
}

// More files than one read batch, several threads: blocks stay in pre-order.
TEST(PackWriter, ManyFilesKeepTheirOrderAcrossBatchesAndThreads) {
    ScratchRepo repo;
    for (int i = 0; i < 1100; ++i)
        repo.write(QStringLiteral("d%1/f%2.txt").arg(i % 7).arg(i, 4, 10, QLatin1Char('0')),
                   "file " + QByteArray::number(i) + "\n");
    const SnapshotPtr snap = scanned(repo.path());
    std::vector<int> all;
    for (int n = 0; n < snap->nodeCount(); ++n)
        if (!snap->isDirectory(n))
            all.push_back(n);
    ASSERT_EQ(all.size(), 1100u);
    QByteArray expectedFiles = "<files>\n";
    for (int n : all) {
        const QByteArray path = snap->path(n);
        const int number = path.mid(path.indexOf("/f") + 2, 4).toInt();
        expectedFiles +=
            "<file path=\"" + path + "\">\nfile " + QByteArray::number(number) + "\n</file>\n\n";
    }
    expectedFiles += "</files>\n";
    for (int threads : {1, 3, 8}) {
        const Written w = write(*snap, all, PackOptions{}, threads);
        const qsizetype at = w.text.indexOf("<files>\n");
        ASSERT_GE(at, 0);
        EXPECT_TRUE(w.text.mid(at) == expectedFiles) << "threads " << threads;
        EXPECT_EQ(w.stats.files, 1100);
        // The tree lists each folder once, before its files.
        EXPECT_EQ(w.text.count("\nd3/\n"), 1);
    }
}

TEST(PackWriter, EmptySelectionStillWritesTheFrame) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a.txt"), "a\n");
    const SnapshotPtr snap = scanned(repo.path());
    const Written w = write(*snap, {}, PackOptions{});
    EXPECT_TRUE(
        w.text.endsWith("<directory_structure>\n</directory_structure>\n\n<files>\n</files>\n"));
    EXPECT_EQ(w.stats.files, 0);
}

TEST(PackWriter, WriteFailureAndCancelAreErrors) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a.txt"), "a\n");
    const SnapshotPtr snap = scanned(repo.path());
    QThreadPool pool;
    QBuffer readOnly;
    readOnly.setData("existing");
    readOnly.open(QIODevice::ReadOnly);
    auto r = writePack(*snap, nodes(*snap, {"a.txt"}), PackFormat(PackOptions{}), readOnly, &pool);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Error::Code::Io);

    QBuffer out;
    out.open(QIODevice::WriteOnly);
    const std::atomic_bool cancel{true};
    auto c =
        writePack(*snap, nodes(*snap, {"a.txt"}), PackFormat(PackOptions{}), out, &pool, &cancel);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, Error::Code::Cancelled);
}

// Held texts (what the CLI's counting pass decoded) give the same bytes as reading the
// files, whichever files are held; a held text is used instead of the file.
TEST(PackWriter, HeldTextsGiveTheSameBytesAsReadingTheFiles) {
    ScratchRepo repo;
    writeSmallRepo(repo);
    repo.write(QStringLiteral("latin1.txt"), "caf\xE9\n");
    repo.write(QStringLiteral("empty.txt"), "");
    for (int i = 0; i < 300; ++i)
        repo.write(QStringLiteral("many/f%1.txt").arg(i, 3, 10, QLatin1Char('0')),
                   "line " + QByteArray::number(i) + "\nno newline at the end");
    const SnapshotPtr snap = scanned(repo.path());
    std::vector<int> all;
    for (int n = 0; n < snap->nodeCount(); ++n)
        if (!snap->isDirectory(n))
            all.push_back(n);
    for (const bool lineNumbers : {false, true}) {
        PackOptions options;
        options.lineNumbers = lineNumbers;
        const Written read = write(*snap, all, options, 3);
        for (const int stride : {1, 2, 3}) { // all held, every other one, every third
            HeldTexts held(size_t(snap->nodeCount()));
            for (size_t i = 0; i < all.size(); i += size_t(stride)) {
                QFile f(repo.path() + QLatin1Char('/') + QString::fromUtf8(snap->path(all[i])));
                ASSERT_TRUE(f.open(QIODevice::ReadOnly));
                const reposcope::text::DecodedText d = reposcope::text::decodeText(f.readAll());
                if (!d.binary)
                    held[size_t(all[i])] = d.utf8;
            }
            QThreadPool pool;
            pool.setMaxThreadCount(3);
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            auto r = writePack(*snap, all, PackFormat(options), buffer, &pool, nullptr, &held);
            ASSERT_TRUE(r.ok());
            EXPECT_TRUE(buffer.data() == read.text) << "stride " << stride;
            EXPECT_EQ(r->files, read.stats.files);
            EXPECT_EQ(r->bytes, read.stats.bytes);
            EXPECT_EQ(r->problems, read.stats.problems);
        }
    }
    // The held text is what gets written: the file is not read again.
    HeldTexts held(size_t(snap->nodeCount()));
    held[size_t(snap->find("README.md"))] = QByteArray("held\n");
    QThreadPool pool;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    ASSERT_TRUE(writePack(*snap, nodes(*snap, {"README.md"}), PackFormat(PackOptions{}), buffer,
                          &pool, nullptr, &held)
                    .ok());
    EXPECT_TRUE(buffer.data().contains("<file path=\"README.md\">\nheld\n</file>"));
}

// The manifest locates every written file: slicing the pack at each entry gives the file's
// decoded text, or with line numbers that text with its prefixes; skipped files have none.
TEST(PackWriter, ManifestSlicesBackToEachFile) {
    ScratchRepo repo;
    writeSmallRepo(repo);
    repo.write(QStringLiteral("empty.txt"), "");
    repo.write(QStringLiteral("latin1.txt"), "caf\xE9\n");
    QByteArray twelve;
    for (int i = 1; i <= 12; ++i)
        twelve += "row " + QByteArray::number(i) + "\n";
    repo.write(QStringLiteral("twelve.txt"), twelve);
    for (int i = 0; i < 300; ++i) // several chunks: offsets must add up across them
        repo.write(QStringLiteral("many/f%1.txt").arg(i, 3, 10, QLatin1Char('0')),
                   "file " + QByteArray::number(i) + "\nno newline");
    const SnapshotPtr snap = scanned(repo.path());
    std::vector<int> all;
    for (int n = 0; n < snap->nodeCount(); ++n)
        if (!snap->isDirectory(n))
            all.push_back(n);
    auto decoded = [&](const QByteArray &path) {
        QFile f(repo.path() + QLatin1Char('/') + QString::fromUtf8(path));
        EXPECT_TRUE(f.open(QIODevice::ReadOnly));
        return reposcope::text::decodeText(f.readAll()).utf8;
    };
    for (const auto format : {PackOptions::Format::Xml, PackOptions::Format::Markdown}) {
        for (const bool lineNumbers : {false, true}) {
            PackOptions options;
            options.format = format;
            options.lineNumbers = lineNumbers;
            const PackFormat packFormat(options);
            const Written w = write(*snap, all, options, 3);
            ASSERT_EQ(w.stats.manifest.size(), w.stats.files);
            ASSERT_EQ(w.stats.files, int(all.size()) - 1); // src/bin.dat is binary
            int checked = 0;
            for (const PackedFile &file : w.stats.manifest) {
                ASSERT_GE(file.offset, 0);
                ASSERT_LE(file.offset + file.length, w.text.size());
                const QByteArray text = decoded(file.path);
                QByteArray expected = text;
                if (lineNumbers) {
                    expected.clear();
                    const QList<QByteArray> lines = text.split('\n');
                    const qsizetype count =
                        text.isEmpty() ? 0 : lines.size() - (text.endsWith('\n') ? 1 : 0);
                    const int width = int(QByteArray::number(count).size());
                    for (qsizetype i = 0; i < count; ++i)
                        expected += packFormat.linePrefix(i + 1, width) + lines[i] +
                                    (i + 1 < lines.size() ? "\n" : "");
                }
                EXPECT_TRUE(w.text.mid(file.offset, file.length) == expected)
                    << file.path.constData() << (lineNumbers ? " numbered" : "");
                // The file's header sits right before its content.
                const QByteArray begin = packFormat.fileBegin(file.path);
                EXPECT_TRUE(w.text.mid(file.offset - begin.size(), begin.size()) == begin)
                    << file.path.constData();
                ++checked;
            }
            EXPECT_EQ(checked, int(all.size()) - 1);
        }
    }
}

// Files are read straight into the chunk being formatted; one that is not plain UTF-8 is
// taken out again and decoded, and must leave its neighbours in the same chunk intact.
TEST(PackWriter, FilesThatNeedDecodingLeaveTheirNeighboursIntact) {
    ScratchRepo repo;
    repo.write(QStringLiteral("a.txt"), "alpha\n");
    repo.write(QStringLiteral("b.bin"), QByteArray("bin\0ary", 7));
    repo.write(QStringLiteral("c.txt"), "no final newline");
    repo.write(QStringLiteral("d.txt"), "caf\xE9\n");
    repo.write(QStringLiteral("e.txt"), "");
    repo.write(QStringLiteral("f.txt"), "\xEF\xBB\xBF"
                                        "bom\n");
    repo.write(QStringLiteral("g.txt"), "last\n");
    ASSERT_TRUE(QFile::link(QStringLiteral("a.txt"), repo.filePath(QStringLiteral("h.txt"))));
    const SnapshotPtr snap = scanned(repo.path());
    const Written w = write(
        *snap,
        nodes(*snap, {"a.txt", "b.bin", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "h.txt"}),
        PackOptions{});
    const qsizetype at = w.text.indexOf("<files>\n");
    ASSERT_GE(at, 0);
    EXPECT_EQ(w.text.mid(at).toStdString(),
              "<files>\n"
              "<file path=\"a.txt\">\nalpha\n</file>\n\n"
              "<file path=\"c.txt\">\nno final newline\n</file>\n\n"
              "<file path=\"d.txt\">\ncaf\xC3\xA9\n</file>\n\n"
              "<file path=\"e.txt\">\n</file>\n\n"
              "<file path=\"f.txt\">\nbom\n</file>\n\n"
              "<file path=\"g.txt\">\nlast\n</file>\n\n"
              "<file path=\"h.txt\">\na.txt\n</file>\n\n" // git's view of a symlink
              "</files>\n");
    ASSERT_EQ(w.stats.problems.size(), 1);
    EXPECT_EQ(w.stats.problems.first(), QStringLiteral("b.bin: binary content, skipped"));
    EXPECT_EQ(w.stats.files, 7);
    // The manifest slices back to the content that was read straight into the chunk.
    const auto c = std::find_if(w.stats.manifest.cbegin(), w.stats.manifest.cend(),
                                [](const PackedFile &f) { return f.path == "c.txt"; });
    ASSERT_NE(c, w.stats.manifest.cend());
    EXPECT_EQ(w.text.mid(c->offset, c->length), QByteArray("no final newline"));
}
