#pragma once
/// \file ArchiveFormat.h
/// The marks that make an SQLite file a gallery archive, shared by the
/// writer and the reader.

#include <cstdint>

namespace siamese::detail {

/// Stored in the SQLite header (PRAGMA application_id): "SGAR", so that
/// `file` and the reader can tell an archive from a gallery.
constexpr std::int32_t kArchiveApplicationId = 0x53474152;

/// The key/value table describing the archive.
constexpr const char* kArchiveFormatName = "siamese-gallery-archive";

}  // namespace siamese::detail
