// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>

namespace reposcope::tokenize {

// A learned correction for approximate counts: the ratio of the prompt tokens a backend
// reported (`usage.prompt_tokens`) to what RepoScope counted for the same request.
struct Correction {
    double factor = 1.0; // multiply approximate counts by this
    int samples = 0;     // requests it rests on
};

// Learns one Correction per key (backend + model + tokenizer id) from reported usage and
// persists them in a small JSON file. Not thread-safe: lives on the UI thread.
class CorrectionStore {
public:
    // file: where corrections persist; "" keeps them in memory only.
    explicit CorrectionStore(QString file);

    static QString defaultFile();
    static QString keyFor(const QString &provider, const QString &model,
                          const QString &tokenizerId);

    Correction correction(const QString &key) const;
    // Records one request: `counted` tokens by our tokenizer, `reported` by the backend.
    // Ignores nonsense (non-positive figures or a ratio outside 0.25..4, which means the
    // request held more than the counted text, e.g. a long conversation).
    void record(const QString &key, qint64 counted, qint64 reported);

private:
    struct Sums {
        double counted = 0;
        double reported = 0;
        int samples = 0;
    };
    void save() const;

    QString m_file;
    QHash<QString, Sums> m_sums;
};

} // namespace reposcope::tokenize
