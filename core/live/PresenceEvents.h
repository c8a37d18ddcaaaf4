#pragma once
/// \file PresenceEvents.h
/// "Who came and went": an event when a tracked face's shown name is first
/// decided (appeared), when it changes to another name (the old one left,
/// the new one appeared), and when the track ends (left). Written one JSON
/// object per line by `siamese live --events`.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace siamese {

enum class PresenceKind { Appeared, Left };

struct PresenceEvent {
  PresenceKind kind = PresenceKind::Appeared;
  double time = 0;            ///< seconds (the frame's timestamp)
  std::int64_t frame = 0;     ///< frame index
  int trackId = 0;
  std::int64_t personId = 0;  ///< gallery id, or kUnknownPerson
  std::string name;           ///< the person's name, or "unknown"
  double distance = 0;        ///< mean distance of the votes behind the name
};

/// One JSON object, no trailing newline:
/// {"event":"appeared","time":1.25,"frame":30,"track":2,"person":"Ann","known":true,"distance":0.31}
std::string toJsonLine(const PresenceEvent& event);

/// Remembers the name shown on each track and turns changes into events.
class PresenceLog {
 public:
  struct Shown {
    std::int64_t personId;
    std::string name;
    double distance;
  };

  /// The track now shows `shown` (kUndecidedPerson: nothing decided yet).
  /// Returns the events this causes (none when it did not change).
  std::vector<PresenceEvent> update(int trackId, const Shown& shown, double time, std::int64_t frame);
  /// The track ended: a Left event if it had shown a name.
  std::vector<PresenceEvent> end(int trackId, double time, std::int64_t frame);

 private:
  std::map<int, Shown> m_shown;
};

}  // namespace siamese
