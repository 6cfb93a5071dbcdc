// SPDX-License-Identifier: MIT
#include "settings/providersdialogmodels.h"

#include <QHeaderView>

#include <algorithm>
#include <climits>

namespace reposcope::ui {

namespace {

constexpr int kOriginalRole = Qt::UserRole + 1;

QString priceText(const std::optional<double> &price) {
    return price ? QString::number(*price, 'g', 6) : QString();
}

} // namespace

ProviderModelsTable::ProviderModelsTable(QWidget *parent)
    : QTableWidget(0, ColumnCount, parent) {
    setHorizontalHeaderLabels({tr("Model id"), tr("Name"), tr("Context"), tr("Max output"),
                               tr("$ in / M"), tr("$ out / M"), tr("Vision")});
    horizontalHeaderItem(InputPrice)
        ->setToolTip(tr("Dollars per million input tokens; "
                        "empty when unknown"));
    horizontalHeaderItem(OutputPrice)
        ->setToolTip(tr("Dollars per million output tokens; "
                        "empty when unknown"));
    horizontalHeader()->setSectionResizeMode(Id, QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(Name, QHeaderView::Stretch);
    for (int c = Context; c < ColumnCount; ++c)
        horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    verticalHeader()->hide();
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
}

void ProviderModelsTable::fillRow(int row, const llm::ModelEntry &m, int originalIndex) {
    auto *id = new QTableWidgetItem(m.id);
    id->setData(kOriginalRole, originalIndex);
    setItem(row, Id, id);
    setItem(row, Name, new QTableWidgetItem(m.name));
    // Whole numbers as int, so the default delegate edits them with a spin box.
    auto *context = new QTableWidgetItem;
    context->setData(Qt::EditRole, int(std::clamp<qint64>(m.contextTokens, 0, INT_MAX)));
    setItem(row, Context, context);
    auto *maxOutput = new QTableWidgetItem;
    maxOutput->setData(Qt::EditRole, int(std::clamp<qint64>(m.maxOutputTokens, 0, INT_MAX)));
    setItem(row, MaxOutput, maxOutput);
    setItem(row, InputPrice, new QTableWidgetItem(priceText(m.inputPerMillion)));
    setItem(row, OutputPrice, new QTableWidgetItem(priceText(m.outputPerMillion)));
    auto *vision = new QTableWidgetItem;
    vision->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    vision->setCheckState(m.vision ? Qt::Checked : Qt::Unchecked);
    setItem(row, Vision, vision);
}

void ProviderModelsTable::setModels(const QList<llm::ModelEntry> &models) {
    m_original = models;
    setRowCount(0);
    setRowCount(int(models.size()));
    for (int row = 0; row < int(models.size()); ++row)
        fillRow(row, models[row], row);
}

void ProviderModelsTable::appendModel(const llm::ModelEntry &model) {
    m_original.append(model);
    const int row = rowCount();
    insertRow(row);
    fillRow(row, model, int(m_original.size()) - 1);
}

void ProviderModelsTable::setContextCap(int row, qint64 tokens) {
    if (QTableWidgetItem *cell = item(row, Context))
        cell->setData(Qt::EditRole, int(std::clamp<qint64>(tokens, 0, INT_MAX)));
}

QList<llm::ModelEntry> ProviderModelsTable::models(QStringList *problems) const {
    QList<llm::ModelEntry> out;
    for (int row = 0; row < rowCount(); ++row) {
        const int original = item(row, Id)->data(kOriginalRole).toInt();
        llm::ModelEntry m = original >= 0 && original < m_original.size() ? m_original[original]
                                                                          : llm::ModelEntry{};
        m.id = item(row, Id)->text().trimmed();
        m.name = item(row, Name)->text().trimmed();
        if (m.name.isEmpty())
            m.name = m.id;
        m.contextTokens = item(row, Context)->data(Qt::EditRole).toLongLong();
        m.maxOutputTokens = item(row, MaxOutput)->data(Qt::EditRole).toLongLong();
        for (const auto &[column, price] :
             {std::pair{InputPrice, &m.inputPerMillion}, {OutputPrice, &m.outputPerMillion}}) {
            const QString text = item(row, column)->text().trimmed();
            bool ok = false;
            const double value = text.toDouble(&ok);
            *price = ok && value >= 0 ? std::optional<double>(value) : std::nullopt;
            if (!text.isEmpty() && (!ok || value < 0) && problems)
                *problems << tr("model \"%1\": the price \"%2\" is not a number (leave it empty "
                                "when unknown)")
                                 .arg(m.id, text);
        }
        m.vision = item(row, Vision)->checkState() == Qt::Checked;
        if (m.tokenizer.isEmpty())
            m.tokenizer = QStringLiteral("estimate");
        out.append(m);
    }
    return out;
}

int ProviderModelsTable::rowOf(const QString &id) const {
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, Id)->text().trimmed() == id)
            return row;
    return -1;
}

bool ProviderModelsTable::hasModel(const QString &id) const {
    return rowOf(id) >= 0;
}

void ProviderModelsTable::removeSelectedRows() {
    QList<int> rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows)
        removeRow(row);
}

QString ProviderModelsTable::currentModelId() const {
    const int row = currentRow();
    return row >= 0 && item(row, Id) ? item(row, Id)->text().trimmed() : QString();
}

} // namespace reposcope::ui
