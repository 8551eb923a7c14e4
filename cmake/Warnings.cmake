# One INTERFACE target carries the warning flags; every project target links it.
add_library(triage_warnings INTERFACE)
target_compile_options(triage_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(TRIAGE_WARNINGS_AS_ERRORS)
  target_compile_options(triage_warnings INTERFACE -Werror)
endif()
add_library(triage::warnings ALIAS triage_warnings)
