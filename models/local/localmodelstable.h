// SPDX-License-Identifier: MIT
#pragma once

#include "llm/local/localmodels.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <QList>

namespace reposcope::models {

// The discovered GGUF models as a table: what each file is, and whether it fits
// in the available memory at the chosen context. Unreadable files are rows too
// (greyed, the reader's error as tooltip). Estimates are pure arithmetic,
// recomputed on every context change (cheap: no file access). UI thread only.
class LocalModelsTable : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        Source,
        Architecture,
        Parameters,
        Quantization,
        TrainedContext,
        FileSize,
        Memory,
        Fits,
        ColumnCount
    };
    // Qt::UserRole: a value to sort by (numbers for the numeric columns).
    static constexpr int kSortRole = Qt::UserRole;
    // Qt::UserRole + 1 on any column: "fits", "does-not-fit", "unknown" or
    // "unreadable".
    static constexpr int kFitsRole = Qt::UserRole + 1;

    explicit LocalModelsTable(QObject *parent = nullptr);

    void setModels(QList<llm::LocalModel> models);
    // Adds a model (a file opened by hand) unless its path is listed; returns its
    // row.
    int addModel(const llm::LocalModel &model);
    const QList<llm::LocalModel> &models() const { return m_models; }
    const llm::LocalModel &model(int row) const { return m_models.at(row); }

    // The context every row is estimated at; a model trained for less is
    // estimated at its own trained context.
    void setContextTokens(qint64 tokens);
    qint64 contextTokens() const { return m_context; }
    // What the estimates are compared with; < 0: unknown.
    void setAvailableBytes(qint64 bytes);
    qint64 availableBytes() const { return m_available; }
    // The estimate of one row at the chosen context.
    llm::MemoryEstimate estimate(int row) const;
    // The context one model is estimated at: the chosen one, capped at its
    // trained context.
    qint64 contextFor(const llm::LocalModel &model) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The Fits column's icons (fits, does not fit, unreadable, unknown); none by default.
    // The view sets its style's standard icons.
    struct FitIcons {
        QIcon fits, doesNotFit, unreadable, unknown;
    };
    void setFitIcons(FitIcons icons);

    // "8.0 B", "112.0 K": a parameter count as people read it.
    static QString formatParameters(qint64 count);
    // "4.9 GB", "312.5 MB", "20.1 KB": reposcope::formatBytes, the app's one size style.
    static QString formatBytes(qint64 bytes);
    // "8K", "128K", "1,000": a context size, short.
    static QString formatContext(qint64 tokens);

private:
    void recomputeEstimates();
    QVariant displayData(const llm::LocalModel &m, const llm::MemoryEstimate &e, int column) const;
    QVariant sortData(const llm::LocalModel &m, const llm::MemoryEstimate &e, int column) const;
    QString fitsText(const llm::LocalModel &m, const llm::MemoryEstimate &e) const;
    QString tooltip(const llm::LocalModel &m, const llm::MemoryEstimate &e) const;

    QList<llm::LocalModel> m_models;
    QList<llm::MemoryEstimate> m_estimates; // one per model, at contextFor(model)
    qint64 m_context = 8192;
    qint64 m_available = -1;
    FitIcons m_icons;
};

} // namespace reposcope::models
