// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace reposcope::ui {

// Adds any model with any context cap and prices to the user's catalog file (merged over
// the built-in catalog by id), so a model no catalog knows can still be budgeted.
class CustomModelDialog : public QDialog {
    Q_OBJECT
public:
    CustomModelDialog(const llm::ModelCatalog &catalog, const QString &providerId,
                      QWidget *parent = nullptr);

    QString providerId() const;
    llm::ModelEntry model() const;

    // Writes the model into the user catalog file (creating it if needed).
    static Result<Ok> saveToUserCatalog(const QString &file, const QString &providerId,
                                        const llm::ModelEntry &model);

private:
    QComboBox *m_provider;
    QLineEdit *m_id;
    QSpinBox *m_context;
    QDoubleSpinBox *m_input;
    QDoubleSpinBox *m_output;
    QCheckBox *m_priceKnown;
    QCheckBox *m_vision;
};

} // namespace reposcope::ui
