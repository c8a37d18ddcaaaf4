# One interface target carries the project's warning flags (and the optional
# sanitizers) so every library and executable gets the same set.
add_library(siamese_warnings INTERFACE)
add_library(siamese::warnings ALIAS siamese_warnings)
target_compile_options(siamese_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align
  -Wno-unused-parameter)

if(SIAMESE_SANITIZE)
  target_compile_options(siamese_warnings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(siamese_warnings INTERFACE -fsanitize=address,undefined)
endif()
