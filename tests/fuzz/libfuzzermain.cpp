// SPDX-License-Identifier: MIT
// libFuzzer entry point for one target, chosen at compile time (REPOSCOPE_FUZZ_TARGET_NS:
// gguf, tokenizer, image or sse). Built only with -DREPOSCOPE_FUZZ=ON.
#include "fuzztargets.h"

#include <QGuiApplication>

extern "C" int LLVMFuzzerInitialize(int * /*argc*/, char *** /*argv*/) {
    // Offscreen GUI application: image plugins, and fonts for SVG.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "reposcope-fuzz";
    static char *argv[] = {name, nullptr};
    static QGuiApplication app(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return reposcope::fuzz::REPOSCOPE_FUZZ_TARGET_NS::fuzzOne(data, size);
}
