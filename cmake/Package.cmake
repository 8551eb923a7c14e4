# Installation and the Debian package: `cmake --build --preset release --target package` makes
# triage_<version>_<arch>.deb in the build folder, for labs that install on air-gapped
# workstations (README: Installing offline). Its Depends are computed by dpkg-shlibdeps from the
# libraries the binary links (libtsk19, libopencv-*, libexif12, libheif1, libav*, libmagic1,
# libsqlite3-0, libssl3...), so they follow what this Debian ships.
include(GNUInstallDirs)
install(TARGETS triage RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/man/triage.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/samples/profiles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/triage/profiles
        FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_SOURCE_DIR}/samples/rules/origin.json DESTINATION ${CMAKE_INSTALL_DATADIR}/triage/rules)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME triage)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "triage developers <triage@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "forensic triage of seized media: find, hash, match and report images and videos")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "triage walks seized evidence read-only (folders, disk images through The Sleuth Kit),\n identifies still images and videos by content, computes MD5, SHA-1, SHA-256 and PDQ,\n matches them against national hash sets and writes a court-ready categorised report.")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the linked libraries (dpkg-dev's dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "opencv-data")  # the face cascade `scan --faces` reads
set(CPACK_STRIP_FILES ON)
include(CPack)
