// SPDX-License-Identifier: MIT
// reposcope-make-gguf: writes a tiny random-weight llama GGUF (tinyLlama(), the test
// suite's generator) for the engine host's tests and benchmarks, or a broken variant.
//
//   reposcope-make-gguf OUT.gguf [--embd N --ff N --blocks N --heads N --heads-kv N
//                                 --context N] [--broken KIND]
//   KIND: truncated | no-ff-length | no-head-count | wrong-shape | huge-count
#include "ggufwriter.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cstdio>
#include <cstring>
#include <optional>

namespace {

using reposcope::test::TinyLlamaOptions;

constexpr const char *kUsage =
    "usage: reposcope-make-gguf OUT.gguf [--embd N] [--ff N] [--blocks N] [--heads N]\n"
    "                           [--heads-kv N] [--context N]\n"
    "                           [--broken truncated|no-ff-length|no-head-count|wrong-shape|"
    "huge-count]\n";

struct Args {
    QString out;
    TinyLlamaOptions options;
    QByteArray broken;
};

bool parseCount(const char *text, quint32 &value) {
    bool ok = false;
    const uint v = QByteArray(text).toUInt(&ok);
    if (!ok || v == 0)
        return false;
    value = v;
    return true;
}

quint32 *numericOption(TinyLlamaOptions &o, const QByteArray &name) {
    if (name == "--embd")
        return &o.embd;
    if (name == "--ff")
        return &o.ff;
    if (name == "--blocks")
        return &o.blocks;
    if (name == "--heads")
        return &o.heads;
    if (name == "--heads-kv")
        return &o.headsKv;
    if (name == "--context")
        return &o.context;
    return nullptr;
}

std::optional<Args> parseArgs(int argc, char **argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (!arg.startsWith("--")) {
            if (!args.out.isEmpty())
                return std::nullopt;
            args.out = QString::fromLocal8Bit(arg);
            continue;
        }
        if (i + 1 >= argc)
            return std::nullopt;
        const char *value = argv[++i];
        if (arg == "--broken") {
            args.broken = value;
        } else if (quint32 *field = numericOption(args.options, arg)) {
            if (!parseCount(value, *field))
                return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    if (args.out.isEmpty() || args.options.embd % args.options.heads != 0 ||
        args.options.heads % args.options.headsKv != 0)
        return std::nullopt;
    return args;
}

// The file's bytes for `args`, or an empty array for an unknown broken kind.
QByteArray buildBytes(Args args) {
    const QByteArray &kind = args.broken;
    if (kind.isEmpty())
        return reposcope::test::tinyLlama(args.options).build();
    if (kind == "truncated") {
        const QByteArray full = reposcope::test::tinyLlama(args.options).build();
        return full.left(full.size() / 2);
    }
    if (kind == "huge-count")
        return reposcope::test::tinyLlama(args.options).build(3, qint64(1) << 40);
    if (kind == "no-ff-length")
        args.options.feedForwardLength = false;
    else if (kind == "no-head-count")
        args.options.headCount = false;
    else if (kind == "wrong-shape")
        args.options.correctShapes = false;
    else
        return {};
    return reposcope::test::tinyLlama(args.options).build();
}

} // namespace

int main(int argc, char **argv) {
    const std::optional<Args> args = parseArgs(argc, argv);
    if (!args) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const QByteArray bytes = buildBytes(*args);
    if (bytes.isEmpty()) {
        std::fprintf(stderr, "reposcope-make-gguf: unknown --broken kind '%s'\n%s",
                     args->broken.constData(), kUsage);
        return 2;
    }
    QFile file(args->out);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "reposcope-make-gguf: cannot write %s: %s\n", qPrintable(args->out),
                     qPrintable(file.errorString()));
        return 1;
    }
    return 0;
}
