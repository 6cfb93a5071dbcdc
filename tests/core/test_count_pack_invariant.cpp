// SPDX-License-Identifier: MIT
// The rule "whatever the pack would contain is counted": over random selections of the
// project's own source tree and of an awkward folder (a 40 MB one-line file, a binary, an
// unreadable file, a file that grows between count and pack, UTF-16 LE/BE), the tokens the
// meter holds for each file equal the tokens of that file's content in the pack written for
// the same selection, re-tokenized with a freshly loaded tokenizer.
#include "prompt/packwriter.h"
#include "repo/reposcanner.h"
#include "tokenize/tokenizerregistry.h"
#include "workspace/workspace.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStringConverter>
#include <QTemporaryDir>
#include <QThreadPool>

#include "generatedtext.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace reposcope;
using reposcope::test::minifiedLine;
using reposcope::test::writeBytes;

namespace {

std::shared_ptr<const tokenize::Tokenizer> freshO200k() {
    tokenize::TokenizerRegistry registry(tokenize::TokenizerRegistry::defaultDataFolder());
    tokenize::TokenizerChoice choice = registry.resolve(QStringLiteral("o200k"), true);
    return choice.exactForModel ? choice.tokenizer : nullptr;
}

bool waitForCounts(QSignalSpy &finished) {
    for (;;) {
        for (const QList<QVariant> &args : std::as_const(finished))
            if (!args.at(0).toBool())
                return true;
        if (!finished.wait(120000))
            return false;
    }
}

// Counts the repository, in a workspace as the GUI and the CLI do.
std::unique_ptr<workspace::Workspace> counted(QThreadPool *pool, const repo::ScanOptions &options,
                                              std::shared_ptr<const tokenize::Tokenizer> t,
                                              Result<repo::ScanResult> scanned) {
    auto ws = std::make_unique<workspace::Workspace>(pool, std::move(t), QString());
    QSignalSpy finished(ws.get(), &workspace::Workspace::countingFinished);
    ws->open(options, std::move(scanned));
    EXPECT_TRUE(waitForCounts(finished));
    return ws;
}

struct Packed {
    prompt::PackStats stats;
    QByteArray bytes;
};

Packed pack(const prompt::Selection &sel, QThreadPool *pool) {
    Packed p;
    QBuffer buffer(&p.bytes);
    buffer.open(QIODevice::WriteOnly);
    Result<prompt::PackStats> stats =
        prompt::writePack(sel.snapshot(), sel.selectedFiles(),
                          prompt::PackFormat(prompt::PackOptions{}), buffer, pool);
    EXPECT_TRUE(stats.ok());
    if (stats)
        p.stats = *stats;
    return p;
}

// Every packed file's meter tokens equal its packed content's tokens, counted afresh; the
// meter's selected file tokens are the sum over the packed files (minus `leftOut`).
void expectPackMatchesMeter(const prompt::Selection &sel, const Packed &packed,
                            const tokenize::Tokenizer &fresh, const std::string &what) {
    const repo::RepoSnapshot &snap = sel.snapshot();
    qint64 packedTokens = 0;
    for (const prompt::PackedFile &f : packed.stats.manifest) {
        const int node = snap.find(f.path);
        ASSERT_GE(node, 0) << f.path.constData();
        const QByteArrayView content(packed.bytes.constData() + f.offset, f.length);
        const qint64 tokens = fresh.count(std::string_view(content.data(), size_t(content.size())));
        EXPECT_EQ(qint64(sel.file(node).stats.tokens), tokens)
            << what << ": " << f.path.constData();
        EXPECT_TRUE(sel.file(node).counted && sel.file(node).problem.isEmpty())
            << f.path.constData();
        packedTokens += tokens;
    }
    qint64 leftOutTokens = 0;
    for (const QByteArray &path : packed.stats.changed)
        leftOutTokens += sel.file(snap.find(path)).stats.tokens;
    EXPECT_EQ(sel.selected(0).tokens - leftOutTokens, packedTokens) << what;
}

} // namespace

TEST(CountPackInvariant, RandomSelectionsOfTheProjectTree) {
    auto meterTokenizer = freshO200k();
    if (!meterTokenizer)
        GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh";
    const auto independent = freshO200k(); // its own load, its own caches
    ASSERT_NE(independent.get(), meterTokenizer.get());
    QThreadPool pool;
    repo::ScanOptions options;
    options.path = QStringLiteral(REPOSCOPE_SOURCE_DIR "/core");
    auto ws = counted(&pool, options, meterTokenizer, repo::scanRepository(options, nullptr));
    prompt::Selection &sel = *ws->selection();
    const repo::RepoSnapshot &snap = sel.snapshot();
    ASSERT_GT(snap.nodeCount(), 100);
    for (quint32 seed : {1u, 2u, 3u}) {
        QRandomGenerator rng(seed);
        QList<QByteArray> paths;
        for (int node = 0; node < snap.nodeCount(); ++node)
            if (!snap.isDirectory(node) && rng.bounded(3) == 0)
                paths << snap.file(node).path;
        sel.selectOnly(paths);
        ASSERT_GT(sel.selected(0).files, 10);
        const Packed packed = pack(sel, &pool);
        EXPECT_EQ(packed.stats.files, sel.selected(0).files);
        expectPackMatchesMeter(sel, packed, *independent, "seed " + std::to_string(seed));
    }
}

TEST(CountPackInvariant, AwkwardFolder) {
    auto meterTokenizer = freshO200k();
    if (!meterTokenizer)
        GTEST_SKIP() << "tiktoken encoders not installed: run scripts/bootstrap.sh";
    const auto independent = freshO200k();
    QTemporaryDir dir;
    const QString root = dir.path();
    const QByteArray big = minifiedLine(40'000'000, 3); // once, not per seed
    writeBytes(root + QStringLiteral("/bundle.min.js"), big);
    QByteArray elf("\x7f"
                   "ELF\x02\x01\x01\x00",
                   8);
    for (int i = 0; i < 50000; ++i)
        elf += char(i * 7919 % 256);
    writeBytes(root + QStringLiteral("/tool"), elf);
    const QString mixed = QStringLiteral("Grüße 😀 world\nline two\r\n\tx = 1;\n");
    QStringEncoder le(QStringConverter::Utf16LE), be(QStringConverter::Utf16BE);
    writeBytes(root + QStringLiteral("/le.txt"),
               QByteArray("\xFF\xFE") + QByteArray(le.encode(mixed)));
    writeBytes(root + QStringLiteral("/be.txt"),
               QByteArray("\xFE\xFF") + QByteArray(be.encode(mixed)));
    writeBytes(root + QStringLiteral("/grows.txt"), "short\n");
    writeBytes(root + QStringLiteral("/plain.c"), "int main(void) { return 0; }\n");
    writeBytes(root + QStringLiteral("/gone.txt"), "will be a folder\n");
    writeBytes(root + QStringLiteral("/locked.txt"), "no permission\n");
    const bool root_user = ::geteuid() == 0;
    if (!root_user)
        QFile::setPermissions(root + QStringLiteral("/locked.txt"), QFileDevice::Permissions{});

    repo::ScanOptions options;
    options.path = root;
    options.sizeCap = qint64(1) << 30;
    options.excludeGenerated = false; // the bundle stays selected: it must be counted
    Result<repo::ScanResult> scanned = repo::scanRepository(options, nullptr);
    ASSERT_TRUE(scanned.ok());
    // Unreadable since the scan, as root too: the file is replaced by a folder.
    ASSERT_TRUE(QFile::remove(root + QStringLiteral("/gone.txt")));
    ASSERT_TRUE(QDir(root).mkdir(QStringLiteral("gone.txt")));

    QThreadPool pool;
    auto ws = counted(&pool, options, meterTokenizer, std::move(scanned));
    prompt::Selection &sel = *ws->selection();
    const repo::RepoSnapshot &snap = sel.snapshot();
    const int bundle = snap.find("bundle.min.js"), tool = snap.find("tool"),
              gone = snap.find("gone.txt"), grows = snap.find("grows.txt"),
              locked = snap.find("locked.txt");
    ASSERT_GE(bundle, 0);
    ASSERT_GE(gone, 0);

    // The 40 MB line is counted (millions of tokens, not "—").
    EXPECT_TRUE(sel.file(bundle).checked);
    EXPECT_GT(sel.file(bundle).stats.tokens, 1'000'000u);
    // The binary is never selected as text, even ticked explicitly.
    sel.setChecked(tool, true);
    EXPECT_FALSE(sel.file(tool).checked);
    EXPECT_EQ(sel.exclusion(tool), repo::Exclusion::Binary);
    // What could not be counted is not selected, and says why.
    EXPECT_FALSE(sel.file(gone).checked);
    EXPECT_FALSE(sel.file(gone).problem.isEmpty());
    if (!root_user) {
        EXPECT_FALSE(sel.file(locked).checked);
        EXPECT_FALSE(sel.file(locked).problem.isEmpty());
    } else {
        std::printf("[ note ] running as root: chmod 000 does not stop reads; the unreadable "
                    "case is covered by the file replaced by a folder\n");
    }
    EXPECT_TRUE(sel.uncountedSelected().empty());

    // Grows between count and pack: left out of the pack and named, never sent uncounted.
    {
        QFile f(root + QStringLiteral("/grows.txt"));
        ASSERT_TRUE(f.open(QIODevice::Append));
        f.write("a lot more text that the meter never counted\n");
    }
    for (quint32 seed : {1u, 2u, 3u}) {
        QRandomGenerator rng(seed);
        QList<QByteArray> paths;
        for (int node = 0; node < snap.nodeCount(); ++node)
            if (!snap.isDirectory(node) && (node == bundle || rng.bounded(2) == 0))
                paths << snap.file(node).path;
        sel.selectOnly(paths);
        const Packed packed = pack(sel, &pool);
        expectPackMatchesMeter(sel, packed, *independent, "awkward seed " + std::to_string(seed));
        for (const prompt::PackedFile &f : packed.stats.manifest) {
            EXPECT_NE(f.path, QByteArray("tool"));
            EXPECT_NE(f.path, QByteArray("gone.txt"));
        }
        if (sel.file(grows).checked) {
            EXPECT_EQ(packed.stats.changed, QList<QByteArray>{"grows.txt"});
        }
    }
    // Ticking the uncountable file explicitly puts it in the list that needs confirmation.
    sel.setChecked(gone, true);
    ASSERT_EQ(sel.uncountedSelected(), std::vector<int>{gone});
    EXPECT_FALSE(sel.uncountedReason(gone).isEmpty());
}
