// SPDX-License-Identifier: MIT
// Files read for the viewer: large plain UTF-8 decoded piece by piece gives exactly the text a
// whole-file decode gives, and every other encoding still goes the whole-file way.
#include "scanhelpers.h"
#include "scratchrepo.h"
#include "text/textdecoder.h"
#include "viewer/viewerfileload.h"

#include <QStringEncoder>

#include <gtest/gtest.h>

using namespace reposcope;
using reposcope::test::ScratchRepo;

namespace {

// About `bytes` of UTF-8 whose two-, three- and four-byte characters land across every 4 MiB
// piece boundary at some point, on lines of varying length.
QByteArray mixedUtf8(qsizetype bytes) {
    static const char *const words[] = {"return", "é", "日本語", "😀", "x", "\n", "  ", "ü;"};
    QByteArray out;
    out.reserve(bytes + 16);
    for (int i = 0; out.size() < bytes; ++i)
        out += words[(i * 7 + i / 3) % int(std::size(words))];
    return out;
}

ui::ViewerFile load(const ScratchRepo &dir, const char *path) {
    const repo::SnapshotPtr snap = test::scanned(dir.path());
    EXPECT_NE(snap, nullptr);
    const int node = snap->find(path);
    EXPECT_GE(node, 0) << path;
    return ui::loadForViewer(*snap, snap->file(node));
}

QString wholeDecode(const QByteArray &raw) {
    return QString::fromUtf8(text::decodeText(raw).utf8);
}

} // namespace

TEST(ViewerFileLoad, LargePlainUtf8DecodedInPiecesIsTheWholeText) {
    ScratchRepo dir;
    const QByteArray content = mixedUtf8(qsizetype(9) << 20);
    dir.write(QStringLiteral("big.txt"), content);
    const ui::ViewerFile f = load(dir, "big.txt");
    EXPECT_TRUE(f.problem.isEmpty()) << f.problem.toStdString();
    EXPECT_EQ(f.text, QString::fromUtf8(content));
}

TEST(ViewerFileLoad, LargeFilesOfOtherEncodingsAreDecodedWhole) {
    ScratchRepo dir;
    const QByteArray utf8 = mixedUtf8(qsizetype(5) << 20);
    QStringEncoder le(QStringConverter::Utf16LE);
    const QByteArray utf16 =
        QByteArray("\xFF\xFE", 2) + QByteArray(le.encode(QString::fromUtf8(utf8)));
    dir.write(QStringLiteral("utf16.txt"), utf16);
    QByteArray bom = "\xEF\xBB\xBF" + utf8 + utf8;
    dir.write(QStringLiteral("bom.txt"), bom);
    QByteArray invalid = utf8 + utf8;
    invalid[invalid.size() / 2] = char(0xFF); // one stray byte deep inside: not plain UTF-8
    dir.write(QStringLiteral("invalid.txt"), invalid);
    QByteArray binary(qsizetype(9) << 20, 'a');
    binary[100] = '\0';
    dir.write(QStringLiteral("binary.bin"), binary);

    EXPECT_EQ(load(dir, "utf16.txt").text, wholeDecode(utf16));
    EXPECT_EQ(load(dir, "bom.txt").text, wholeDecode(bom));
    const ui::ViewerFile inv = load(dir, "invalid.txt");
    EXPECT_TRUE(inv.problem.isEmpty());
    EXPECT_EQ(inv.text, wholeDecode(invalid));
    const ui::ViewerFile bin = load(dir, "binary.bin");
    EXPECT_TRUE(bin.text.isEmpty());
    EXPECT_TRUE(bin.problem.contains(QStringLiteral("binary")));
}
