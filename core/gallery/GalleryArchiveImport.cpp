// Reading a gallery archive: validation, then a merge by person name and
// photo content hash inside one gallery transaction.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Hash.h"
#include "gallery/GalleryArchive.h"
#include "gallery/detail/ArchiveFormat.h"
#include "gallery/detail/Sqlite.h"
#include "gallery/detail/StoredCrop.h"

namespace siamese {
namespace {

using detail::SqliteConnection;
using detail::Statement;

[[noreturn]] void refuse(const std::string& path, const std::string& reason) {
  throw Error("archive " + path + ": " + reason);
}

void openArchive(SqliteConnection& db, const std::string& path) {
  requireRegularFile(path);  // missing, a folder, a named pipe, a loop of links: said so
  db.kind = "archive";
  db.open(path, SQLITE_OPEN_READONLY);
}

bool hasTable(const SqliteConnection& db, const std::string& name) {
  Statement s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.step("cannot read the file's tables");
}

std::size_t countRows(const SqliteConnection& db, const char* sql) {
  Statement s(db, sql);
  s.step("cannot count rows");
  return std::size_t(s.integer(0));
}

std::size_t parseCount(const std::string& path, const std::map<std::string, std::string>& fields, const char* key) {
  const auto it = fields.find(key);
  if (it == fields.end()) refuse(path, std::string("archive_info has no '") + key + "' entry (altered archive?)");
  try {
    return std::size_t(std::stoull(it->second));
  } catch (const std::exception&) {
    refuse(path, std::string("archive_info's '") + key + "' is not a number: " + it->second);
  }
}

ArchiveInfo validate(const SqliteConnection& db, const std::string& path) {
  // A truncated or overwritten file fails SQLite's own page checks first.
  {
    Statement check(db, "PRAGMA quick_check(1)");
    check.step("cannot check the file");
    if (check.text(0) != "ok") refuse(path, "the file is damaged or truncated (" + check.text(0) + ")");
  }
  if (!hasTable(db, "archive_info")) {
    if (hasTable(db, "people") && hasTable(db, "photos")) {
      refuse(path, "this is a gallery database, not an archive; make one with `siamese gallery export`");
    }
    refuse(path, "not a gallery archive (no archive_info table)");
  }
  std::map<std::string, std::string> fields;
  {
    Statement s(db, "SELECT key, value FROM archive_info");
    while (s.step("cannot read archive_info")) fields[s.text(0)] = s.text(1);
  }
  if (fields["format"] != detail::kArchiveFormatName) {
    refuse(path, "not a gallery archive (format '" + fields["format"] + "')");
  }
  ArchiveInfo info;
  info.formatVersion = int(parseCount(path, fields, "format_version"));
  info.schemaVersion = int(parseCount(path, fields, "schema_version"));
  if (info.formatVersion > kArchiveFormatVersion || info.schemaVersion > GalleryStore::kSchemaVersion) {
    refuse(path, "written by a newer Siamese Studio (" + fields["program_version"] + ", archive format " +
                     std::to_string(info.formatVersion) + ", schema " + std::to_string(info.schemaVersion) +
                     "); update this program to import it");
  }
  if (info.formatVersion < 1 || info.schemaVersion < 1) refuse(path, "archive_info has impossible versions");
  for (const char* table : {"people", "photos", "embeddings"}) {
    if (!hasTable(db, table)) refuse(path, std::string("the archive has no ") + table + " table (altered archive?)");
  }
  info.modelId = fields["model_id"];
  for (std::size_t start = 0; start < fields["model_ids"].size();) {
    const std::size_t comma = fields["model_ids"].find(',', start);
    const std::size_t end = comma == std::string::npos ? fields["model_ids"].size() : comma;
    info.modelIds.push_back(fields["model_ids"].substr(start, end - start));
    start = end + 1;
  }
  info.exportedAt = fields["exported_at"];
  info.programVersion = fields["program_version"];
  info.people = parseCount(path, fields, "people");
  info.photos = parseCount(path, fields, "photos");
  info.embeddings = parseCount(path, fields, "embeddings");
  // The counts written at export time catch rows lost or added since.
  const std::size_t people = countRows(db, "SELECT COUNT(*) FROM people");
  const std::size_t photos = countRows(db, "SELECT COUNT(*) FROM photos");
  const std::size_t embeddings = countRows(db, "SELECT COUNT(*) FROM embeddings");
  if (people != info.people || photos != info.photos || embeddings != info.embeddings) {
    refuse(path, "its contents do not match its description (" + std::to_string(people) + " people, " +
                     std::to_string(photos) + " photos, " + std::to_string(embeddings) + " embeddings instead of " +
                     std::to_string(info.people) + ", " + std::to_string(info.photos) + ", " +
                     std::to_string(info.embeddings) + "): truncated or altered");
  }
  return info;
}

Image cropFromRow(const Statement& photos, const std::string& path, const std::string& what) {
  std::optional<Image> crop = detail::storedCrop(photos, 4);
  if (!crop) refuse(path, what + ": the face crop is damaged");
  return std::move(*crop);
}

}  // namespace

ArchiveInfo readArchiveInfo(const std::string& archivePath) {
  SqliteConnection db;
  openArchive(db, archivePath);
  return validate(db, archivePath);
}

ImportSummary importGallery(GalleryStore& store, const std::string& archivePath, const ProgressFn& progress) {
  SqliteConnection archive;
  openArchive(archive, archivePath);
  ImportSummary summary;
  summary.archive = validate(archive, archivePath);

  Statement people(archive, "SELECT id, name FROM people ORDER BY name");
  // Archives from before corrections (schema 2) hold reference photos only.
  const std::string photoQuery =
      std::string("SELECT id, source_name, content_hash, original, crop, crop_width, crop_height, crop_channels, "
                  "aligned, ") +
      (summary.archive.schemaVersion >= 3 ? "role" : "'reference'") + " FROM photos WHERE person_id = ? ORDER BY id";
  Statement photos(archive, photoQuery.c_str());
  Statement embeddings(archive, "SELECT model_id, vector FROM embeddings WHERE photo_id = ? ORDER BY model_id");
  std::map<std::string, std::size_t> dimensions;  // per model: one size, or the archive is damaged
  std::size_t photosDone = 0;
  ProgressThrottle throttle;
  const auto started = std::chrono::steady_clock::now();

  GalleryStore::ChangeScope change(store);  // all or nothing
  while (people.step("cannot read people")) {
    const std::string name = people.text(1);
    if (name.empty()) refuse(archivePath, "a person without a name (altered archive?)");
    std::int64_t personId = 0;
    if (const auto existing = store.findPerson(name)) {
      personId = existing->id;
      ++summary.peopleMerged;
    } else {
      personId = store.addPerson(name);
      ++summary.peopleAdded;
    }
    photos.reset();
    photos.bind(1, people.integer(0));
    while (photos.step("cannot read photos")) {
      const std::string what = "photo '" + photos.text(1) + "' of " + name;
      const auto original = photos.blob(3);
      const std::string hash = photos.text(2);
      // The hash is what duplicates are recognised by: it must be the bytes' own.
      if (fnv1aHex(original.data(), original.size()) != hash) {
        refuse(archivePath, what + " is damaged (its bytes do not match their hash)");
      }
      const std::string role = photos.text(9);
      std::int64_t photoId = 0;
      if (role != "reference") {
        if (role != "rejected" && role != "rejected-reference") refuse(archivePath, what + " has an unknown role '" + role + "'");
        // A correction made on the other machine applies here too, even to
        // a reference photo this gallery has of the same bytes.
        const Image crop = cropFromRow(photos, archivePath, what);
        photoId = store.addRejection(personId, photos.text(1), original, crop, photos.integer(8) != 0,
                                     role == "rejected-reference");
        ++summary.correctionsImported;
      } else if (const auto existing = store.findPhoto(personId, hash)) {
        photoId = *existing;
        ++summary.photosSkipped;
      } else {
        const Image crop = cropFromRow(photos, archivePath, what);
        photoId = *store.addPhoto(personId, photos.text(1), original, crop, photos.integer(8) != 0);
        ++summary.photosAdded;
      }
      embeddings.reset();
      embeddings.bind(1, photos.integer(0));
      while (embeddings.step("cannot read embeddings")) {
        const std::string modelId = embeddings.text(0);
        const auto bytes = embeddings.blob(1);
        const std::size_t size = bytes.size() / sizeof(float);
        // One size per model: the archive's first, or the one this gallery
        // already holds for the model (identify would break on a mix).
        auto known = dimensions.find(modelId);
        if (known == dimensions.end()) known = dimensions.emplace(modelId, store.embeddingDimension(modelId)).first;
        if (known->second == 0) known->second = size;
        if (bytes.empty() || bytes.size() % sizeof(float) != 0 || known->second != size) {
          refuse(archivePath, what + ": its embedding for model " + modelId + " has " + std::to_string(size) +
                                  " values where " + std::to_string(known->second) + " are expected (damaged or altered)");
        }
        if (store.hasEmbedding(photoId, modelId)) {
          ++summary.embeddingsSkipped;
          continue;
        }
        std::vector<float> vector(size);
        std::memcpy(vector.data(), bytes.data(), bytes.size());
        if (!std::all_of(vector.begin(), vector.end(), [](float v) { return std::isfinite(v); })) {
          refuse(archivePath, what + ": its embedding for model " + modelId + " holds values that are not numbers");
        }
        store.setEmbedding(photoId, modelId, vector);
        ++summary.embeddingsImported;
      }
      ++photosDone;
      if (progress && (throttle.due() || photosDone == summary.archive.photos)) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        progress(Progress{photosDone, summary.archive.photos, seconds > 0 ? double(photosDone) / seconds : 0, name});
      }
    }
  }
  change.commit();
  return summary;
}

}  // namespace siamese
