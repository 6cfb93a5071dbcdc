// SPDX-License-Identifier: MIT
#pragma once

#include "images/imageprep.h"
#include "llm/client/chatrequest.h"
#include "repo/reposnapshot.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>

class QImage;
class QMimeData;
class QThreadPool;

namespace reposcope::llm {
struct ModelEntry;
struct ProviderEntry;
} // namespace reposcope::llm

namespace reposcope::ui {

/// One image attached to the next question, as the strip shows it.
struct Attachment {
    enum class State { Preparing, Ready, Failed };
    int id = 0;
    QString name; // file name or "pasted image"
    State state = State::Preparing;
    /// The prepared image (Ready); kept while it is prepared again for another model.
    std::optional<images::PreparedImage> image;
    QString error;     // Failed: what is wrong and what to do
    QString exclusion; // why a ready image is not sent to the chosen model ("" = it is sent)
    bool sendable() const { return state == State::Ready && exclusion.isEmpty(); }
};

/// The images attached to the next question: prepares each one to the chosen model's limits on
/// the injected pool (QtConcurrent + a QFutureWatcher per image; cancellable), prepares them again
/// when the limits change, counts their tokens by the model's rule and decides which are sent:
/// none to a model without vision, at most maxImagesPerRequest (the first ones attached), never a
/// failed one (a failure never blocks the others).
///
/// The model is set with setModel(); until a vision model is chosen attaching is refused with
/// disabledReason(). Ownership: the pool is not owned and must outlive the controller; the
/// destructor cancels running preparations and waits for them. UI thread only.
class AttachmentController : public QObject {
    Q_OBJECT
public:
    /// Produces the prepared image on the pool (blocking); must be thread-safe and own what it
    /// reads (it is run again when the limits change).
    using Preparer = std::function<Result<images::PreparedImage>(const images::PrepareLimits &,
                                                                 const std::atomic_bool *)>;

    explicit AttachmentController(QThreadPool *pool, QObject *parent = nullptr);
    ~AttachmentController() override;

    /// The chosen provider and model (null: none). Ready images are prepared again only when the
    /// limits they were prepared to change; a model without vision keeps them, unsent.
    void setModel(const llm::ProviderEntry *provider, const llm::ModelEntry *model);
    bool canAttach() const { return m_vision; }
    /// Why attaching is disabled ("" when it is not).
    QString disabledReason() const;
    int maxImagesPerRequest() const { return m_limits.maxImagesPerRequest; }
    const images::PrepareLimits &limits() const { return m_limits; }

    /// Each add returns the new attachment's id, or 0 when attaching is disabled (attachRefused
    /// is emitted with the reason). Reading and decoding happen on the pool.
    int addFile(const QString &path);
    int addBytes(const QByteArray &bytes, const QString &name);
    int addImage(const QImage &image, const QString &name);
    /// A file of a repository snapshot, read through the snapshot's content reader (the working
    /// tree or git's object database).
    int addSnapshotFile(const repo::SnapshotPtr &snapshot, int node);
    int addSource(const QString &name, Preparer preparer);
    /// Attaches the image files (local URLs that look like images) or else the image a drop or
    /// paste carries. Returns how many were attached.
    int addMimeData(const QMimeData *mime);
    /// A drop or paste carries something addMimeData() would attach.
    static bool hasImages(const QMimeData *mime);

    void remove(int id);
    void clear();

    const QList<Attachment> &attachments() const { return m_items; }
    const Attachment *find(int id) const;
    bool isEmpty() const { return m_items.isEmpty(); }
    bool isPreparing() const;
    int sendableCount() const;
    int unsentCount() const; // failed or excluded
    /// What the next question sends: the sendable images, in the order attached.
    QList<llm::ImagePart> sendableImages() const;
    /// Tokens of the sendable images; exact only when every rule applied is exact.
    images::ImageTokens tokens() const;

Q_SIGNALS:
    /// The list, a state or an exclusion changed.
    void attachmentsChanged();
    void tokensChanged(qint64 tokens, bool exact);
    /// An add was refused (no vision model); `reason` says what to do.
    void attachRefused(const QString &reason);

private:
    struct Job {
        Preparer preparer;
        std::shared_ptr<std::atomic_bool> cancel;
        quint64 generation = 0;
    };

    Attachment *item(int id);
    void start(int id);
    void cancelJob(Job &job);
    void onPrepared(int id, quint64 generation, const Result<images::PreparedImage> &result);
    void applyExclusions();
    void publish();

    QThreadPool *m_pool;
    QList<Attachment> m_items;
    std::map<int, Job> m_jobs;
    QList<QFuture<Result<images::PreparedImage>>> m_running; // waited for on destruction
    images::PrepareLimits m_limits;
    bool m_vision = false;
    bool m_haveModel = false;
    QString m_modelName;
    int m_nextId = 1;
    quint64 m_nextGeneration = 1;
    qint64 m_lastTokens = -1;
    bool m_lastExact = true;
};

} // namespace reposcope::ui
