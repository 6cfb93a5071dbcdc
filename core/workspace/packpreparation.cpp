// SPDX-License-Identifier: MIT
#include "workspace/packpreparation.h"

#include "security/secrets/secretscanner.h"
#include "tokenize/tokenizer.h"

#include <QBuffer>

#include <algorithm>
#include <numeric>

namespace reposcope::workspace {

using security::secrets::SecretHit;

namespace {

// Sorts `hits` into `report` by `policy`; returns those to replace by markers.
QList<SecretHit> classify(const QList<SecretHit> &hits, const RedactionPolicy &policy,
                          SecretReport *report) {
    QList<SecretHit> toRedact;
    for (const SecretHit &hit : hits) {
        if (policy.allow.allows(hit)) {
            report->allowed << hit;
        } else if (policy.redact) {
            report->redacted << hit;
            toRedact << hit;
        } else {
            report->warned << hit;
        }
    }
    return toRedact;
}

// A file's content as the pack holds it, split into the line-number prefixes
// (PackFormat::linePrefix) and the text the prefixes were put before. All prefixes of a
// file have the same width (findings/sourceset.cpp removes them the same way).
struct NumberedContent {
    QList<QByteArrayView> prefixes; // one per line
    QByteArray text;
};

NumberedContent splitNumbered(QByteArrayView numbered) {
    NumberedContent out;
    const qsizetype colon = numbered.indexOf(QByteArrayView(": "));
    const qsizetype prefix = colon < 0 ? 0 : colon + 2;
    out.text.reserve(numbered.size());
    qsizetype pos = 0;
    while (pos < numbered.size()) {
        const qsizetype nl = numbered.indexOf('\n', pos);
        const qsizetype stop = nl < 0 ? numbered.size() : nl + 1;
        const qsizetype from = std::min(pos + prefix, stop);
        out.prefixes << numbered.sliced(pos, from - pos);
        out.text.append(numbered.sliced(from, stop - from));
        pos = stop;
    }
    return out;
}

// `text` (redacted, with as many lines as before) with the prefixes put back.
QByteArray joinNumbered(const QList<QByteArrayView> &prefixes, QByteArrayView text) {
    QByteArray out;
    out.reserve(text.size() + prefixes.size() * (prefixes.isEmpty() ? 0 : prefixes[0].size()));
    qsizetype pos = 0;
    for (qsizetype line = 0; pos < text.size() || line < prefixes.size(); ++line) {
        if (line < prefixes.size())
            out += prefixes[line];
        if (pos >= text.size())
            continue;
        const qsizetype nl = text.indexOf('\n', pos);
        const qsizetype stop = nl < 0 ? text.size() : nl + 1;
        out.append(text.sliced(pos, stop - pos));
        pos = stop;
    }
    return out;
}

// One file's content handled by `policy`: the new content (the same bytes when nothing
// was redacted).
QByteArray redactContent(QByteArrayView content, const QByteArray &path, bool lineNumbers,
                         const RedactionPolicy &policy, SecretReport *report) {
    if (!lineNumbers) {
        const QList<SecretHit> toRedact =
            classify(policy.scanner->scan(content, path), policy, report);
        return toRedact.isEmpty() ? content.toByteArray()
                                  : security::secrets::redact(content, toRedact);
    }
    // Scanned without the prefixes: a multi-line key is whole again, and lines and columns
    // are the file's own.
    const NumberedContent split = splitNumbered(content);
    const QList<SecretHit> toRedact =
        classify(policy.scanner->scan(QByteArrayView(split.text), path), policy, report);
    if (toRedact.isEmpty())
        return content.toByteArray();
    return joinNumbered(split.prefixes,
                        security::secrets::redact(QByteArrayView(split.text), toRedact));
}

} // namespace

void SecretReport::append(const SecretReport &other) {
    redacted += other.redacted;
    allowed += other.allowed;
    warned += other.warned;
}

RedactedPack redactPack(QByteArray pack, prompt::PackManifest manifest,
                        const RedactionPolicy &policy, bool lineNumbers) {
    RedactedPack out;
    if (!policy.scanner) {
        out.text = std::move(pack);
        out.manifest = std::move(manifest);
        return out;
    }
    // Pack order is offset order; sorted anyway so that the copy below walks forward.
    std::vector<qsizetype> order(manifest.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&manifest](qsizetype a, qsizetype b) {
        return manifest[a].offset < manifest[b].offset;
    });
    QByteArray text;
    text.reserve(pack.size());
    qsizetype pos = 0;
    bool changed = false;
    for (const qsizetype index : order) {
        prompt::PackedFile &file = manifest[index];
        if (file.offset < pos || file.length < 0 || file.offset + file.length > pack.size())
            continue; // not a segment of this pack: left where it is
        const QByteArrayView content = QByteArrayView(pack).sliced(file.offset, file.length);
        const QByteArray redacted =
            redactContent(content, file.path, lineNumbers, policy, &out.secrets);
        text.append(QByteArrayView(pack).sliced(pos, file.offset - pos));
        pos = file.offset + file.length;
        file.offset = text.size();
        file.length = redacted.size();
        text.append(redacted);
        changed = changed || QByteArrayView(redacted) != content;
    }
    if (!changed) {
        // Nothing replaced: the offsets are the old ones; keep the original bytes (no copy).
        out.text = std::move(pack);
    } else {
        text.append(QByteArrayView(pack).sliced(pos));
        out.text = std::move(text);
    }
    out.manifest = std::move(manifest);
    return out;
}

qint64 redactionTokenDelta(const QByteArray &pack, const prompt::PackManifest &manifest,
                           const RedactedPack &redacted, const tokenize::Tokenizer &tokenizer) {
    qint64 delta = 0;
    if (pack.constData() == redacted.text.constData())
        return 0; // nothing replaced: redactPack handed the same bytes back
    for (qsizetype i = 0; i < manifest.size() && i < redacted.manifest.size(); ++i) {
        const prompt::PackedFile &was = manifest[i];
        const prompt::PackedFile &now = redacted.manifest[i];
        if (was.offset < 0 || was.offset + was.length > pack.size() || now.offset < 0 ||
            now.offset + now.length > redacted.text.size())
            continue;
        const QByteArrayView old = QByteArrayView(pack).sliced(was.offset, was.length);
        const QByteArrayView sent = QByteArrayView(redacted.text).sliced(now.offset, now.length);
        if (old == sent)
            continue;
        delta += tokenizer.count(std::string_view(sent.data(), size_t(sent.size()))) -
                 tokenizer.count(std::string_view(old.data(), size_t(old.size())));
    }
    return delta;
}

QString redactText(const QString &text, const QString &label, const RedactionPolicy &policy,
                   SecretReport *report) {
    if (!policy.scanner || text.isEmpty())
        return text;
    SecretReport mine;
    const QList<SecretHit> toRedact =
        classify(policy.scanner->scan(text, label.toUtf8()), policy, &mine);
    if (report)
        report->append(mine);
    return toRedact.isEmpty() ? text : security::secrets::redact(text, toRedact);
}

Result<PreparedPack> preparePack(repo::SnapshotPtr snapshot, const std::vector<int> &files,
                                 const prompt::PackFormat &format, QThreadPool *pool,
                                 const std::atomic_bool *cancel, const RedactionPolicy &policy,
                                 const tokenize::Tokenizer &tokenizer) {
    QByteArray written;
    QBuffer buffer(&written);
    buffer.open(QIODevice::WriteOnly);
    // The pool runs this task, so the writer's own parallel reads get one thread less.
    Result<prompt::PackStats> stats =
        prompt::writePack(*snapshot, files, format, buffer, pool, cancel);
    if (!stats)
        return stats.error();
    buffer.close();
    if (cancel && cancel->load())
        return Error::make(Error::Code::Cancelled, QStringLiteral("Packing was stopped."));
    PreparedPack pack;
    pack.files = stats->files;
    pack.problems = stats->problems;
    const prompt::PackManifest before = stats->manifest;
    RedactedPack redacted =
        redactPack(written, std::move(stats->manifest), policy, format.options().lineNumbers);
    pack.tokenDelta = redactionTokenDelta(written, before, redacted, tokenizer);
    pack.secrets = std::move(redacted.secrets);
    // Listing the snapshot's paths is linear in its size: done here, off the UI thread.
    pack.sources = findings::makePackSourceSet(std::move(snapshot), redacted.text,
                                               std::move(redacted.manifest), format.options());
    pack.text = std::move(redacted.text);
    return pack;
}

} // namespace reposcope::workspace
