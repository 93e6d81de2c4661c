# Install rules and the Debian packages (CPack), included by the top CMakeLists.txt.
#   foliod: /usr/bin/foliod, the systemd unit, /etc/folio/foliod.toml (a conffile), foliod(1),
#           docs/operations.md and the genesis template (genesis/, when the tree has one);
#           maintainer scripts in packaging/deb/foliod/.
#   folio:  /usr/bin/folio, folio(1), docs/cli.md and docs/keystore.md.
# `scripts/package` builds both; docs/operations.md, "Install from packages", uses them.
#
# The rules lay out a system package (prefix /usr, which CPack uses): the unit's ExecStart says
# /usr/bin/foliod and the configuration goes to /etc/folio whatever the prefix. Test and bench
# binaries are not installed.
include(GNUInstallDirs)

set(FOLIO_PACKAGE_MAINTAINER "Folio maintainers <maintainers@folio.invalid>" CACHE STRING
    "Maintainer field of the Debian packages")

# Man pages. foliod(1) is generated from `foliod --help` by help2man (so it cannot drift from the
# options), with the sections of packaging/man/foliod.h2m; folio(1) is written by hand (folio has
# no --version for help2man yet). Both gzipped as Debian's policy wants.
set(FOLIO_MAN_DIR ${CMAKE_BINARY_DIR}/man)
find_program(HELP2MAN help2man)
find_program(GZIP gzip REQUIRED)
set(FOLIO_MAN_PAGES ${FOLIO_MAN_DIR}/folio.1.gz)
add_custom_command(OUTPUT ${FOLIO_MAN_DIR}/folio.1.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${FOLIO_MAN_DIR}
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/packaging/man/folio.1 ${FOLIO_MAN_DIR}/folio.1
  COMMAND ${GZIP} -9nf ${FOLIO_MAN_DIR}/folio.1
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/man/folio.1
  VERBATIM)
if(HELP2MAN)
  add_custom_command(OUTPUT ${FOLIO_MAN_DIR}/foliod.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FOLIO_MAN_DIR}
    # (detect_leaks=0: in a sanitizer tree, a leak report at exit must not fail the man page.)
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
            ${HELP2MAN} --no-info --section 1 --include ${CMAKE_SOURCE_DIR}/packaging/man/foliod.h2m
            --output ${FOLIO_MAN_DIR}/foliod.1
            "sh ${CMAKE_SOURCE_DIR}/packaging/man/help2man-filter.sh $<TARGET_FILE:foliod>"
    COMMAND ${GZIP} -9nf ${FOLIO_MAN_DIR}/foliod.1
    DEPENDS foliod ${CMAKE_SOURCE_DIR}/packaging/man/foliod.h2m
            ${CMAKE_SOURCE_DIR}/packaging/man/help2man-filter.sh
    VERBATIM)
  list(APPEND FOLIO_MAN_PAGES ${FOLIO_MAN_DIR}/foliod.1.gz)
  install(FILES ${FOLIO_MAN_DIR}/foliod.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT foliod)
else()
  # The foliod package then lacks its man page, and e2e_package fails on it.
  message(WARNING "help2man not found: foliod.1 is not generated (scripts/install-deps installs help2man)")
endif()
# folio's bash completion, generated from its command table (`folio completion bash`).
set(FOLIO_COMPLETION ${CMAKE_BINARY_DIR}/completion/folio)
add_custom_command(OUTPUT ${FOLIO_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0 sh -c "$<TARGET_FILE:folio> completion bash > ${FOLIO_COMPLETION}"
  DEPENDS folio
  VERBATIM)
add_custom_target(folio_man ALL DEPENDS ${FOLIO_MAN_PAGES} ${FOLIO_COMPLETION})

# foliod
install(TARGETS foliod RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT foliod)
install(FILES packaging/foliod.service DESTINATION lib/systemd/system COMPONENT foliod)
install(FILES packaging/foliod.toml DESTINATION /etc/folio COMPONENT foliod)
install(FILES docs/operations.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/foliod COMPONENT foliod)
# genesis/ (a template and its README) may not exist in every tree: OPTIONAL, checked at install.
install(DIRECTORY genesis/ DESTINATION ${CMAKE_INSTALL_DATADIR}/folio/genesis COMPONENT foliod OPTIONAL
        FILES_MATCHING PATTERN "*.json" PATTERN "README.md")
# folio
install(TARGETS folio RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT folio)
install(FILES ${FOLIO_MAN_DIR}/folio.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT folio)
install(FILES docs/cli.md docs/keystore.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/folio COMPONENT folio)
install(FILES ${FOLIO_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions COMPONENT folio)

# CPack: one .deb per component, named NAME_VERSION-1_ARCH.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME folio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${FOLIO_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL foliod folio)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FOLIO_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages (libleveldb, libsodium, libsecp256k1, Boost, OpenSSL, ...) are
# found by dpkg-shlibdeps (dpkg-dev) and added to Depends.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_FOLIOD_PACKAGE_NAME foliod)
set(CPACK_DEBIAN_FOLIOD_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FOLIOD_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_FOLIOD_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_FOLIOD_PACKAGE_SUGGESTS "folio")
set(CPACK_COMPONENT_FOLIOD_DESCRIPTION "Folio ledger validator node
foliod runs a validator (or an observer) of a Folio ledger, a permissioned BFT ledger for rights
and royalty settlement. The package ships a hardened systemd unit (foliod.service, not enabled),
the example configuration /etc/folio/foliod.toml and creates the system user foliod.")
set(CPACK_DEBIAN_FOLIOD_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/deb/foliod/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/deb/foliod/postinst
    ${CMAKE_SOURCE_DIR}/packaging/deb/foliod/prerm
    ${CMAKE_SOURCE_DIR}/packaging/deb/foliod/postrm)

set(CPACK_DEBIAN_FOLIO_PACKAGE_NAME folio)
set(CPACK_DEBIAN_FOLIO_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_FOLIO_DESCRIPTION "Folio ledger CLI wallet
folio keeps keys in an encrypted keystore, signs transactions and sends them to a Folio node:
works, licences, money, payouts, auctions, NFT editions and governance.")

include(CPack)
