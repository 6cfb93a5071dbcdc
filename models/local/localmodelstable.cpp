// SPDX-License-Identifier: MIT
#include "local/localmodelstable.h"

#include "common/figures.h"

#include <QBrush>
#include <QColor>
#include <QIcon>
#include <QLocale>

namespace reposcope::models {

namespace {

const QColor kFitsColour(0x1e, 0x84, 0x49);       // green
const QColor kNoFitColour(0xc0, 0x39, 0x2b);      // red
const QColor kUnreadableColour(0x90, 0x90, 0x90); // grey

enum class FitState { Fits, DoesNotFit, Unknown, Unreadable };

FitState fitState(const llm::LocalModel &m, const llm::MemoryEstimate &e) {
    if (!m.error.isEmpty())
        return FitState::Unreadable;
    if (e.availableBytes < 0)
        return FitState::Unknown;
    return e.fits ? FitState::Fits : FitState::DoesNotFit;
}

QString fitKey(FitState s) {
    switch (s) {
    case FitState::Fits:
        return QStringLiteral("fits");
    case FitState::DoesNotFit:
        return QStringLiteral("does-not-fit");
    case FitState::Unknown:
        return QStringLiteral("unknown");
    case FitState::Unreadable:
        return QStringLiteral("unreadable");
    }
    return {};
}

QString scaled(double value, const char *unit) {
    return QString::number(value, 'f', 1) + QLatin1Char(' ') + QLatin1String(unit);
}

} // namespace

LocalModelsTable::LocalModelsTable(QObject *parent)
    : QAbstractTableModel(parent) {}

void LocalModelsTable::setFitIcons(FitIcons icons) {
    m_icons = std::move(icons);
    if (!m_models.isEmpty())
        Q_EMIT dataChanged(index(0, Fits), index(int(m_models.size()) - 1, Fits),
                           {Qt::DecorationRole});
}

void LocalModelsTable::setModels(QList<llm::LocalModel> models) {
    beginResetModel();
    m_models = std::move(models);
    m_estimates.clear();
    for (const llm::LocalModel &m : std::as_const(m_models))
        m_estimates.append(llm::estimateMemory(m, contextFor(m), m_available));
    endResetModel();
}

int LocalModelsTable::addModel(const llm::LocalModel &model) {
    for (int row = 0; row < m_models.size(); ++row)
        if (m_models.at(row).path == model.path)
            return row;
    const int row = int(m_models.size());
    beginInsertRows({}, row, row);
    m_models.append(model);
    m_estimates.append(llm::estimateMemory(model, contextFor(model), m_available));
    endInsertRows();
    return row;
}

qint64 LocalModelsTable::contextFor(const llm::LocalModel &model) const {
    return model.trainedContext > 0 ? qMin(m_context, model.trainedContext) : m_context;
}

void LocalModelsTable::setContextTokens(qint64 tokens) {
    if (tokens == m_context)
        return;
    m_context = tokens;
    recomputeEstimates();
    Q_EMIT headerDataChanged(Qt::Horizontal, Memory, Memory);
}

void LocalModelsTable::setAvailableBytes(qint64 bytes) {
    if (bytes == m_available)
        return;
    m_available = bytes;
    recomputeEstimates();
}

void LocalModelsTable::recomputeEstimates() {
    for (int row = 0; row < m_models.size(); ++row)
        m_estimates[row] =
            llm::estimateMemory(m_models.at(row), contextFor(m_models.at(row)), m_available);
    if (!m_models.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_models.size()) - 1, ColumnCount - 1));
}

llm::MemoryEstimate LocalModelsTable::estimate(int row) const {
    return m_estimates.at(row);
}

int LocalModelsTable::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_models.size());
}

int LocalModelsTable::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LocalModelsTable::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const llm::LocalModel &m = m_models.at(index.row());
    const llm::MemoryEstimate &e = m_estimates.at(index.row());
    const FitState state = fitState(m, e);
    switch (role) {
    case Qt::DisplayRole:
        return displayData(m, e, index.column());
    case kSortRole:
        return sortData(m, e, index.column());
    case kFitsRole:
        return fitKey(state);
    case Qt::ToolTipRole:
        return tooltip(m, e);
    case Qt::ForegroundRole:
        if (state == FitState::Unreadable)
            return QBrush(kUnreadableColour);
        if (index.column() == Fits && state == FitState::Fits)
            return QBrush(kFitsColour);
        if (index.column() == Fits && state == FitState::DoesNotFit)
            return QBrush(kNoFitColour);
        return {};
    case Qt::DecorationRole: {
        if (index.column() != Fits)
            return {};
        switch (state) {
        case FitState::Fits:
            return m_icons.fits;
        case FitState::DoesNotFit:
            return m_icons.doesNotFit;
        case FitState::Unreadable:
            return m_icons.unreadable;
        case FitState::Unknown:
            return m_icons.unknown;
        }
        return {};
    }
    case Qt::TextAlignmentRole:
        if (index.column() == Parameters || index.column() == TrainedContext ||
            index.column() == FileSize || index.column() == Memory)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant LocalModelsTable::displayData(const llm::LocalModel &m, const llm::MemoryEstimate &e,
                                       int column) const {
    const bool readable = m.error.isEmpty();
    switch (column) {
    case Name:
        return m.displayName;
    case Source:
        return m.source;
    case Architecture:
        return readable ? m.architecture : QString();
    case Parameters:
        if (!readable || m.parameterCount <= 0)
            return QString();
        return QString((m.parameterCountEstimated ? QStringLiteral("≈") : QString()) +
                       formatParameters(m.parameterCount));
    case Quantization:
        return readable ? m.quantization : QString();
    case TrainedContext:
        return readable && m.trainedContext > 0 ? QLocale().toString(m.trainedContext) : QString();
    case FileSize:
        return formatBytes(m.fileSize);
    case Memory:
        return readable ? formatBytes(e.totalBytes) : QString();
    case Fits:
        return fitsText(m, e);
    default:
        return {};
    }
}

QVariant LocalModelsTable::sortData(const llm::LocalModel &m, const llm::MemoryEstimate &e,
                                    int column) const {
    switch (column) {
    case Parameters:
        return m.parameterCount;
    case TrainedContext:
        return m.trainedContext;
    case FileSize:
        return m.fileSize;
    case Memory:
        return m.error.isEmpty() ? e.totalBytes : qint64(-1);
    case Fits:
        return int(fitState(m, e));
    default:
        return displayData(m, e, column).toString().toLower();
    }
}

QString LocalModelsTable::fitsText(const llm::LocalModel &m, const llm::MemoryEstimate &e) const {
    switch (fitState(m, e)) {
    case FitState::Fits:
        return tr("Fits");
    case FitState::DoesNotFit:
        return tr("Does not fit");
    case FitState::Unknown:
        return tr("Unknown");
    case FitState::Unreadable:
        return tr("Cannot read");
    }
    return {};
}

QString LocalModelsTable::tooltip(const llm::LocalModel &m, const llm::MemoryEstimate &e) const {
    if (!m.error.isEmpty())
        return m.path + QLatin1Char('\n') + m.error;
    QString tip =
        m.path + QLatin1Char('\n') +
        tr("At %1 tokens of context: %2").arg(QLocale().toString(e.contextTokens), e.summary) +
        QLatin1Char('\n') +
        tr("weights %1 + KV cache %2 + engine overhead %3")
            .arg(formatBytes(e.weightsBytes),
                 e.kvCacheKnown ? formatBytes(e.kvCacheBytes) : tr("unknown"),
                 formatBytes(e.overheadBytes));
    if (m.partCount > 1)
        tip += QLatin1Char('\n') + tr("Split model: %n part(s)", nullptr, m.partCount);
    return tip;
}

QVariant LocalModelsTable::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Model");
    case Source:
        return tr("Source");
    case Architecture:
        return tr("Architecture");
    case Parameters:
        return tr("Parameters");
    case Quantization:
        return tr("Quantisation");
    case TrainedContext:
        return tr("Trained context");
    case FileSize:
        return tr("File size");
    case Memory:
        return tr("Memory at %1 context").arg(formatContext(m_context));
    case Fits:
        return tr("Fits?");
    default:
        return {};
    }
}

QString LocalModelsTable::formatParameters(qint64 count) {
    if (count >= 1'000'000'000)
        return scaled(double(count) / 1e9, "B");
    if (count >= 1'000'000)
        return scaled(double(count) / 1e6, "M");
    if (count >= 1'000)
        return scaled(double(count) / 1e3, "K");
    return QString::number(count);
}

QString LocalModelsTable::formatBytes(qint64 bytes) {
    return reposcope::formatBytes(bytes);
}

QString LocalModelsTable::formatContext(qint64 tokens) {
    if (tokens >= 1024 && tokens % 1024 == 0)
        return QString::number(tokens / 1024) + QLatin1Char('K');
    return QLocale().toString(tokens);
}

} // namespace reposcope::models
