// SPDX-License-Identifier: MIT
// Fuzz target: image preparation (format sniffing, truncation and metadata checks, Qt's
// decoders, the fast PNG decoder, scaling and re-encoding to the limits).
#include "fuzzcheck.h"
#include "fuzztargets.h"

#include "images/imagedecode.h"
#include "images/imageencode.h"
#include "images/imageformat.h"
#include "images/imageprep.h"
#include "images/pngfast.h"

#include <QBuffer>
#include <QImageReader>
#include <QtEndian>

#include <libdeflate.h>

namespace reposcope::fuzz::image {

namespace {

constexpr const char *kName = "image";

// Declared sizes above this are left out: refusing or bounding decoding bombs is the
// decoder limits' job (their own tests cover it), and one 15000² GIF costs seconds, which
// would starve the loop. Everything up to 2048² is fuzzed.
constexpr qint64 kMaxFuzzedPixels = 2048 * 2048;
// The fast PNG decoder is compared with Qt's pixel by pixel up to this size.
constexpr qint64 kMaxComparedPixels = 256 * 256;

QString sizeText(QSize s) {
    return QStringLiteral("%1x%2").arg(s.width()).arg(s.height());
}

// A GIF's logical screen, which Qt allocates whole whatever QImageReader::size() says
// (a 178-byte GIF declaring 61708×3816 took 940 MB).
QSize gifScreen(const QByteArray &bytes) {
    if (bytes.size() < 10)
        return {};
    const auto *d = reinterpret_cast<const uchar *>(bytes.constData());
    return QSize(qFromLittleEndian<quint16>(d + 6), qFromLittleEndian<quint16>(d + 8));
}

QSize declaredSize(const QByteArray &bytes, const QByteArray &format) {
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, format);
    return reader.size();
}

std::vector<images::PrepareLimits> limitSets() {
    std::vector<images::PrepareLimits> sets;
    sets.push_back(images::defaultLimits());
    images::PrepareLimits small;
    small.maxLongEdge = 48;
    small.mimeTypes = {QStringLiteral("image/png")};
    sets.push_back(small);
    images::PrepareLimits budget;
    budget.maxPixels = 3000;
    budget.maxBytesPerImage = 6000;
    budget.mimeTypes = {QStringLiteral("image/jpeg"), QStringLiteral("image/webp")};
    sets.push_back(budget);
    return sets;
}

void checkPrepared(const QByteArray &bytes, const images::PrepareLimits &limits, int set) {
    const auto r = images::prepareImage(bytes, QStringLiteral("fuzz.img"), limits);
    const QString where = QStringLiteral("limit set %1").arg(set);
    if (!r) {
        const QString problem = errorTextProblem(r.error().message);
        FUZZ_CHECK(problem.isEmpty(), kName, where + QStringLiteral(": ") + problem);
        FUZZ_CHECK(r.error().code == Error::Code::InvalidData, kName,
                   where + QStringLiteral(": error code %1").arg(int(r.error().code)));
        FUZZ_CHECK(!r.error().message.contains(QLatin1String("fuzz.img")), kName,
                   where + QStringLiteral(": the error repeats the name"));
        return;
    }
    const images::PreparedImage &p = *r;
    const QSize sent = p.sentSize;
    FUZZ_CHECK(!sent.isEmpty(), kName, where + QStringLiteral(": sent size ") + sizeText(sent));
    const int longEdge = images::effectiveLongEdge(limits);
    FUZZ_CHECK(
        qMax(sent.width(), sent.height()) <= longEdge, kName,
        where + QStringLiteral(": sent %1, long edge limit %2").arg(sizeText(sent)).arg(longEdge));
    if (limits.maxPixels > 0)
        FUZZ_CHECK(qint64(sent.width()) * sent.height() <= limits.maxPixels, kName,
                   where + QStringLiteral(": sent %1, pixel limit %2")
                               .arg(sizeText(sent))
                               .arg(limits.maxPixels));
    if (p.originalFormat != "svg")
        FUZZ_CHECK(sent.width() <= p.originalSize.width() &&
                       sent.height() <= p.originalSize.height(),
                   kName,
                   where + QStringLiteral(": upscaled %1 to %2")
                               .arg(sizeText(p.originalSize), sizeText(sent)));
    FUZZ_CHECK(
        !p.part.data.isEmpty() && p.part.mimeType.startsWith("image/"), kName,
        where +
            QStringLiteral(": empty part or type %1").arg(QString::fromLatin1(p.part.mimeType)));
    if (!limits.mimeTypes.isEmpty())
        FUZZ_CHECK(limits.mimeTypes.contains(QString::fromLatin1(p.part.mimeType)), kName,
                   where + QStringLiteral(": sent %1, not accepted")
                               .arg(QString::fromLatin1(p.part.mimeType)));
    if (limits.maxBytesPerImage > 0)
        FUZZ_CHECK(
            images::dataUrlBytes(p.part.data.size(), p.part.mimeType) <= limits.maxBytesPerImage,
            kName,
            where + QStringLiteral(": %1 bytes sent over the limit").arg(p.part.data.size()));
    if (!p.reencoded)
        FUZZ_CHECK(p.part.data == bytes, kName,
                   where + QStringLiteral(": not re-encoded, yet changed"));
    // What is sent decodes, at the size the UI and the token count were given.
    const QSize decodedSent = declaredSize(p.part.data, p.part.mimeType.mid(6));
    FUZZ_CHECK(decodedSent == sent, kName,
               where + QStringLiteral(": the sent bytes are %1, reported %2")
                           .arg(sizeText(decodedSent), sizeText(sent)));
    FUZZ_CHECK(qMax(p.thumbnail.width(), p.thumbnail.height()) <= 160 && !p.thumbnail.isNull(),
               kName, where + QStringLiteral(": thumbnail %1").arg(sizeText(p.thumbnail.size())));
    FUZZ_CHECK(p.tokens.tokens > 0, kName,
               where + QStringLiteral(": %1 tokens").arg(p.tokens.tokens));
}

// The fast decoder gives a null image or one of the asked size; at full size it agrees
// with Qt's decoder pixel for pixel (it only takes files Qt reads the same way).
void checkFastPng(const QByteArray &bytes) {
    if (bytes.size() < 24)
        return;
    const auto *d = reinterpret_cast<const uchar *>(bytes.constData());
    const QSize stored(int(qFromBigEndian<quint32>(d + 16) & 0x7fffffff),
                       int(qFromBigEndian<quint32>(d + 20) & 0x7fffffff));
    if (stored.isEmpty() || qint64(stored.width()) * stored.height() > kMaxFuzzedPixels)
        return;
    for (const QSize target : {images::fitSize(stored, 37, 0), images::fitSize(stored, 0, 1000)}) {
        const QImage fast = images::decodePngFast(bytes, target);
        FUZZ_CHECK(fast.isNull() || fast.size() == target, kName,
                   QStringLiteral("decodePngFast gave %1 for %2")
                       .arg(sizeText(fast.size()), sizeText(target)));
    }
    const QImage full = images::decodePngFast(bytes, stored);
    if (full.isNull())
        return;
    FUZZ_CHECK(full.size() == stored, kName, QStringLiteral("decodePngFast at full size"));
    if (qint64(stored.width()) * stored.height() > kMaxComparedPixels)
        return;
    QImage qt = QImage::fromData(bytes, "png");
    FUZZ_CHECK(!qt.isNull(), kName, QStringLiteral("decodePngFast read a PNG that Qt refuses"));
    if (qt.isNull())
        return;
    qt.convertTo(full.format());
    FUZZ_CHECK(qt == full, kName, QStringLiteral("decodePngFast and Qt disagree on the pixels"));
}

// Every chunk's CRC made right, so mutations of lengths and fields get past the check.
QByteArray withRepairedCrcs(QByteArray png) {
    auto *d = reinterpret_cast<uchar *>(png.data());
    for (qsizetype pos = 8; pos + 12 <= png.size();) {
        const quint32 length = qFromBigEndian<quint32>(d + pos);
        if (length > quint64(png.size() - pos - 12))
            break;
        qToBigEndian<quint32>(quint32(libdeflate_crc32(0, d + pos + 4, length + 4)),
                              d + pos + 8 + length);
        pos += 12 + qsizetype(length);
    }
    return png;
}

void runOn(const QByteArray &bytes) {
    const QByteArray format = images::sniffFormat(bytes);
    // Only a file that passes the truncation check reaches Qt's decoders in prepareImage;
    // asking Qt for the size of any other can cost what prepareImage never spends (libpng
    // allocates a chunk's declared length, up to 2 GB, before reading it).
    const bool reachesQt = images::truncationProblem(bytes, format).isEmpty();
    if (reachesQt && !format.isEmpty() && format != "svg") {
        for (const QSize declared :
             {declaredSize(bytes, format), format == "gif" ? gifScreen(bytes) : QSize()}) {
            if (declared.isValid() &&
                qint64(declared.width()) * declared.height() > kMaxFuzzedPixels)
                return;
        }
    }
    // The cheap checks on their own, as prepareImage calls them.
    (void)images::hasMetadata(bytes, format);
    (void)images::truncationProblem(bytes, format);
    const auto sets = limitSets();
    for (size_t i = 0; i < sets.size(); ++i)
        checkPrepared(bytes, sets[i], int(i));
    if (format == "png")
        checkFastPng(bytes);
}

} // namespace

int fuzzOne(const uint8_t *data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    runOn(bytes);
    if (images::sniffFormat(bytes) == "png") {
        const QByteArray repaired = withRepairedCrcs(bytes);
        if (repaired != bytes)
            runOn(repaired);
    }
    return 0;
}

} // namespace reposcope::fuzz::image
