// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

// Reading what a chat request carried, for the tests that check the parts a loopback server
// received: the content parts of a message and the data URLs of its images.
namespace reposcope::test {

// The content parts of the last message of a chat-completions request body (empty when
// that content is a plain string or the body is not JSON).
inline QJsonArray lastMessageParts(const QByteArray &body) {
    return QJsonDocument::fromJson(body)
        .object()
        .value(QLatin1String("messages"))
        .toArray()
        .last()
        .toObject()
        .value(QLatin1String("content"))
        .toArray();
}

// The URL of an `image_url` part ("" for any other part).
inline QString imageUrlOf(const QJsonValue &part) {
    return part.toObject()
        .value(QLatin1String("image_url"))
        .toObject()
        .value(QLatin1String("url"))
        .toString();
}

struct DataUrl {
    QByteArray mimeType; // empty when the URL is not a base64 data URL
    QByteArray bytes;
};

// "data:image/png;base64,..." → its type and decoded bytes.
inline DataUrl parseDataUrl(const QString &url) {
    const QByteArray raw = url.toLatin1();
    const qsizetype marker = raw.indexOf(";base64,");
    if (!raw.startsWith("data:") || marker < 0)
        return {};
    const auto decoded = QByteArray::fromBase64Encoding(raw.mid(marker + 8),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return {};
    return {raw.mid(5, marker - 5), *decoded};
}

} // namespace reposcope::test
