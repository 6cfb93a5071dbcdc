// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"

#include <QTableWidget>

namespace reposcope::ui {

// The Providers dialog's editable table of one provider's models: id, name, context cap,
// max output, prices (empty = unknown) and vision. Fields the table does not show
// (tokenizer, dates, notes) are kept from the entries it was given.
class ProviderModelsTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Id, Name, Context, MaxOutput, InputPrice, OutputPrice, Vision, ColumnCount };

    explicit ProviderModelsTable(QWidget *parent = nullptr);

    void setModels(const QList<llm::ModelEntry> &models);
    // The rows as entries; `problems` gets one line per cell that is not a valid value
    // (the entry then holds 0 / unknown there).
    QList<llm::ModelEntry> models(QStringList *problems = nullptr) const;
    bool hasModel(const QString &id) const;
    int rowOf(const QString &id) const;
    void appendModel(const llm::ModelEntry &model);
    void setContextCap(int row, qint64 tokens);
    void removeSelectedRows();
    // The id in the current row, or "" when none.
    QString currentModelId() const;

private:
    void fillRow(int row, const llm::ModelEntry &model, int originalIndex);

    QList<llm::ModelEntry> m_original; // what setModels() received; rows point into it
};

} // namespace reposcope::ui
