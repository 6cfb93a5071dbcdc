// SPDX-License-Identifier: MIT
#include "attachments/attachmentcontroller.h"

#include "llm/catalog/modelcatalog.h"
#include "repo/contentreader.h"

#include <QBuffer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImage>
#include <QImageWriter>
#include <QMimeData>
#include <QThreadPool>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace reposcope::ui {

namespace {

using images::PreparedImage;
using images::PrepareLimits;

bool sameLimits(const PrepareLimits &a, const PrepareLimits &b) {
    return a.maxLongEdge == b.maxLongEdge && a.maxPixels == b.maxPixels &&
           a.maxBytesPerImage == b.maxBytesPerImage && a.mimeTypes == b.mimeTypes &&
           a.tokenRule == b.tokenRule;
}

QStringList imageFilesIn(const QMimeData *mime) {
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && images::looksLikeImageFile(url.toLocalFile()) &&
            !QFileInfo(url.toLocalFile()).isDir())
            files << url.toLocalFile();
    }
    return files;
}

// A pasted bitmap has no file: it is sent as PNG (lossless; the preparation re-encodes it when
// it must). Encoded on the pool, since a screenshot can take a while.
Result<QByteArray> encodePng(const QImage &image) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    if (image.isNull() || !writer.write(image))
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the pasted image could not be read (%1); copy it again "
                                          "or save it to a file and attach that")
                               .arg(writer.errorString()));
    return bytes;
}

} // namespace

AttachmentController::AttachmentController(QThreadPool *pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool) {}

AttachmentController::~AttachmentController() {
    for (auto &[id, job] : m_jobs)
        cancelJob(job);
    // The preparers own what they read; waiting keeps no work running past the owner (a cancelled
    // preparation returns at its next check).
    for (QFuture<Result<PreparedImage>> &future : m_running)
        future.waitForFinished();
}

void AttachmentController::setModel(const llm::ProviderEntry *provider,
                                    const llm::ModelEntry *model) {
    m_haveModel = provider && model;
    m_vision = m_haveModel && model->vision;
    m_modelName = model ? model->name : QString();
    if (m_vision) {
        const PrepareLimits limits = images::limitsFor(*provider, *model);
        const bool prepareAgain = !sameLimits(limits, m_limits);
        m_limits = limits;
        if (prepareAgain) {
            for (const Attachment &attachment : std::as_const(m_items))
                start(attachment.id);
        }
    }
    publish();
}

QString AttachmentController::disabledReason() const {
    if (m_vision)
        return {};
    if (!m_haveModel)
        return tr("Choose a model that reads images first (e.g. Llama 4 Scout).");
    return tr("%1 does not read images; choose a vision model (e.g. Llama 4 Scout)")
        .arg(m_modelName);
}

int AttachmentController::addFile(const QString &path) {
    return addSource(QFileInfo(path).fileName(),
                     [path](const PrepareLimits &limits, const std::atomic_bool *cancel) {
                         return images::prepareImageFile(path, limits, cancel);
                     });
}

int AttachmentController::addBytes(const QByteArray &bytes, const QString &name) {
    return addSource(name,
                     [bytes, name](const PrepareLimits &limits, const std::atomic_bool *cancel) {
                         return images::prepareImage(bytes, name, limits, cancel);
                     });
}

int AttachmentController::addImage(const QImage &image, const QString &name) {
    return addSource(name,
                     [image, name](const PrepareLimits &limits,
                                   const std::atomic_bool *cancel) -> Result<PreparedImage> {
                         const Result<QByteArray> png = encodePng(image);
                         if (!png)
                             return png.error();
                         return images::prepareImage(*png, name, limits, cancel);
                     });
}

int AttachmentController::addSnapshotFile(const repo::SnapshotPtr &snapshot, int node) {
    if (!snapshot || node <= 0 || snapshot->isDirectory(node))
        return 0;
    const repo::ScannedFile file = snapshot->file(node);
    const QString path = QString::fromUtf8(file.path);
    return addSource(
        QFileInfo(path).fileName(),
        [snapshot, file, path](const PrepareLimits &limits,
                               const std::atomic_bool *cancel) -> Result<PreparedImage> {
            // A reader per call: it may hold a git handle, which belongs to one
            // thread.
            const Result<QByteArray> bytes = repo::makeContentReader(snapshot->info())->read(file);
            if (!bytes)
                return bytes.error();
            return images::prepareImage(*bytes, path, limits, cancel);
        });
}

int AttachmentController::addSource(const QString &name, Preparer preparer) {
    if (!m_vision) {
        Q_EMIT attachRefused(disabledReason());
        return 0;
    }
    Attachment attachment;
    attachment.id = m_nextId++;
    attachment.name = name;
    m_items.append(attachment);
    m_jobs[attachment.id].preparer = std::move(preparer);
    start(attachment.id);
    publish();
    return attachment.id;
}

int AttachmentController::addMimeData(const QMimeData *mime) {
    if (!hasImages(mime))
        return 0;
    if (!m_vision) {
        Q_EMIT attachRefused(disabledReason());
        return 0;
    }
    const QStringList files = imageFilesIn(mime);
    int added = 0;
    for (const QString &file : files)
        added += addFile(file) > 0 ? 1 : 0;
    if (files.isEmpty() && mime->hasImage())
        added += addImage(qvariant_cast<QImage>(mime->imageData()), tr("pasted image")) > 0;
    return added;
}

bool AttachmentController::hasImages(const QMimeData *mime) {
    return mime && (mime->hasImage() || !imageFilesIn(mime).isEmpty());
}

void AttachmentController::remove(int id) {
    const auto it = m_jobs.find(id);
    if (it != m_jobs.end()) {
        cancelJob(it->second);
        m_jobs.erase(it);
    }
    const qsizetype removed = m_items.removeIf([id](const Attachment &a) { return a.id == id; });
    if (removed > 0)
        publish();
}

void AttachmentController::clear() {
    for (auto &[id, job] : m_jobs)
        cancelJob(job);
    m_jobs.clear();
    if (m_items.isEmpty())
        return;
    m_items.clear();
    publish();
}

const Attachment *AttachmentController::find(int id) const {
    for (const Attachment &attachment : m_items) {
        if (attachment.id == id)
            return &attachment;
    }
    return nullptr;
}

Attachment *AttachmentController::item(int id) {
    return const_cast<Attachment *>(std::as_const(*this).find(id));
}

bool AttachmentController::isPreparing() const {
    return std::any_of(m_items.cbegin(), m_items.cend(), [](const Attachment &a) {
        return a.state == Attachment::State::Preparing && a.exclusion.isEmpty();
    });
}

int AttachmentController::sendableCount() const {
    return int(std::count_if(m_items.cbegin(), m_items.cend(),
                             [](const Attachment &a) { return a.sendable(); }));
}

int AttachmentController::unsentCount() const {
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const Attachment &a) {
        return a.state == Attachment::State::Failed || !a.exclusion.isEmpty();
    }));
}

QList<llm::ImagePart> AttachmentController::sendableImages() const {
    QList<llm::ImagePart> parts;
    for (const Attachment &attachment : m_items) {
        if (attachment.sendable())
            parts.append(attachment.image->part);
    }
    return parts;
}

images::ImageTokens AttachmentController::tokens() const {
    images::ImageTokens sum;
    sum.exact = true;
    for (const Attachment &attachment : m_items) {
        if (!attachment.sendable())
            continue;
        sum.tokens += attachment.image->tokens.tokens;
        sum.exact = sum.exact && attachment.image->tokens.exact;
        sum.rule = attachment.image->tokens.rule;
    }
    return sum;
}

void AttachmentController::start(int id) {
    const auto it = m_jobs.find(id);
    Attachment *attachment = item(id);
    if (it == m_jobs.end() || !attachment)
        return;
    Job &job = it->second;
    cancelJob(job);
    job.cancel = std::make_shared<std::atomic_bool>(false);
    job.generation = m_nextGeneration++;
    attachment->state = Attachment::State::Preparing;
    attachment->error.clear();

    m_running.removeIf([](const QFuture<Result<PreparedImage>> &f) { return f.isFinished(); });
    auto *watcher = new QFutureWatcher<Result<PreparedImage>>(this);
    const quint64 generation = job.generation;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id, generation] {
        watcher->deleteLater();
        onPrepared(id, generation, watcher->result());
    });
    QFuture<Result<PreparedImage>> future =
        QtConcurrent::run(m_pool, [preparer = job.preparer, limits = m_limits,
                                   cancel = job.cancel] { return preparer(limits, cancel.get()); });
    m_running.append(future);
    watcher->setFuture(future);
}

void AttachmentController::cancelJob(Job &job) {
    if (job.cancel)
        job.cancel->store(true);
    job.generation = 0; // a result still on its way is dropped
}

void AttachmentController::onPrepared(int id, quint64 generation,
                                      const Result<PreparedImage> &result) {
    const auto it = m_jobs.find(id);
    Attachment *attachment = item(id);
    if (it == m_jobs.end() || !attachment || it->second.generation != generation)
        return; // removed, or prepared again since
    if (result) {
        attachment->state = Attachment::State::Ready;
        attachment->image = *result;
    } else {
        attachment->state = Attachment::State::Failed;
        attachment->image.reset();
        attachment->error = result.error().message;
    }
    publish();
}

void AttachmentController::applyExclusions() {
    const int maxImages = m_limits.maxImagesPerRequest;
    int slot = 0;
    for (Attachment &attachment : m_items) {
        attachment.exclusion.clear();
        if (attachment.state == Attachment::State::Failed)
            continue;
        if (!m_vision) {
            attachment.exclusion = tr("not sent to this model");
            continue;
        }
        if (maxImages > 0 && ++slot > maxImages)
            attachment.exclusion =
                tr("not sent: at most %n image(s) per request", nullptr, maxImages);
    }
}

void AttachmentController::publish() {
    applyExclusions();
    Q_EMIT attachmentsChanged();
    const images::ImageTokens sum = tokens();
    if (sum.tokens != m_lastTokens || sum.exact != m_lastExact) {
        m_lastTokens = sum.tokens;
        m_lastExact = sum.exact;
        Q_EMIT tokensChanged(sum.tokens, sum.exact);
    }
}

} // namespace reposcope::ui
