// SPDX-License-Identifier: MIT
#include "local/custommodeldialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDate>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>

namespace reposcope::ui {

CustomModelDialog::CustomModelDialog(const llm::ModelCatalog &catalog, const QString &providerId,
                                     QWidget *parent)
    : QDialog(parent)
    , m_provider(new QComboBox(this))
    , m_id(new QLineEdit(this))
    , m_context(new QSpinBox(this))
    , m_input(new QDoubleSpinBox(this))
    , m_output(new QDoubleSpinBox(this))
    , m_priceKnown(new QCheckBox(tr("I know the price"), this))
    , m_vision(new QCheckBox(tr("Accepts images"), this)) {
    setWindowTitle(tr("Custom Model"));
    for (const llm::ProviderEntry &p : catalog.providers())
        m_provider->addItem(p.name, p.id);
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(providerId)));
    m_id->setPlaceholderText(
        tr("model id as the server expects it, e.g. meta-llama/llama-4-scout"));
    m_context->setRange(1024, 100'000'000);
    m_context->setGroupSeparatorShown(true);
    m_context->setValue(131072);
    m_context->setSuffix(tr(" tokens"));
    for (QDoubleSpinBox *price : {m_input, m_output}) {
        price->setRange(0, 1000);
        price->setDecimals(3);
        price->setPrefix(QStringLiteral("$"));
        price->setSuffix(tr(" per million tokens"));
        price->setEnabled(false);
    }
    connect(m_priceKnown, &QCheckBox::toggled, m_input, &QWidget::setEnabled);
    connect(m_priceKnown, &QCheckBox::toggled, m_output, &QWidget::setEnabled);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model id"), m_id);
    form->addRow(tr("Context cap"), m_context);
    form->addRow(QString(), m_priceKnown);
    form->addRow(tr("Input price"), m_input);
    form->addRow(tr("Output price"), m_output);
    form->addRow(QString(), m_vision);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    connect(m_id, &QLineEdit::textChanged, this, [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Save)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString CustomModelDialog::providerId() const {
    return m_provider->currentData().toString();
}

llm::ModelEntry CustomModelDialog::model() const {
    llm::ModelEntry m;
    m.id = m_id->text().trimmed();
    m.name = m.id + tr(" (custom)");
    m.contextTokens = m_context->value();
    m.maxOutputTokens = 8192;
    if (m_priceKnown->isChecked()) {
        m.inputPerMillion = m_input->value();
        m.outputPerMillion = m_output->value();
    }
    m.vision = m_vision->isChecked();
    m.tokenizer = QStringLiteral("estimate");
    m.asOf = QDate::currentDate().toString(Qt::ISODate);
    m.note = tr("Added by you.");
    return m;
}

Result<Ok> CustomModelDialog::saveToUserCatalog(const QString &file, const QString &providerId,
                                                const llm::ModelEntry &model) {
    QJsonObject root;
    QFile in(file);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            return Error::make(Error::Code::Io,
                               QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
        QJsonParseError err{};
        root = QJsonDocument::fromJson(in.readAll(), &err).object();
        if (err.error != QJsonParseError::NoError)
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1 is not valid JSON (%2); fix or remove it first")
                                   .arg(file, err.errorString()));
    }
    QJsonObject m{{QStringLiteral("id"), model.id},
                  {QStringLiteral("name"), model.name},
                  {QStringLiteral("context"), model.contextTokens},
                  {QStringLiteral("maxOutput"), model.maxOutputTokens},
                  {QStringLiteral("vision"), model.vision},
                  {QStringLiteral("tokenizer"), model.tokenizer},
                  {QStringLiteral("asOf"), model.asOf},
                  {QStringLiteral("note"), model.note}};
    m.insert(QStringLiteral("inputPerM"),
             model.inputPerMillion ? QJsonValue(*model.inputPerMillion) : QJsonValue());
    m.insert(QStringLiteral("outputPerM"),
             model.outputPerMillion ? QJsonValue(*model.outputPerMillion) : QJsonValue());

    QJsonArray providers = root.value(QStringLiteral("providers")).toArray();
    qsizetype index = -1;
    for (qsizetype i = 0; i < providers.size(); ++i)
        if (providers[i].toObject().value(QStringLiteral("id")).toString() == providerId)
            index = i;
    QJsonObject provider =
        index >= 0 ? providers[index].toObject() : QJsonObject{{QStringLiteral("id"), providerId}};
    QJsonArray models = provider.value(QStringLiteral("models")).toArray();
    for (qsizetype i = models.size() - 1; i >= 0; --i)
        if (models[i].toObject().value(QStringLiteral("id")).toString() == model.id)
            models.removeAt(i);
    models.append(m);
    provider.insert(QStringLiteral("models"), models);
    if (index >= 0)
        providers[index] = provider;
    else
        providers.append(provider);
    root.insert(QStringLiteral("providers"), providers);

    QDir().mkpath(QFileInfo(file).absolutePath());
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(root).toJson()) < 0 ||
        !out.commit())
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot save %1: %2").arg(file, out.errorString()));
    return Ok{};
}

} // namespace reposcope::ui
