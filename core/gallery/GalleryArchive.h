#pragma once
/// \file GalleryArchive.h
/// A whole gallery as one file, to move it to another machine or merge two
/// galleries. The archive is itself an SQLite database: a consistent copy of
/// the gallery's tables plus an `archive_info` table (format version, the
/// model it was exported for, every model id with embeddings, when, by
/// which program version, and the counts, which also reveal a truncated
/// copy). It is written to a temporary file and renamed into place, so an
/// interrupted export never leaves half an archive under the target name.
///
/// Import merges by person name and by the hash of each photo's original
/// bytes: people already in the gallery get the new photos, photos they
/// already have are skipped, and the embeddings of every model come along
/// (never replacing one the gallery already has). Corrections (faces
/// rejected as a person) come along and apply to the merged gallery. The merge is one
/// transaction: a damaged archive or a failure part-way leaves the gallery
/// exactly as it was. Calibrated thresholds are not imported: they belong
/// to the gallery they were measured on (calibrate again after merging).

#include <cstddef>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "gallery/GalleryStore.h"

namespace siamese {

/// What an archive says about itself (its archive_info table).
struct ArchiveInfo {
  int formatVersion = 0;
  int schemaVersion = 0;           ///< of the gallery tables inside
  std::string modelId;             ///< the model active when it was exported (may be empty)
  std::vector<std::string> modelIds;  ///< every model with embeddings in it
  std::string exportedAt;          ///< UTC, ISO 8601
  std::string programVersion;      ///< Siamese Studio's version that wrote it
  std::size_t people = 0;
  std::size_t photos = 0;
  std::size_t embeddings = 0;
};

/// The archive format this program writes (and the newest it reads).
constexpr int kArchiveFormatVersion = 1;

/// Writes the whole gallery to `archivePath` (replacing it atomically),
/// tagged with `modelId`, the model in use. The file is readable by its
/// owner only. throws Error naming the file.
ArchiveInfo exportGallery(const GalleryStore& store, const std::string& archivePath, const std::string& modelId);

/// Opens an archive read-only and checks it: an SQLite file, not damaged,
/// an archive (not a gallery or another database), a format this program
/// reads, and counts that match its contents. throws Error naming the file
/// and the problem.
ArchiveInfo readArchiveInfo(const std::string& archivePath);

struct ImportSummary {
  ArchiveInfo archive;
  std::size_t peopleAdded = 0;        ///< new names
  std::size_t peopleMerged = 0;       ///< names the gallery already had
  std::size_t photosAdded = 0;
  std::size_t photosSkipped = 0;      ///< the person already had these bytes
  std::size_t correctionsImported = 0;  ///< faces rejected as a person (GalleryStore::addRejection)
  std::size_t embeddingsImported = 0;
  std::size_t embeddingsSkipped = 0;  ///< the gallery already had one for that photo and model
};

/// Merges the archive into the gallery in one transaction. throws Error
/// naming the archive when it is not a readable archive or a photo in it is
/// damaged; the gallery is then unchanged.
ImportSummary importGallery(GalleryStore& store, const std::string& archivePath, const ProgressFn& progress = {});

}  // namespace siamese
