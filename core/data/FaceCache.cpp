#include "data/FaceCache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>

#include "common/AtomicFile.h"
#include "common/Crc32.h"
#include "common/Error.h"

namespace siamese {
namespace {

constexpr char kMagic[8] = {'S', 'I', 'A', 'M', 'F', 'A', 'C', 'E'};
constexpr std::uint32_t kVersion = 1;

// --- little-endian encoding -------------------------------------------------

void putU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
}
void putU16(std::string& out, std::uint16_t v) {
  out.push_back(char(v & 0xFF));
  out.push_back(char(v >> 8));
}
void putF32(std::string& out, float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  putU32(out, bits);
}
void putString(std::string& out, const std::string& s) {
  putU32(out, std::uint32_t(s.size()));
  out += s;
}

/// Bounds-checked reader; every read past the end sets `ok` to false.
struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  bool ok = true;

  bool need(std::size_t n) {
    if (!ok || size - pos < n || pos > size) ok = false;
    return ok;
  }
  std::uint32_t u32() {
    if (!need(4)) return 0;
    std::uint32_t v = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (std::uint32_t(data[pos + 3]) << 24);
    pos += 4;
    return v;
  }
  std::uint16_t u16() {
    if (!need(2)) return 0;
    const std::uint16_t v = std::uint16_t(data[pos] | (data[pos + 1] << 8));
    pos += 2;
    return v;
  }
  std::uint8_t u8() {
    if (!need(1)) return 0;
    return data[pos++];
  }
  float f32() {
    const std::uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    if (!need(n)) return {};
    std::string s(reinterpret_cast<const char*>(data + pos), n);
    pos += n;
    return s;
  }
};

std::string encodeSettings(const CacheSettings& s) {
  std::string out;
  putU32(out, std::uint32_t(s.cropSize));
  putU32(out, std::uint32_t(s.channels));
  out.push_back(s.alignedFaces ? 1 : 0);
  putString(out, s.detector);
  putF32(out, s.padding);
  putString(out, s.datasetRoot);
  putString(out, s.alignment);  // appended last: older readers stop before it
  return out;
}

std::string encodeHeader(const CacheSettings& settings) {
  std::string out(kMagic, sizeof kMagic);
  putU32(out, kVersion);
  const std::string payload = encodeSettings(settings);
  putU32(out, std::uint32_t(payload.size()));
  out += payload;
  putU32(out, crc32(payload.data(), payload.size()));
  return out;
}

struct RawRecord {
  char tag;
  const std::uint8_t* payload;
  std::size_t length;
};

struct ScanResult {
  CacheSettings settings;
  std::size_t validEnd = 0;       ///< offset after the last complete record
  std::size_t records = 0;        ///< complete records
  std::size_t damagedRecords = 0; ///< damaged stretches skipped between good records
  std::size_t damagedBytes = 0;
};

// Whether a payload of `length` bytes is laid out as a record of its kind
// says: the strings it starts with fit it exactly (and a face's pixels
// follow them). Checked before the CRC, so that the search for the next
// good record after damage checksums only what could be one.
bool plausibleLayout(char tag, const std::uint8_t* payload, std::size_t length, std::size_t facePixels) {
  Reader r{payload, length};
  const std::uint32_t source = r.u32();
  if (!r.need(source)) return false;
  r.pos += source;
  const std::uint32_t person = r.u32();
  if (!r.need(person)) return false;
  r.pos += person;
  if (tag == 'F') return length - r.pos == 4 + 1 + 2 + 10 * 4 + facePixels;
  const std::uint32_t reason = r.u32();
  return r.ok && length - r.pos == reason;
}

// The record starting at `pos`, when one starts there whose layout fits and
// whose CRC matches. `checksumBudget`, when given, is what the caller may
// still spend on checksums; each candidate's bytes are taken from it, and
// none is checked once it is spent.
bool recordAt(const std::vector<std::uint8_t>& bytes, std::size_t pos, std::size_t facePixels, RawRecord& record,
              std::size_t& end, std::size_t* checksumBudget = nullptr) {
  Reader r{bytes.data(), bytes.size(), pos};
  const char tag = char(r.u8());
  const std::uint32_t length = r.u32();
  if (!r.ok || (tag != 'F' && tag != 'X') || !r.need(std::size_t(length) + 4)) return false;
  if (!plausibleLayout(tag, bytes.data() + r.pos, length, facePixels)) return false;
  if (checksumBudget) {
    if (*checksumBudget < length) return false;
    *checksumBudget -= length;
  }
  const std::uint8_t* payload = bytes.data() + r.pos;
  r.pos += length;
  std::uint32_t crc = crc32(&tag, 1);
  crc = crc32(payload, length, crc);
  if (r.u32() != crc) return false;
  record = RawRecord{tag, payload, length};
  end = r.pos;
  return true;
}

// Parses the header and walks the records, calling `onRecord` for each
// complete one. A record that fails its check is damage when a good record
// follows it somewhere (a flipped bit mid-file: it is skipped, counted, and
// the records after it are kept), and an unfinished tail when none does (an
// interrupted run: validEnd stops before it). `bytesPerFace`, when given,
// receives the pixel bytes of one face as soon as the header is known.
ScanResult scan(const std::string& path, const std::vector<std::uint8_t>& bytes,
                const std::function<void(const RawRecord&)>& onRecord, std::size_t* bytesPerFace) {
  if (bytes.size() < sizeof kMagic + 4 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw FileError(path, "not a face cache (made by 'siamese prepare')");
  }
  Reader r{bytes.data(), bytes.size(), sizeof kMagic};
  const std::uint32_t version = r.u32();
  if (version == 0 || version > kVersion) {
    throw FileError(path, "face cache version " + std::to_string(version) +
                              " is not one this program reads (it reads version " + std::to_string(kVersion) + ")");
  }
  const std::uint32_t headerLength = r.u32();
  const std::size_t headerStart = r.pos;
  if (!r.need(std::size_t(headerLength) + 4)) throw FileError(path, "the face cache header is truncated");
  Reader h{bytes.data() + headerStart, headerLength};
  ScanResult result;
  result.settings.cropSize = int(h.u32());
  result.settings.channels = int(h.u32());
  result.settings.alignedFaces = h.u8() != 0;
  result.settings.detector = h.str();
  result.settings.padding = h.f32();
  result.settings.datasetRoot = h.str();
  if (h.pos < headerLength) result.settings.alignment = h.str();
  r.pos = headerStart + headerLength;
  if (!h.ok || r.u32() != crc32(bytes.data() + headerStart, headerLength) ||
      result.settings.cropSize <= 0 || result.settings.cropSize > 4096 ||
      (result.settings.channels != 1 && result.settings.channels != 3)) {
    throw FileError(path, "the face cache header is corrupt");
  }
  result.validEnd = r.pos;
  const std::size_t facePixels =
      std::size_t(result.settings.cropSize) * result.settings.cropSize * result.settings.channels;
  if (bytesPerFace) *bytesPerFace = facePixels;

  std::size_t pos = r.pos;
  std::size_t searchBudget = 2 * bytes.size();
  RawRecord record{};
  std::size_t end = 0;
  bool found = recordAt(bytes, pos, facePixels, record, end);
  while (pos < bytes.size()) {
    if (found) {
      onRecord(record);
      ++result.records;
      result.validEnd = pos = end;
      found = pos < bytes.size() && recordAt(bytes, pos, facePixels, record, end);
      continue;
    }
    // Damage, or an unfinished tail: look for the next good record. A file
    // made to look like records everywhere could make this search checksum
    // the file many times over: it stops after twice the file's size.
    std::size_t next = pos + 1;
    while (next < bytes.size() && !(found = recordAt(bytes, next, facePixels, record, end, &searchBudget))) ++next;
    if (!found) break;  // nothing good after it: an unfinished tail
    ++result.damagedRecords;
    result.damagedBytes += next - pos;
    pos = next;
  }
  return result;
}

}  // namespace

std::string CacheSettings::incompatibility(const CacheSettings& other) const {
  if (cropSize != other.cropSize) {
    return "crop size " + std::to_string(cropSize) + " vs " + std::to_string(other.cropSize);
  }
  if (channels != other.channels) {
    return std::string(channels == 1 ? "grey" : "colour") + " vs " + (other.channels == 1 ? "grey" : "colour");
  }
  if (alignedFaces != other.alignedFaces) return "aligned faces vs whole images";
  if (detector != other.detector) return "detector " + detector + " vs " + other.detector;
  if (std::abs(padding - other.padding) > 1e-6f) return "alignment padding differs";
  if (alignedFaces && alignment != other.alignment) return "alignment " + alignment + " vs " + other.alignment;
  return {};
}

std::size_t FaceCache::bytesPerFace() const {
  return std::size_t(m_settings.cropSize) * m_settings.cropSize * m_settings.channels;
}

Image FaceCache::crop(std::size_t i) const {
  return Image::wrap(m_settings.cropSize, m_settings.cropSize, m_settings.channels,
                     std::size_t(m_settings.cropSize) * m_settings.channels,
                     const_cast<std::uint8_t*>(pixels(i)), nullptr);
}

std::string FaceCache::damageNote() const {
  if (m_damagedRecords == 0) return {};
  return std::to_string(m_damagedRecords) + " damaged record(s) (" + std::to_string(m_damagedBytes) +
         " bytes) in the middle of the cache were skipped and the faces after them kept; running the same "
         "'siamese prepare' again prepares the photos they held";
}

std::vector<std::vector<int>> FaceCache::facesByPerson() const {
  std::vector<std::vector<int>> byPerson(m_people.size());
  for (std::size_t i = 0; i < m_faces.size(); ++i) byPerson[std::size_t(m_faces[i].person)].push_back(int(i));
  return byPerson;
}

FaceCache FaceCache::load(const std::string& path) { return fromBytes(readFileBytes(path), path); }

FaceCache FaceCache::fromBytes(const std::vector<std::uint8_t>& bytes, const std::string& path) {

  struct Entry {
    CachedFace face;
    std::string person;
    const std::uint8_t* pixels = nullptr;  // into `bytes`; null for failures
    std::string reason;
  };
  // Last record per source wins (a retried failure replaces the failure).
  std::map<std::string, Entry> bySource;
  std::size_t expectedPixels = 0;
  const ScanResult scanned = scan(path, bytes, [&](const RawRecord& record) {
    Reader r{record.payload, record.length};
    Entry entry;
    entry.face.source = r.str();
    entry.person = r.str();
    if (record.tag == 'F') {
      entry.face.score = r.f32();
      entry.face.aligned = r.u8() != 0;
      entry.face.facesFound = r.u16();
      for (float& v : entry.face.landmarks) v = r.f32();
      if (!r.ok || record.length - r.pos != expectedPixels) return;
      entry.pixels = record.payload + r.pos;
    } else {
      entry.reason = r.str();
      if (!r.ok) return;
    }
    bySource[entry.face.source] = std::move(entry);
  }, &expectedPixels);

  FaceCache cache;
  cache.m_settings = scanned.settings;
  cache.m_ignoredTail = bytes.size() - scanned.validEnd;
  cache.m_damagedRecords = scanned.damagedRecords;
  cache.m_damagedBytes = scanned.damagedBytes;

  // Sort faces by (person, source); map iteration already orders sources.
  std::map<std::string, std::vector<const Entry*>> facesOfPerson;
  for (const auto& [source, entry] : bySource) {
    if (entry.pixels) {
      facesOfPerson[entry.person].push_back(&entry);
    } else {
      cache.m_failures.push_back(CachedFailure{source, entry.person, entry.reason});
    }
  }
  cache.m_pixels.resize(expectedPixels * (bySource.size() - cache.m_failures.size()));
  std::uint8_t* out = cache.m_pixels.data();
  for (const auto& [person, entries] : facesOfPerson) {
    const int index = int(cache.m_people.size());
    cache.m_people.push_back(person);
    for (const Entry* entry : entries) {
      cache.m_faces.push_back(entry->face);
      cache.m_faces.back().person = index;
      std::memcpy(out, entry->pixels, expectedPixels);
      out += expectedPixels;
    }
  }
  return cache;
}

// --- writer -------------------------------------------------------------------

FaceCacheWriter::FaceCacheWriter(const std::string& path, const CacheSettings& settings, bool resume)
    : m_path(path), m_settings(settings) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  std::vector<std::uint8_t> bytes;
  ScanResult scanned;
  if (resume && exists) {
    bytes = readFileBytes(path);
    // As in load(), the last record of a source says what it is.
    scanned = scan(path, bytes, [&](const RawRecord& record) {
      Reader r{record.payload, record.length};
      const std::string source = r.str();
      (record.tag == 'F' ? m_existingFailures : m_existingFaces).erase(source);
      (record.tag == 'F' ? m_existingFaces : m_existingFailures).insert(source);
    }, nullptr);
    // A cache that holds nothing yet (a run that failed right after it
    // began) is not kept against other settings: it is started afresh.
    if (scanned.records == 0 && scanned.damagedRecords == 0 && !scanned.settings.incompatibility(settings).empty()) {
      exists = false;
    }
  }
  if (resume && exists) {
    const std::string difference = scanned.settings.incompatibility(settings);
    if (!difference.empty()) {
      throw Error(path + " was made with other settings (" + difference +
                  "); choose another output file or start afresh with --overwrite");
    }
    m_settings = scanned.settings;
    // Cut off a record left half-written by an interrupted run.
    if (scanned.validEnd < bytes.size() && ::truncate(path.c_str(), off_t(scanned.validEnd)) != 0) {
      throw FileError(path, std::string("cannot repair the cut-short end of the cache: ") + std::strerror(errno));
    }
    m_file = std::fopen(path.c_str(), "ab");
  } else {
    if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
    // A new cache starts from a complete header written atomically.
    writeFileAtomically(path, encodeHeader(settings));
    m_file = std::fopen(path.c_str(), "ab");
  }
  if (!m_file) throw FileError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  ::fchmod(::fileno(m_file), 0600);  // faces are biometric data
}

FaceCacheWriter::~FaceCacheWriter() {
  if (!m_file) return;
  try {
    flush();
  } catch (...) {
    // Destructors must not throw; records already flushed are safe.
  }
  std::fclose(m_file);
}

std::unordered_set<std::string> FaceCacheWriter::existingSources(bool includeFailures) const {
  std::unordered_set<std::string> sources = m_existingFaces;
  if (includeFailures) sources.insert(m_existingFailures.begin(), m_existingFailures.end());
  return sources;
}

void FaceCacheWriter::writeRecord(char tag, const std::string& payload) {
  std::string record;
  record.reserve(payload.size() + 9);
  record.push_back(tag);
  putU32(record, std::uint32_t(payload.size()));
  record += payload;
  std::uint32_t crc = crc32(&tag, 1);
  crc = crc32(payload.data(), payload.size(), crc);
  putU32(record, crc);
  if (std::fwrite(record.data(), 1, record.size(), m_file) != record.size()) {
    const int err = errno;
    throw FileError(m_path, std::string("cannot write to the face cache: ") + std::strerror(err) +
                                (err == ENOSPC ? " (the disk is full; what was written before is kept)" : ""));
  }
}

void FaceCacheWriter::addFace(const CachedFace& face, const std::string& person, const std::uint8_t* pixels) {
  std::string payload;
  putString(payload, face.source);
  putString(payload, person);
  putF32(payload, face.score);
  payload.push_back(face.aligned ? 1 : 0);
  putU16(payload, std::uint16_t(std::min(face.facesFound, 65535)));
  for (float v : face.landmarks) putF32(payload, v);
  payload.append(reinterpret_cast<const char*>(pixels),
                 std::size_t(m_settings.cropSize) * m_settings.cropSize * m_settings.channels);
  writeRecord('F', payload);
}

void FaceCacheWriter::addFailure(const CachedFailure& failure) {
  std::string payload;
  putString(payload, failure.source);
  putString(payload, failure.person);
  putString(payload, failure.reason);
  writeRecord('X', payload);
}

void FaceCacheWriter::flush() {
  if (std::fflush(m_file) != 0 || ::fsync(::fileno(m_file)) != 0) {
    throw FileError(m_path, std::string("cannot flush the face cache to disk: ") + std::strerror(errno));
  }
}

}  // namespace siamese
