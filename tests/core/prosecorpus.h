// SPDX-License-Identifier: MIT
// Answers written as prose, in the styles models produce when they ignore the requested
// findings format, each with the findings the extractor must give (tests/core/
// test_prose_findings.cpp). Paths are those of scripts/dev/make-demo-repo.sh's invoicer.
#pragma once

#include "findings/finding.h"

#include <vector>

namespace reposcope::test {

struct ExpectedProseFinding {
    findings::Severity severity;
    const char *title;
    const char *location;            // "path:start-end", or "path" without a line
    const char *quote;               // "" = none
    const char *related = "";        // "path:start-end" separated by spaces, in order
    const char *flow = "";           // the same for the flow steps
    const char *explanationHas = ""; // a part the explanation must contain
};

struct ProseCase {
    const char *name;
    const char *answer; // UTF-8
    std::vector<ExpectedProseFinding> findings;
    const char *explanationLacks = ""; // what no explanation may contain (a closing summary)
};

const std::vector<ProseCase> &proseCorpus();

} // namespace reposcope::test
