// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QString>

namespace reposcope::llm {

// A JSON value as text for messages and codes, whatever its type: strings as they are,
// integral numbers without a fraction (error codes come as 429 or "429"), booleans as
// true/false, objects and arrays as compact JSON, null as "".
QString jsonText(const QJsonValue &value);

} // namespace reposcope::llm
