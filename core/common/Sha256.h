#pragma once
/// \file Sha256.h
/// SHA-256 of a file, by OpenSSL: for provenance (model cards record the
/// checksum of the files weights were imported from).

#include <string>

namespace siamese {

/// Lower-case hex digest of the file at `path`. throws FileError when it cannot be read.
std::string sha256OfFile(const std::string& path);

}  // namespace siamese
