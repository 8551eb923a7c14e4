# The tool version and git commit go into every run record (who, what, how).
find_package(Git QUIET)
set(TRIAGE_GIT_COMMIT "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    OUTPUT_VARIABLE TRIAGE_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE git_rc ERROR_QUIET)
  if(NOT git_rc EQUAL 0)
    set(TRIAGE_GIT_COMMIT "unknown")
  endif()
endif()
configure_file(${CMAKE_SOURCE_DIR}/core/version.h.in ${CMAKE_BINARY_DIR}/generated/triage/version.h @ONLY)
