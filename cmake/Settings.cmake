# SPDX-License-Identifier: MIT
# One INTERFACE target carries the settings every RepoScope target shares.
add_library(reposcope_settings INTERFACE)
target_compile_features(reposcope_settings INTERFACE cxx_std_20)
target_compile_options(reposcope_settings INTERFACE
    -Wall -Wextra -Wold-style-cast -Woverloaded-virtual -Wnon-virtual-dtor
    -Wsuggest-override -Wno-missing-field-initializers
    $<$<BOOL:${REPOSCOPE_WERROR}>:-Werror>)
target_compile_definitions(reposcope_settings INTERFACE
    QT_NO_CONTEXTLESS_CONNECT QT_NO_CAST_FROM_ASCII QT_USE_QSTRINGBUILDER QT_NO_KEYWORDS
    QT_NO_URL_CAST_FROM_STRING QT_NO_FOREACH
    REPOSCOPE_VERSION="${PROJECT_VERSION}"
    REPOSCOPE_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
