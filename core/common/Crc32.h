#pragma once
/// \file Crc32.h
/// CRC-32 (IEEE 802.3, as in zlib and PNG), to tell a complete record of
/// an append-only file from one cut short by a crash.

#include <cstddef>
#include <cstdint>

namespace siamese {

/// CRC of `size` bytes, continuing from `crc` (0 to start).
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace siamese
