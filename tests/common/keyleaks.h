// SPDX-License-Identifier: MIT
#pragma once
// Looking for an API key where it must never be: every form a leak could take (verbatim,
// percent-encoded, base64 at each byte alignment, a leading part of it), in bytes, files
// and folders; and every log line written meanwhile.

#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QList>
#include <QLoggingCategory>
#include <QMutex>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace reposcope::test {

// A fresh key in the shape of a cloud provider's ("sk-" and 40 random letters and digits),
// so that no test depends on one fixed string.
inline QString randomApiKey(const QString &prefix = QStringLiteral("sk-")) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString key = prefix;
    for (int i = 0; i < 40; ++i)
        key += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(62)]);
    return key;
}

// The byte strings whose presence means the key leaked. Base64 is searched at all three
// alignments (the key inside a longer encoded text): the middle of each encoding, which
// depends on key bytes only. The leading 12 characters catch a key cut off by a length
// limit (the mask keeps only 4).
inline QList<QByteArray> keyLeakForms(const QString &key) {
    const QByteArray k = key.toUtf8();
    QList<QByteArray> forms{k, QUrl::toPercentEncoding(key), k.left(12)};
    for (int pad = 0; pad < 3; ++pad) {
        const QByteArray padded = QByteArray(pad, 'A') + k;
        for (const auto option : {QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding}) {
            const QByteArray encoded = padded.toBase64(option);
            forms << encoded.mid(4, encoded.size() - 8);
        }
    }
    return forms;
}

// The first form of `key` found in `bytes` (also as UTF-16, for files written that way),
// or empty.
inline QByteArray keyLeakIn(const QByteArray &bytes, const QString &key) {
    for (const QByteArray &form : keyLeakForms(key)) {
        const QString text = QString::fromLatin1(form);
        const QByteArray utf16(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
        if (bytes.contains(form) || bytes.contains(utf16))
            return form;
    }
    return {};
}

// "path: form" for each file under `dir` (recursively, hidden files included) holding the
// key in some form; `scanned` counts the files read, so a test can show it looked.
inline QStringList keyLeaksUnder(const QString &dir, const QString &key, int *scanned = nullptr) {
    QStringList leaks;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        if (scanned)
            ++*scanned;
        if (const QByteArray form = keyLeakIn(file.readAll(), key); !form.isEmpty())
            leaks << path + QStringLiteral(": ") + QString::fromLatin1(form);
    }
    return leaks;
}

// Every message any category logs while it lives, all reposcope.* categories on at debug.
class LogCapture {
public:
    LogCapture() {
        s_lines.clear();
        QLoggingCategory::setFilterRules(QStringLiteral("reposcope.*=true"));
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture() {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    static QByteArray all() {
        QMutexLocker lock(&s_mutex);
        return s_lines.join('\n');
    }
    static int count() {
        QMutexLocker lock(&s_mutex);
        return int(s_lines.size());
    }

private:
    static void handle(QtMsgType, const QMessageLogContext &context, const QString &message) {
        QMutexLocker lock(&s_mutex);
        s_lines << QByteArray(context.category ? context.category : "") + ": " + message.toUtf8();
    }
    static inline QMutex s_mutex;
    static inline QList<QByteArray> s_lines;
    QtMessageHandler m_previous = nullptr;
};

} // namespace reposcope::test
