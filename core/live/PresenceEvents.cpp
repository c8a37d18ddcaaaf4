#include "live/PresenceEvents.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "live/NameVote.h"

namespace siamese {

std::string toJsonLine(const PresenceEvent& event) {
  nlohmann::ordered_json line;
  line["event"] = event.kind == PresenceKind::Appeared ? "appeared" : "left";
  line["time"] = std::round(event.time * 1000) / 1000;
  line["frame"] = event.frame;
  line["track"] = event.trackId;
  line["person"] = event.name;
  line["known"] = event.personId != kUnknownPerson;
  line["distance"] = std::round(event.distance * 10000) / 10000;
  return line.dump();
}

std::vector<PresenceEvent> PresenceLog::update(int trackId, const Shown& shown, double time, std::int64_t frame) {
  std::vector<PresenceEvent> events;
  if (shown.personId == kUndecidedPerson) return events;
  const auto previous = m_shown.find(trackId);
  if (previous != m_shown.end() && previous->second.personId == shown.personId) {
    previous->second.distance = shown.distance;  // same person, newer distance for the Left event
    return events;
  }
  if (previous != m_shown.end()) {
    const Shown& old = previous->second;
    events.push_back(PresenceEvent{PresenceKind::Left, time, frame, trackId, old.personId, old.name, old.distance});
  }
  events.push_back(PresenceEvent{PresenceKind::Appeared, time, frame, trackId, shown.personId, shown.name, shown.distance});
  m_shown[trackId] = shown;
  return events;
}

std::vector<PresenceEvent> PresenceLog::end(int trackId, double time, std::int64_t frame) {
  std::vector<PresenceEvent> events;
  const auto it = m_shown.find(trackId);
  if (it == m_shown.end()) return events;
  events.push_back(PresenceEvent{PresenceKind::Left, time, frame, trackId, it->second.personId, it->second.name,
                                 it->second.distance});
  m_shown.erase(it);
  return events;
}

}  // namespace siamese
