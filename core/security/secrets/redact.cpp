// SPDX-License-Identifier: MIT
#include "security/secrets/secrethit.h"

#include <algorithm>

namespace reposcope::security::secrets {

namespace {

// The hits sorted by start, overlaps dropped (the first one found at a place wins).
QList<const SecretHit *> ordered(const QList<SecretHit> &hits) {
    QList<const SecretHit *> sorted;
    for (const SecretHit &h : hits)
        sorted << &h;
    std::sort(sorted.begin(), sorted.end(), [](const SecretHit *a, const SecretHit *b) {
        return a->begin < b->begin || (a->begin == b->begin && a->end > b->end);
    });
    QList<const SecretHit *> kept;
    for (const SecretHit *h : sorted)
        if (kept.isEmpty() || h->begin >= kept.back()->end)
            kept << h;
    return kept;
}

template <typename Text>
Text redactSpan(const Text &span, const Text &marker, typename Text::value_type nl,
                typename Text::value_type cr) {
    Text out = marker;
    for (qsizetype i = 0; i < span.size(); ++i) {
        if (span[i] != nl)
            continue;
        if (i > 0 && span[i - 1] == cr)
            out += cr;
        out += nl;
        out += marker;
    }
    return out;
}

} // namespace

QString maskSecret(QByteArrayView secret) {
    const QByteArray s = secret.toByteArray();
    if (s.startsWith("-----BEGIN ") || s.startsWith("PuTTY-User-Key-File")) {
        qsizetype eol = s.indexOf('\n');
        QByteArray first = eol < 0 ? s : s.left(eol);
        const qsizetype escaped = first.indexOf("\\n");
        if (escaped >= 0)
            first = first.left(escaped);
        if (first.endsWith('\r'))
            first.chop(1);
        return QString::fromUtf8(first) + QStringLiteral("…");
    }
    const QString text = QString::fromUtf8(s);
    const qsizetype n = text.size();
    if (n >= 16)
        return text.left(4) + QStringLiteral("…") + text.right(2);
    if (n >= 8)
        return text.left(2) + QStringLiteral("…") + text.right(1);
    return QStringLiteral("…");
}

QString redactionMarker(const QString &ruleId) {
    return QStringLiteral("«redacted:") + ruleId + QStringLiteral("»");
}

QByteArray redact(QByteArrayView text, const QList<SecretHit> &hits) {
    QByteArray out;
    out.reserve(text.size());
    qsizetype pos = 0;
    for (const SecretHit *h : ordered(hits)) {
        if (h->begin < pos || h->end > text.size())
            continue;
        out += text.sliced(pos, h->begin - pos);
        out += redactSpan(text.sliced(h->begin, h->end - h->begin).toByteArray(),
                          redactionMarker(h->ruleId).toUtf8(), '\n', '\r');
        pos = h->end;
    }
    out += text.sliced(pos);
    return out;
}

QString redact(const QString &text, const QList<SecretHit> &hits) {
    QString out;
    out.reserve(text.size());
    qsizetype pos = 0;
    for (const SecretHit *h : ordered(hits)) {
        if (h->begin < pos || h->end > text.size())
            continue;
        out += QStringView(text).sliced(pos, h->begin - pos);
        out += redactSpan(text.sliced(h->begin, h->end - h->begin), redactionMarker(h->ruleId),
                          QChar(u'\n'), QChar(u'\r'));
        pos = h->end;
    }
    out += QStringView(text).sliced(pos);
    return out;
}

} // namespace reposcope::security::secrets
