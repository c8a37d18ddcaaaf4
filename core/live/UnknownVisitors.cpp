#include "live/UnknownVisitors.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "vision/ImageIO.h"
#include "vision/ImageQuality.h"

namespace siamese {
namespace {

// The face's box grown by 60% on each side, cut from the frame.
Image faceRegion(const Image& frame, const FaceBox& box) {
  const int x0 = std::max(0, int(box.x - 0.6f * box.width)), y0 = std::max(0, int(box.y - 0.6f * box.height));
  const int x1 = std::min(frame.width(), int(box.x + 1.6f * box.width));
  const int y1 = std::min(frame.height(), int(box.y + 1.6f * box.height));
  if (x1 <= x0 || y1 <= y0) return Image();
  Image region(x1 - x0, y1 - y0, frame.channels());
  for (int y = y0; y < y1; ++y) {
    std::copy(frame.row(y) + std::size_t(x0) * frame.channels(), frame.row(y) + std::size_t(x1) * frame.channels(),
              region.row(y - y0));
  }
  return region;
}

void keepBest(std::vector<VisitorShot>& shots, VisitorShot shot, std::size_t most) {
  shots.push_back(std::move(shot));
  std::stable_sort(shots.begin(), shots.end(), [](const auto& a, const auto& b) { return a.quality > b.quality; });
  if (shots.size() > most) shots.resize(most);
}

}  // namespace

UnknownVisitors::UnknownVisitors(DistanceFn distance, double threshold, VisitorOptions options)
    : m_distance(std::move(distance)), m_threshold(threshold), m_options(options) {
  if (!m_distance) throw Error("proposing unknown visitors needs the model's distance");
}

void UnknownVisitors::observe(const Image& frame, const LiveFrameResult& result) {
  for (const LiveFace& face : result.faces) {
    TrackShots& track = m_tracks[face.trackId];
    if (track.unknownLooks == 0 && !track.named) track.firstSeen = result.timestamp;
    track.lastSeen = result.timestamp;
    if (face.shownPersonId >= 0) track.named = true;
    if (track.named || !face.embedded || face.framePersonId != kUnknownPerson || face.embedding.empty()) continue;
    ++track.unknownLooks;
    const double quality = double(face.box.width) * std::sqrt(measureQuality(face.crop).sharpness);
    if (track.shots.size() >= std::size_t(m_options.shotsPerTrack) && quality <= track.shots.back().quality) continue;
    VisitorShot shot;
    shot.photo = faceRegion(frame, face.box);
    if (shot.photo.empty()) continue;
    shot.crop = face.crop.clone();
    shot.cropAligned = face.cropAligned;
    shot.embedding = face.embedding;
    shot.quality = quality;
    shot.trackId = face.trackId;
    shot.frameIndex = result.frameIndex;
    shot.timestamp = result.timestamp;
    keepBest(track.shots, std::move(shot), std::size_t(m_options.shotsPerTrack));
  }
}

std::vector<VisitorCluster> UnknownVisitors::clusters() const {
  // One group per eligible track, then average-linkage merging while the
  // nearest two groups' mean shot distance is below the threshold.
  std::vector<std::vector<int>> groups;
  for (const auto& [id, track] : m_tracks) {
    if (!track.named && track.unknownLooks >= m_options.minUnknownLooks && !track.shots.empty()) groups.push_back({id});
  }
  const auto meanDistance = [this](const std::vector<int>& a, const std::vector<int>& b) {
    double sum = 0;
    int n = 0;
    for (int ta : a)
      for (int tb : b)
        for (const VisitorShot& sa : m_tracks.at(ta).shots)
          for (const VisitorShot& sb : m_tracks.at(tb).shots) {
            sum += m_distance(sa.embedding, sb.embedding);
            ++n;
          }
    return n ? sum / n : std::numeric_limits<double>::infinity();
  };
  while (groups.size() > 1) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t bi = 0, bj = 0;
    for (std::size_t i = 0; i < groups.size(); ++i)
      for (std::size_t j = i + 1; j < groups.size(); ++j) {
        const double d = meanDistance(groups[i], groups[j]);
        if (d < best) best = d, bi = i, bj = j;
      }
    if (!(best < m_threshold)) break;
    groups[bi].insert(groups[bi].end(), groups[bj].begin(), groups[bj].end());
    groups.erase(groups.begin() + std::ptrdiff_t(bj));
  }

  std::vector<VisitorCluster> out;
  for (const std::vector<int>& group : groups) {
    VisitorCluster c;
    c.trackIds = group;
    std::sort(c.trackIds.begin(), c.trackIds.end());
    c.firstSeen = std::numeric_limits<double>::infinity();
    for (int id : group) {
      const TrackShots& t = m_tracks.at(id);
      for (const VisitorShot& s : t.shots) keepBest(c.shots, s, std::size_t(m_options.shotsPerCluster));
      c.looks += t.unknownLooks;
      c.firstSeen = std::min(c.firstSeen, t.firstSeen);
      c.lastSeen = std::max(c.lastSeen, t.lastSeen);
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.firstSeen < b.firstSeen; });
  for (std::size_t i = 0; i < out.size(); ++i) out[i].id = int(i) + 1;
  return out;
}

void UnknownVisitors::forget(const VisitorCluster& cluster) {
  for (int id : cluster.trackIds) {
    // Still on screen: keep it out of later proposals without its shots.
    auto it = m_tracks.find(id);
    if (it == m_tracks.end()) continue;
    it->second.shots.clear();
    it->second.named = true;
  }
}

void writeVisitors(const std::string& folder, const std::vector<VisitorCluster>& clusters, double threshold) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw FileError(folder, "cannot create the folder: " + ec.message());
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);  // faces of strangers
  nlohmann::json summary;
  summary["threshold"] = threshold;
  summary["clusters"] = nlohmann::json::array();
  for (const VisitorCluster& c : clusters) {
    const std::string name = "visitor-" + std::to_string(c.id);
    fs::create_directories(folder + "/" + name, ec);
    if (ec) throw FileError(folder + "/" + name, "cannot create the folder: " + ec.message());
    fs::permissions(folder + "/" + name, fs::perms::owner_all, fs::perm_options::replace, ec);
    nlohmann::json shots = nlohmann::json::array();
    for (std::size_t k = 0; k < c.shots.size(); ++k) {
      const std::string file = name + "/shot-" + std::to_string(k + 1) + ".png";
      saveImage(folder + "/" + file, c.shots[k].photo);
      shots.push_back({{"file", file}, {"track", c.shots[k].trackId}, {"frame", c.shots[k].frameIndex},
                       {"time", c.shots[k].timestamp}, {"quality", c.shots[k].quality}});
    }
    summary["clusters"].push_back({{"id", c.id}, {"folder", name}, {"tracks", c.trackIds}, {"looks", c.looks},
                                   {"first_seen", c.firstSeen}, {"last_seen", c.lastSeen}, {"shots", shots}});
  }
  writeFileAtomically(folder + "/visitors.json", summary.dump(2) + "\n");
}

}  // namespace siamese
