#pragma once
/// \file FaceCache.h
/// The face cache: every photo of a data set detected and aligned once,
/// packed into one file that training and evaluation read without OpenCV.
///
/// File layout (little-endian), an append-only log so that an interrupted
/// `prepare` keeps everything written before the interruption:
///
///     "SIAMFACE" u32 version
///     u32 length, header payload, u32 crc
///     records: u8 tag ('F' face | 'X' failure), u32 length, payload, u32 crc
///
/// Strings are u32 length + UTF-8 bytes. A face payload is source, person,
/// f32 score, u8 aligned, u16 faces found, 10×f32 landmarks, then
/// cropSize×cropSize×channels bytes of pixels (row-major, BGR when colour).
/// A failure payload is source, person, reason. A record cut short (crash,
/// full disk) fails its CRC and is ignored; the next resume overwrites it.
/// A damaged record in the middle (a flipped bit) is skipped and counted;
/// the good records after it are kept, and a resume prepares its photo again.
/// When a source appears more than once, its last record counts.

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/Image.h"

namespace siamese {

/// How the crops were made; a resumed run must use the same settings.
struct CacheSettings {
  int cropSize = 112;
  int channels = 1;           ///< 1 grey, 3 BGR
  bool alignedFaces = true;   ///< false: whole images resized (digits, characters)
  std::string detector;       ///< "hog", "haar", "mmod", "none"
  float padding = 0.1f;       ///< alignment template padding
  std::string datasetRoot;    ///< informational
  /// "template" or "dlib-chip" (see AlignMethod); "none" for whole images.
  /// Caches made before dlib chips existed read as "template".
  std::string alignment = "template";

  /// Empty when `other` may extend a cache made with these settings,
  /// otherwise what differs.
  std::string incompatibility(const CacheSettings& other) const;
};

struct CachedFace {
  std::string source;   ///< photo path (or "<file>#<index>")
  int person = 0;       ///< index into FaceCache::people()
  float score = 0;      ///< detector confidence
  bool aligned = false; ///< false: fallback box crop
  int facesFound = 1;   ///< faces the detector saw in the photo
  std::array<float, 10> landmarks{};  ///< five (x, y) points in the photo
};

struct CachedFailure {
  std::string source;
  std::string person;
  std::string reason;
};

/// A loaded cache. Faces are sorted by person name, then source, whatever
/// order the parallel workers wrote them in, so results built on a cache
/// (pairs for a seed, say) do not depend on thread timing.
class FaceCache {
 public:
  /// throws Error naming the file when it is missing, not a face cache, of
  /// a newer version, or has a corrupt header. A cut-short tail is ignored
  /// (see ignoredTailBytes()).
  static FaceCache load(const std::string& path);
  /// load() on bytes already read; `name` names them in errors.
  static FaceCache fromBytes(const std::vector<std::uint8_t>& bytes, const std::string& name);

  const CacheSettings& settings() const { return m_settings; }
  const std::vector<std::string>& people() const { return m_people; }
  const std::vector<CachedFace>& faces() const { return m_faces; }
  const std::vector<CachedFailure>& failures() const { return m_failures; }
  std::size_t size() const { return m_faces.size(); }

  std::size_t bytesPerFace() const;
  /// Pixels of face i (bytesPerFace() bytes).
  const std::uint8_t* pixels(std::size_t i) const { return m_pixels.data() + i * bytesPerFace(); }
  /// Face i as an Image sharing the cache's memory (valid while the cache lives).
  Image crop(std::size_t i) const;
  /// Face indices of each person, indexed like people().
  std::vector<std::vector<int>> facesByPerson() const;
  /// Bytes at the end of the file that did not form a complete record.
  std::size_t ignoredTailBytes() const { return m_ignoredTail; }
  /// Damaged stretches between good records (each was skipped), and their bytes.
  std::size_t damagedRecords() const { return m_damagedRecords; }
  std::size_t damagedBytes() const { return m_damagedBytes; }
  /// Empty for an intact cache, else what was skipped and what to do, for the user.
  std::string damageNote() const;

 private:
  CacheSettings m_settings;
  std::vector<std::string> m_people;
  std::vector<CachedFace> m_faces;
  std::vector<CachedFailure> m_failures;
  std::vector<std::uint8_t> m_pixels;
  std::size_t m_ignoredTail = 0;
  std::size_t m_damagedRecords = 0;
  std::size_t m_damagedBytes = 0;
};

/// Appends records to a cache file. Not thread-safe: callers serialise.
class FaceCacheWriter {
 public:
  /// Creates `path` with `settings`, or, when `resume` and the file exists,
  /// checks that its settings match (throws Error naming the difference
  /// otherwise), cuts off any broken tail and appends after it.
  FaceCacheWriter(const std::string& path, const CacheSettings& settings, bool resume);
  ~FaceCacheWriter();
  FaceCacheWriter(const FaceCacheWriter&) = delete;
  FaceCacheWriter& operator=(const FaceCacheWriter&) = delete;

  /// Sources already present when the writer opened (faces, and failures
  /// unless `includeFailures` is false).
  std::unordered_set<std::string> existingSources(bool includeFailures = true) const;

  /// requires: `pixels` holds cropSize×cropSize×channels bytes.
  void addFace(const CachedFace& face, const std::string& person, const std::uint8_t* pixels);
  void addFailure(const CachedFailure& failure);
  /// Pushes buffered records to disk (fsync). Called periodically and at the end.
  void flush();

 private:
  void writeRecord(char tag, const std::string& payload);

  std::string m_path;
  CacheSettings m_settings;
  std::FILE* m_file = nullptr;
  std::unordered_set<std::string> m_existingFaces;
  std::unordered_set<std::string> m_existingFailures;
};

}  // namespace siamese
