#pragma once
/// \file GalleryStore.h
/// The gallery of enrolled people in an embedded SQLite database: people,
/// their reference photos (the original file's bytes and the aligned crop),
/// and embeddings kept per model. One transaction per change; WAL; foreign
/// keys; the schema version in PRAGMA user_version with step-by-step
/// upgrades. The file is created readable by its owner only: embeddings are
/// biometric data. Version 2 added the thresholds calibrated on the gallery.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/Image.h"

namespace siamese {

struct GalleryPerson {
  std::int64_t id = 0;
  std::string name;
  int photoCount = 0;
};

struct GalleryPhoto {
  std::int64_t id = 0;
  std::int64_t personId = 0;
  std::string sourceName;      ///< the file name it was added from
  std::string contentHash;     ///< of the original bytes; one photo per hash per person
  bool aligned = false;
};

/// One stored embedding with whose it is.
struct StoredEmbedding {
  std::int64_t photoId = 0;
  std::int64_t personId = 0;
  std::vector<float> vector;
};

/// A threshold chosen on the gallery's own photos for one model.
struct GalleryThreshold {
  double value = 0;
  std::string method;  ///< how it was chosen, e.g. "far=0.01 on 120 genuine / 7000 impostor pairs"
  std::string setAt;   ///< UTC, ISO 8601
};

/// A correction: a face the user said is not this person. It stays in the
/// gallery (original, crop, embeddings) so that matching can keep it from
/// being named as them again, calibration can count it as an impostor and
/// adaptation can train on it as a hard negative.
struct GalleryCorrection {
  std::int64_t photoId = 0;   ///< the rejected face's photo id (what undo takes)
  std::int64_t personId = 0;  ///< the person it is not
  std::string personName;
  std::string sourceName;
  bool wasReference = false;  ///< a reference photo taken back; undo makes it one again
  std::string setAt;          ///< UTC, ISO 8601
};

/// Whether opening a gallery file that does not exist makes a new one.
enum class GalleryOpening {
  CreateIfMissing,  ///< enrolment and import: a new gallery starts empty
  MustExist,        ///< everything else: a missing file is a mistyped path
};

/// Not thread-safe: one store per thread (SQLite serialises writers).
class GalleryStore {
 public:
  /// The schema version this program writes.
  static constexpr int kSchemaVersion = 3;

  /// Opens or creates the database. throws Error naming the file, before
  /// anything is written to it, when it cannot be opened, is another
  /// program's database or a gallery archive, is damaged (SQLite's quick
  /// check), is locked by another program beyond a few seconds, or has a
  /// newer schema; with MustExist, when there is no file at `path` (and
  /// then no folder is made either).
  explicit GalleryStore(const std::string& path, GalleryOpening opening = GalleryOpening::CreateIfMissing);
  ~GalleryStore();
  GalleryStore(const GalleryStore&) = delete;
  GalleryStore& operator=(const GalleryStore&) = delete;

  int schemaVersion() const;

  /// throws Error when the name is empty or taken.
  std::int64_t addPerson(const std::string& name);
  void renamePerson(std::int64_t id, const std::string& newName);
  /// Removes the person with their photos and embeddings.
  void removePerson(std::int64_t id);
  std::vector<GalleryPerson> people() const;
  std::optional<GalleryPerson> findPerson(const std::string& name) const;
  /// The id of the person of that name. throws Error naming the gallery
  /// when there is none.
  std::int64_t personIdOf(const std::string& name) const;
  /// The id of the person of that name, added first when new.
  std::int64_t findOrAddPerson(const std::string& name);

  /// Adds a reference photo; returns nullopt (and stores nothing) when the
  /// person already has a photo with these bytes. throws Error when these
  /// bytes were rejected as not this person (undo the correction first).
  std::optional<std::int64_t> addPhoto(std::int64_t personId, const std::string& sourceName,
                                       const std::vector<std::uint8_t>& originalBytes, const Image& crop,
                                       bool aligned);
  /// The person's reference photos (rejected faces are corrections()).
  std::vector<GalleryPhoto> photosOf(std::int64_t personId) const;
  /// The person's photo with these original bytes' hash, if any.
  std::optional<std::int64_t> findPhoto(std::int64_t personId, const std::string& contentHash) const;
  Image cropOf(std::int64_t photoId) const;
  std::vector<std::uint8_t> originalOf(std::int64_t photoId) const;

  /// Records that a face is not the person: kept with its original and
  /// crop (embed it with setEmbedding). The person's reference photo with
  /// these bytes is taken back instead; a face already rejected is left as
  /// it is. Returns the correction's photo id.
  std::int64_t addRejection(std::int64_t personId, const std::string& sourceName,
                            const std::vector<std::uint8_t>& originalBytes, const Image& crop, bool aligned,
                            bool wasReference = false);
  /// "Not this person" for one of their reference photos. throws Error when
  /// there is no such reference photo.
  void rejectPhoto(std::int64_t photoId);
  /// Every correction, oldest first.
  std::vector<GalleryCorrection> corrections() const;
  /// A taken-back reference photo becomes a reference again; a rejected
  /// face is forgotten. throws Error when no correction has this id.
  void undoCorrection(std::int64_t photoId);

  /// Stores (or replaces) a photo's embedding under a model id.
  void setEmbedding(std::int64_t photoId, const std::string& modelId, const std::vector<float>& vector);
  /// Every reference photo's embedding for one model: a match never mixes two models.
  std::vector<StoredEmbedding> embeddings(const std::string& modelId) const;
  /// The rejected faces' embeddings for one model; personId is the person
  /// each face is not.
  std::vector<StoredEmbedding> rejectionEmbeddings(const std::string& modelId) const;
  /// Photos (rejected faces too) that have no embedding for this model yet
  /// (re-embedding resumes here).
  std::vector<std::int64_t> photosWithoutEmbedding(const std::string& modelId) const;
  bool hasEmbedding(std::int64_t photoId, const std::string& modelId) const;
  /// Embeddings for this model that do not hold `dimension` floats (one
  /// written by an altered archive or another build of the model).
  std::size_t countEmbeddingsNotOfSize(const std::string& modelId, std::size_t dimension) const;
  /// Deletes them (re-embedding then makes them anew); returns how many.
  std::size_t removeEmbeddingsNotOfSize(const std::string& modelId, std::size_t dimension);
  /// The size of this model's embeddings here, 0 when there are none.
  std::size_t embeddingDimension(const std::string& modelId) const;
  /// Model ids with embeddings, and how many each.
  std::vector<std::pair<std::string, std::size_t>> embeddingCounts() const;

  /// The threshold calibrated on this gallery for a model, when one was
  /// saved; callers fall back to the model bundle's own threshold.
  std::optional<double> threshold(const std::string& modelId) const;
  std::optional<GalleryThreshold> thresholdRecord(const std::string& modelId) const;
  /// Stores (or replaces) the model's threshold. throws Error when not finite.
  void setThreshold(const std::string& modelId, double value, const std::string& method);
  /// Forgets the model's calibrated threshold; false when there was none.
  bool clearThreshold(const std::string& modelId);

  /// Writes a consistent copy of the whole database to `newFile`, which
  /// must not exist or be empty (SQLite's VACUUM INTO). throws Error.
  void snapshotTo(const std::string& newFile) const;

  /// Groups the store's changes into one transaction: kept together by
  /// commit(), all undone when the scope is left without it (an exception
  /// part-way through an import leaves the gallery as it was).
  class ChangeScope {
   public:
    explicit ChangeScope(GalleryStore& store);
    ~ChangeScope();
    ChangeScope(const ChangeScope&) = delete;
    ChangeScope& operator=(const ChangeScope&) = delete;
    void commit();

   private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
  };

  const std::string& path() const { return m_path; }

  struct Db;  // the SQLite connection (defined in the .cpp)

 private:
  void checkItIsAGallery();
  void migrate();
  std::int64_t insertPhoto(std::int64_t personId, const std::string& sourceName,
                           const std::vector<std::uint8_t>& originalBytes, const std::string& hash, const Image& crop,
                           bool aligned, const char* role);
  /// The person's photo with these bytes (any role): its id and role.
  std::optional<std::pair<std::int64_t, std::string>> photoWithHash(std::int64_t personId, const std::string& hash) const;
  std::string personNameOf(std::int64_t personId) const;
  std::vector<StoredEmbedding> embeddingsWithRole(const std::string& modelId, bool rejected) const;
  std::int64_t readApplicationId() const;
  void useWriteAheadLog();
  std::string m_path;
  std::unique_ptr<Db> m_db;
};

}  // namespace siamese
