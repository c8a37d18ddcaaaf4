#pragma once
// Private to core: reading a JPEG's compressed data to its end with libjpeg,
// to tell a complete photo from a damaged one that would decode "fine".

#include <cstdint>
#include <string>
#include <vector>

namespace siamese::detail {

/// throws FileError naming `name` when the JPEG's compressed data stops
/// short or is damaged: libjpeg only warns then and fills the rest of the
/// picture with grey (a cut download with its end marker put back, a
/// stretch of lost bytes). Decodes at 1/8 scale, so the check costs a small
/// part of a full decode.
void checkJpegIntegrity(const std::vector<std::uint8_t>& bytes, const std::string& name);

}  // namespace siamese::detail
