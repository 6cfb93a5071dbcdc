// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "llm/client/chatrequest.h"

namespace reposcope::llm {

// Where and how to reach `provider`: its base URL, the auth style (no
// Authorization header when the provider wants none or no key is known), its
// extra headers and a name for messages ("Groq", "vLLM server (self-hosted)
// at 10.0.0.5:8000"). Pure; the key is only copied into the returned Endpoint.
Endpoint endpointFor(const ProviderEntry &provider, const QString &apiKey);

// The server root of a ".../v1" base URL: vLLM's /tokenize, llama-server's
// /props and LM Studio's /api/v0 live there, not under /v1. A base without a
// trailing "/v1" is its own root.
QUrl serverRoot(const QUrl &baseUrl);

} // namespace reposcope::llm
