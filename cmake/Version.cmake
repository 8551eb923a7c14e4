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
  # Configure again when HEAD moves (a commit, a checkout): a build made after a commit must not
  # record the commit before it. The reflog of HEAD changes with every move.
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --absolute-git-dir
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    OUTPUT_VARIABLE git_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE git_rc ERROR_QUIET)
  if(git_rc EQUAL 0)
    foreach(moved HEAD logs/HEAD)
      if(EXISTS ${git_dir}/${moved})
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${git_dir}/${moved})
      endif()
    endforeach()
  endif()
endif()
configure_file(${CMAKE_SOURCE_DIR}/core/version.h.in ${CMAKE_BINARY_DIR}/generated/triage/version.h @ONLY)
