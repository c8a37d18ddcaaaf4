#pragma once
/// \file Format.h
/// Numbers as the program writes them in messages and pictures.

#include <cstdio>
#include <string>

namespace siamese {

/// `value` with a fixed number of decimals: a distance as "0.413".
inline std::string fixedDecimals(double value, int decimals = 3) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace siamese
