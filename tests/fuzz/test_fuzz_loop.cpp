// SPDX-License-Identifier: MIT
// The fuzz targets in a deterministic mutation loop: every seed as it is, then a bounded
// number of mutated inputs per target (REPOSCOPE_FUZZ_ITERATIONS raises it for a longer
// run, REPOSCOPE_FUZZ_SEED varies the inputs). A broken invariant fails the test with the
// input saved to a file so that it can become a regression test.
#include "fuzzcheck.h"
#include "fuzztargets.h"
#include "mutator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

namespace reposcope::fuzz {
namespace {

// Chosen so that the four loops together take a few seconds on one core (RelWithDebInfo):
// about 0.5 ms an input for GGUF (three reads of a scratch file), 0.2 ms for images and
// tokenizers, 0.06 ms for SSE.
int defaultIterations(const QString &target) {
    if (target == QLatin1String("sse"))
        return 20000;
    if (target == QLatin1String("image"))
        return 5000;
    return 4000;
}

int iterations(const QString &target) {
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("REPOSCOPE_FUZZ_ITERATIONS", &ok);
    return ok && n >= 0 ? n : defaultIterations(target);
}

quint64 loopSeed(const QString &target) {
    bool ok = false;
    const quint64 base = qEnvironmentVariable("REPOSCOPE_FUZZ_SEED").toULongLong(&ok);
    const QByteArray digest =
        QCryptographicHash::hash(target.toUtf8(), QCryptographicHash::Sha1).left(8);
    quint64 salt = 0;
    for (char c : digest)
        salt = (salt << 8) | quint8(c);
    return (ok ? base : 20261207) ^ salt;
}

QString saveFailure(const QString &target, int iteration, const QByteArray &input) {
    QString dir = qEnvironmentVariable("REPOSCOPE_FUZZ_FAILURES");
    if (dir.isEmpty())
        dir = QDir::temp().filePath(QStringLiteral("reposcope-fuzz-failures"));
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(
        QStringLiteral("%1-%2-%3.bin")
            .arg(target)
            .arg(iteration)
            .arg(QString::fromLatin1(
                QCryptographicHash::hash(input, QCryptographicHash::Sha1).toHex().left(8))));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(input);
    return path;
}

// Qt's decoders warn about every damaged input (libpng, QBuffer::seek, ...): thousands of
// lines that say nothing about the invariants. Dropped while a target runs.
void dropMessage(QtMsgType, const QMessageLogContext &, const QString &) {}

// Runs one input; returns false (after reporting) when an invariant broke.
bool runOne(const Target &target, const QByteArray &input, int iteration) {
    FailureCollector collector;
    const QtMessageHandler previous = qInstallMessageHandler(&dropMessage);
    target.run(reinterpret_cast<const uint8_t *>(input.constData()), size_t(input.size()));
    qInstallMessageHandler(previous);
    const QStringList failures = collector.take();
    if (failures.isEmpty())
        return true;
    const QString saved = saveFailure(QLatin1String(target.name), iteration, input);
    ADD_FAILURE() << target.name << " input " << iteration << " (" << input.size()
                  << " bytes, saved as " << saved.toStdString() << "):\n  "
                  << failures.join(QStringLiteral("\n  ")).toStdString()
                  << (input.size() <= 512 ? "\n  base64: " + input.toBase64().toStdString()
                                          : std::string());
    return false;
}

void runLoop(const char *name) {
    const Target *target = targetNamed(QLatin1String(name));
    ASSERT_NE(target, nullptr);
    const std::vector<QByteArray> seeds = target->seeds();
    ASSERT_FALSE(seeds.empty());
    int failures = 0;
    for (size_t i = 0; i < seeds.size(); ++i)
        failures += runOne(*target, seeds[i], -1 - int(i)) ? 0 : 1;
    Mutator mutator(loopSeed(QLatin1String(name)), seeds, target->dictionary());
    const int n = iterations(QLatin1String(name));
    for (int i = 0; i < n && failures < 5; ++i)
        failures += runOne(*target, mutator.next(), i) ? 0 : 1;
    EXPECT_EQ(failures, 0) << "seed " << loopSeed(QLatin1String(name)) << ", " << n
                           << " iterations";
}

TEST(FuzzLoop, Gguf) {
    runLoop("gguf");
}

TEST(FuzzLoop, Tokenizer) {
    runLoop("tokenizer");
}

TEST(FuzzLoop, Image) {
    runLoop("image");
}

TEST(FuzzLoop, Sse) {
    runLoop("sse");
}

TEST(FuzzMutator, IsDeterministicAndMutates) {
    const std::vector<QByteArray> seeds = {"0123456789abcdef", "GGUF\x03"};
    Mutator a(42, seeds, {"TOKEN"});
    Mutator b(42, seeds, {"TOKEN"});
    int changed = 0;
    for (int i = 0; i < 200; ++i) {
        const QByteArray x = a.next();
        EXPECT_EQ(x, b.next());
        changed += (x != seeds[0] && x != seeds[1]) ? 1 : 0;
    }
    EXPECT_GT(changed, 150);
    Mutator c(43, seeds, {"TOKEN"});
    int same = 0;
    Mutator a2(42, seeds, {"TOKEN"});
    for (int i = 0; i < 50; ++i)
        same += c.next() == a2.next() ? 1 : 0;
    EXPECT_LT(same, 25);
}

} // namespace
} // namespace reposcope::fuzz
