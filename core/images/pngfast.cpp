// SPDX-License-Identifier: MIT
#include "images/pngfast.h"

#include "images/boxscaler.h"
#include "images/imagedecode.h"

#include <QtEndian>

#include <libdeflate.h>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <vector>

namespace reposcope::images {

namespace {

struct Header {
    int width = 0;
    int height = 0;
    int channels = 0; // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
    bool alpha() const { return channels == 2 || channels == 4; }
};

quint32 bigEndian32(const uchar *p) {
    return qFromBigEndian<quint32>(p);
}

bool isType(const uchar *type, const char *name) {
    return std::memcmp(type, name, 4) == 0;
}

// Ancillary chunks that change no pixel as Qt decodes them; any other is left to Qt.
bool isHarmless(const uchar *type) {
    for (const char *name : {"tEXt", "zTXt", "iTXt", "pHYs", "tIME", "sRGB"})
        if (isType(type, name))
            return true;
    return false;
}

bool readHeader(const uchar *data, quint32 length, Header &header) {
    if (length != 13)
        return false;
    const quint32 width = bigEndian32(data);
    const quint32 height = bigEndian32(data + 4);
    if (width == 0 || height == 0 || qint64(width) * height > kMaxDecodePixels)
        return false;
    // Depth 8, deflate, adaptive filtering, not interlaced.
    if (data[8] != 8 || data[10] != 0 || data[11] != 0 || data[12] != 0)
        return false;
    const int channels[] = {1, 0, 3, 0, 2, 0, 4};
    header.channels = data[9] < 7 ? channels[data[9]] : 0;
    header.width = int(width);
    header.height = int(height);
    return header.channels != 0;
}

// Walks the chunks, checking every CRC; fills `header` and concatenates the IDAT data.
bool readChunks(const QByteArray &bytes, Header &header, QByteArray &idat) {
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype size = bytes.size();
    if (size < 8 || std::memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
        return false;
    idat.reserve(size);
    for (qsizetype pos = 8; pos + 12 <= size;) {
        const quint32 length = bigEndian32(data + pos);
        if (length > quint64(size - pos - 12))
            return false;
        const uchar *type = data + pos + 4;
        const uchar *body = type + 4;
        if (bigEndian32(body + length) != libdeflate_crc32(0, type, length + 4))
            return false;
        if ((pos == 8) != isType(type, "IHDR"))
            return false;
        if (pos == 8) {
            if (!readHeader(body, length, header))
                return false;
        } else if (isType(type, "IDAT")) {
            idat.append(reinterpret_cast<const char *>(body), length);
        } else if (isType(type, "IEND")) {
            return !idat.isEmpty();
        } else if (!isHarmless(type)) {
            return false;
        }
        pos += 12 + qsizetype(length);
    }
    return false; // no IEND: truncated
}

int paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

// Undoes one row's filter in place; `up` is the unfiltered row above (zeros for the first).
bool unfilter(uchar filter, uchar *row, const uchar *up, qsizetype length, int bpp) {
    switch (filter) {
    case 0:
        return true;
    case 1:
        for (qsizetype i = bpp; i < length; ++i)
            row[i] = uchar(row[i] + row[i - bpp]);
        return true;
    case 2:
        for (qsizetype i = 0; i < length; ++i)
            row[i] = uchar(row[i] + up[i]);
        return true;
    case 3:
        for (qsizetype i = 0; i < length; ++i)
            row[i] = uchar(row[i] + ((i >= bpp ? row[i - bpp] : 0) + up[i]) / 2);
        return true;
    case 4:
        for (qsizetype i = 0; i < length; ++i)
            row[i] = uchar(
                row[i] + (i >= bpp ? paeth(row[i - bpp], up[i], up[i - bpp]) : paeth(0, up[i], 0)));
        return true;
    default:
        return false;
    }
}

void writeRow(const uchar *p, int width, int channels, QRgb *line) {
    for (int x = 0; x < width; ++x, p += channels) {
        switch (channels) {
        case 1:
            line[x] = qRgb(p[0], p[0], p[0]);
            break;
        case 2:
            line[x] = qRgba(p[0], p[0], p[0], p[1]);
            break;
        case 3:
            line[x] = qRgb(p[0], p[1], p[2]);
            break;
        default:
            line[x] = qRgba(p[0], p[1], p[2], p[3]);
        }
    }
}

// Tens of MB written once and read once: on Linux an anonymous mapping marked for
// transparent huge pages (where the kernel's "madvise" mode allows it), which turns ~18,000
// page faults of a 72 MB buffer into a few dozen; elsewhere plain new[].
class LargeBuffer {
public:
    explicit LargeBuffer(size_t size)
        : m_size(size) {
#ifdef Q_OS_LINUX
        void *mapped =
            mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped != MAP_FAILED) {
            madvise(mapped, size, MADV_HUGEPAGE);
            m_data = static_cast<uchar *>(mapped);
            m_mapped = true;
            return;
        }
#endif
        m_data = new (std::nothrow) uchar[size];
    }
    ~LargeBuffer() {
#ifdef Q_OS_LINUX
        if (m_mapped) {
            munmap(m_data, m_size);
            return;
        }
#endif
        delete[] m_data;
    }
    LargeBuffer(const LargeBuffer &) = delete;
    LargeBuffer &operator=(const LargeBuffer &) = delete;

    uchar *data() const {
        return m_data;
    }
    explicit operator bool() const {
        return m_data != nullptr;
    }

private:
    uchar *m_data = nullptr;
    size_t m_size = 0;
    bool m_mapped = false;
};

using Decompressor =
    std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)>;

// The inflated, still filtered rows, or nothing when the stream is damaged or the wrong size.
std::unique_ptr<LargeBuffer> inflate(const QByteArray &idat, size_t size) {
    auto out = std::make_unique<LargeBuffer>(size);
    const Decompressor decompressor(libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
    if (!*out || !decompressor)
        return {};
    size_t actual = 0;
    if (libdeflate_zlib_decompress(decompressor.get(), idat.constData(), size_t(idat.size()),
                                   out->data(), size, &actual) != LIBDEFLATE_SUCCESS ||
        actual != size)
        return {};
    return out;
}

} // namespace

QImage decodePngFast(const QByteArray &bytes, QSize target) {
    Header header;
    QByteArray idat;
    if (!readChunks(bytes, header, idat) || target.isEmpty() || target.width() > header.width ||
        target.height() > header.height)
        return {};
    const qsizetype rowBytes = qsizetype(header.width) * header.channels;
    const auto pixels = inflate(idat, size_t(rowBytes + 1) * size_t(header.height));
    idat = QByteArray();
    if (!pixels)
        return {};
    QImage out(target, header.alpha() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    if (out.isNull())
        return {};
    std::optional<BoxScaler> scaler;
    if (target != QSize(header.width, header.height))
        scaler.emplace(QSize(header.width, header.height), header.channels, out);
    const std::vector<uchar> zeros(size_t(rowBytes) + size_t(header.channels), 0);
    const uchar *up = zeros.data() + header.channels;
    for (int y = 0; y < header.height; ++y) {
        uchar *row = pixels->data() + size_t(y) * size_t(rowBytes + 1);
        if (!unfilter(row[0], row + 1, up, rowBytes, header.channels))
            return {};
        if (scaler)
            scaler->addRow(y, row + 1);
        else
            writeRow(row + 1, header.width, header.channels,
                     reinterpret_cast<QRgb *>(out.scanLine(y)));
        up = row + 1;
    }
    if (scaler)
        scaler->finish();
    return out;
}

} // namespace reposcope::images
