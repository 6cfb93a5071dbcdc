# SPDX-License-Identifier: MIT
set(CPACK_PACKAGE_NAME reposcope)
set(CPACK_PACKAGE_CONTACT "RepoScope developers")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/reposcope.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/reposcope.svg
        DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${CMAKE_SOURCE_DIR}/.deps/prefix/lib/libKF5SyntaxHighlighting.so.5
              ${CMAKE_SOURCE_DIR}/.deps/prefix/lib/libKF5SyntaxHighlighting.so.5.116.0
        DESTINATION lib/reposcope)
include(CPack)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/io.github.reposcope.RepoScope.metainfo.xml
        DESTINATION share/metainfo)
