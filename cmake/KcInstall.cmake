# SPDX-License-Identifier: Apache-2.0
# What `cmake --install` (and `make install`) puts where, with the GNU
# directory names so that distributions can move things (debian/rules
# sets the prefix to /usr; SYSCONFDIR is then /etc).
#
#   bin/kconnect, bin/connect-standalone, bin/connect-distributed (links)
#   include/kconnect/*.h                  the plugin SDK headers
#   <libdir>/pkgconfig/kconnect.pc        pkg-config --cflags kconnect
#   <libdir>/cmake/kconnect/              find_package(kconnect)
#   share/man/man1/kconnect.1             help2man: --help + config tables
#   share/doc/kconnect/                   README, docs/, example configs,
#                                         the example plugins
#   <sysconfdir>/kconnect/connect-standalone.properties
#
# The man page needs help2man (KC_MAN=AUTO skips it when absent, ON
# requires it).

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KC_MAN AUTO CACHE STRING "Build and install the man page: AUTO, ON or OFF")

# The plugin ABI the headers describe: kconnect.pc and the CMake package
# publish it so a plugin's build can check what it compiles against.
file(STRINGS ${CMAKE_SOURCE_DIR}/include/kconnect/common.h KC_ABI_LINE
     REGEX "^#define KC_ABI_VERSION[ \t]+[0-9]+")
string(REGEX REPLACE ".*KC_ABI_VERSION[ \t]+([0-9]+).*" "\\1" KC_ABI_VERSION
       "${KC_ABI_LINE}")
# Plugins are kconnect's private files, as /usr/lib/postgresql/: lib/, not
# the multiarch libdir (they only ever load into this kconnect).
set(KC_PLUGIN_DIR lib/kconnect/plugins)
set(KC_PLUGIN_FULL_DIR ${CMAKE_INSTALL_PREFIX}/${KC_PLUGIN_DIR})
set(KC_STATE_DIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/kconnect)

install(TARGETS kconnect RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT Runtime)
# Apache's script names: connect-standalone implies `standalone`. The
# prefix is read at install time, so `cmake --install --prefix` works.
foreach(kc_link connect-standalone connect-distributed)
  install(CODE "file(CREATE_LINK kconnect
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${kc_link}\" SYMBOLIC)"
    COMPONENT Runtime)
endforeach()

install(DIRECTORY DESTINATION ${KC_PLUGIN_DIR} COMPONENT Runtime)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/kconnect
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development
        FILES_MATCHING PATTERN "*.h")

configure_file(${CMAKE_SOURCE_DIR}/packaging/kconnect.pc.in
               ${CMAKE_BINARY_DIR}/kconnect.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/kconnect.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT Development)

configure_package_config_file(
  ${CMAKE_SOURCE_DIR}/packaging/kconnectConfig.cmake.in
  ${CMAKE_BINARY_DIR}/kconnectConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kconnect
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR KC_PLUGIN_DIR)
# The SDK is versioned by its ABI, not by the release: see
# docs/plugin-sdk.md. Same major release = same ABI promise.
write_basic_package_version_file(
  ${CMAKE_BINARY_DIR}/kconnectConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/kconnectConfig.cmake
              ${CMAKE_BINARY_DIR}/kconnectConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kconnect
        COMPONENT Development)

# The packaged worker config: the example one, with state under
# /var/lib/kconnect and the REST API on loopback only.
configure_file(${CMAKE_SOURCE_DIR}/packaging/connect-standalone.properties.in
               ${CMAKE_BINARY_DIR}/connect-standalone.properties @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/connect-standalone.properties
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kconnect
        COMPONENT Runtime)

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
              ${CMAKE_SOURCE_DIR}/docs/architecture.md
              ${CMAKE_SOURCE_DIR}/docs/CONFIGURATION.md
              ${CMAKE_SOURCE_DIR}/docs/compat.md
              ${CMAKE_SOURCE_DIR}/docs/errors.md
              ${CMAKE_SOURCE_DIR}/docs/plugin-sdk.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT Runtime)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/config/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/config
        COMPONENT Runtime)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/plugins/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/plugins
        COMPONENT Development)

# Not in sanitizer or fuzz builds: the page is the same, and running the
# instrumented binary at build time only adds ways to fail.
if(NOT KC_MAN STREQUAL "OFF" AND NOT KC_FUZZ AND NOT KC_SANITIZE)
  if(KC_MAN STREQUAL "ON")
    find_program(KC_HELP2MAN help2man REQUIRED)
  else()
    find_program(KC_HELP2MAN help2man)
  endif()
  if(KC_HELP2MAN)
    # kconnect(1): help2man renders `kconnect --help`/`--version`; the
    # CONFIGURATION section comes from the config tables
    # (kc_config_doc --man) and the rest from packaging/kconnect.h2m.
    add_custom_command(
      OUTPUT ${CMAKE_BINARY_DIR}/kconnect.1
      COMMAND kc_config_doc --man > ${CMAKE_BINARY_DIR}/kconnect-config.h2m
      COMMAND ${KC_HELP2MAN} --no-info --section=1
              "--name=Kafka Connect worker in C"
              --include=${CMAKE_SOURCE_DIR}/packaging/kconnect.h2m
              --include=${CMAKE_BINARY_DIR}/kconnect-config.h2m
              --output=${CMAKE_BINARY_DIR}/kconnect.1 $<TARGET_FILE:kconnect>
      DEPENDS kconnect kc_config_doc ${CMAKE_SOURCE_DIR}/packaging/kconnect.h2m
      VERBATIM)
    add_custom_target(kconnect_man ALL DEPENDS ${CMAKE_BINARY_DIR}/kconnect.1)
    install(FILES ${CMAKE_BINARY_DIR}/kconnect.1
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT Runtime)
    foreach(kc_link connect-standalone connect-distributed)
      install(CODE "file(CREATE_LINK kconnect.1
        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1/${kc_link}.1\"
        SYMBOLIC)" COMPONENT Runtime)
    endforeach()
  else()
    message(STATUS "help2man not found: no man page (KC_MAN=ON requires it)")
  endif()
endif()
