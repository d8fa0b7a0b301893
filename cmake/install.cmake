# Installation: the shared C library, its public headers, the CLI, and a CMake
# package so that another project can `find_package(s2sim)` and link
# `s2sim::s2sim` (tested by tests/cli/consumer).
include(CMakePackageConfigHelpers)

install(TARGETS s2sim EXPORT s2simTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/s2sim
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET s2sim_cli)
  install(TARGETS s2sim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/s2sim/configs)

set(S2SIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/s2sim)
install(EXPORT s2simTargets NAMESPACE s2sim:: DESTINATION ${S2SIM_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/s2simConfig.cmake.in
  ${PROJECT_BINARY_DIR}/s2simConfig.cmake INSTALL_DESTINATION ${S2SIM_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/s2simConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/s2simConfig.cmake
              ${PROJECT_BINARY_DIR}/s2simConfigVersion.cmake
  DESTINATION ${S2SIM_CMAKE_DIR})
