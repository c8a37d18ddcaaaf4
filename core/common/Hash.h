#pragma once
/// \file Hash.h
/// A 64-bit FNV-1a hash as 16 hex digits: stable across platforms, enough
/// to recognise the same bytes again (model ids, duplicate photos). Not for
/// security.

#include <cstddef>
#include <cstdio>
#include <string>

namespace siamese {

inline std::string fnv1aHex(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  unsigned long long hash = 1469598103934665603ull;
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", hash);
  return text;
}

}  // namespace siamese
