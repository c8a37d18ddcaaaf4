// The live pipeline's pure logic, driven by scripted boxes and votes:
// tracking across frames (with and without detection on every frame),
// name voting, presence events and the latest-frame hand-over.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "live/FaceTracker.h"
#include "live/LatestFrameSlot.h"
#include "live/NameVote.h"
#include "live/PresenceEvents.h"

namespace siamese {
namespace {

FaceBox boxAt(float x, float y, float size = 100) { return FaceBox{x, y, size, size, 1.0f}; }

TEST(FaceTrackerTest, OverlapOfBoxes) {
  EXPECT_FLOAT_EQ(intersectionOverUnion(boxAt(0, 0), boxAt(0, 0)), 1.0f);
  EXPECT_FLOAT_EQ(intersectionOverUnion(boxAt(0, 0), boxAt(200, 0)), 0.0f);
  // Half overlapping: 5000 / (10000 + 10000 - 5000).
  EXPECT_NEAR(intersectionOverUnion(boxAt(0, 0), boxAt(50, 0)), 1.0 / 3.0, 1e-6);
}

TEST(FaceTrackerTest, FaceMovingAcrossFramesKeepsItsTrack) {
  FaceTracker tracker;
  int id = 0;
  for (int frame = 0; frame < 30; ++frame) {
    tracker.predict();
    const TrackUpdate update = tracker.update({boxAt(10.0f + 6.0f * frame, 50)});
    ASSERT_EQ(tracker.tracks().size(), 1u) << "frame " << frame;
    if (frame == 0) {
      ASSERT_EQ(update.started.size(), 1u);
      id = update.started[0];
    } else {
      EXPECT_TRUE(update.started.empty()) << "frame " << frame;
    }
    EXPECT_EQ(tracker.tracks()[0].id, id);
  }
  EXPECT_NEAR(tracker.tracks()[0].velocityX, 6.0, 0.5);
  EXPECT_NEAR(tracker.tracks()[0].velocityY, 0.0, 0.5);
}

TEST(FaceTrackerTest, PredictionBetweenDetectionsFollowsTheMotion) {
  // Detection on every 4th frame only; in between the tracker predicts.
  FaceTracker tracker;
  const auto truthX = [](int frame) { return 20.0f + 5.0f * frame; };
  double worstError = 0;
  for (int frame = 0; frame < 60; ++frame) {
    tracker.predict();
    if (frame % 4 == 0) {
      tracker.update({boxAt(truthX(frame), 80)});
    } else if (frame >= 20) {  // once the velocity has settled
      worstError = std::max(worstError, double(std::abs(tracker.tracks()[0].box.x - truthX(frame))));
    }
    ASSERT_EQ(tracker.tracks().size(), 1u) << "frame " << frame;
  }
  EXPECT_LT(worstError, 3.0) << "predicted boxes drift away from a steadily moving face";
  // Without prediction, the box would lag 15 px behind by the 3rd frame.
}

TEST(FaceTrackerTest, TwoFacesKeepTheirOwnIds) {
  FaceTracker tracker;
  tracker.predict();
  tracker.update({boxAt(0, 0), boxAt(300, 0)});
  ASSERT_EQ(tracker.tracks().size(), 2u);
  const int left = tracker.tracks()[0].box.x < 150 ? tracker.tracks()[0].id : tracker.tracks()[1].id;
  for (int frame = 1; frame < 20; ++frame) {
    tracker.predict();
    // Detections come in either order; association is by position.
    const FaceBox a = boxAt(4.0f * frame, 0), b = boxAt(300.0f - 4.0f * frame, 0);
    tracker.update(frame % 2 ? std::vector<FaceBox>{b, a} : std::vector<FaceBox>{a, b});
  }
  ASSERT_EQ(tracker.tracks().size(), 2u);
  for (const Track& t : tracker.tracks()) {
    EXPECT_EQ(t.id == left, t.box.x < 150) << "track " << t.id << " swapped faces";
  }
}

TEST(FaceTrackerTest, ShortGapIsBridgedAndLongAbsenceEndsTheTrack) {
  TrackerOptions options;
  options.maxMissedDetections = 2;
  FaceTracker tracker(options);
  tracker.predict();
  const int id = tracker.update({boxAt(100, 100)}).started.at(0);

  // Missed by the detector twice (a blink): the track survives.
  for (int i = 0; i < 2; ++i) {
    tracker.predict();
    EXPECT_TRUE(tracker.update({}).ended.empty());
  }
  tracker.predict();
  TrackUpdate back = tracker.update({boxAt(102, 100)});
  EXPECT_TRUE(back.started.empty());
  ASSERT_EQ(tracker.tracks().size(), 1u);
  EXPECT_EQ(tracker.tracks()[0].id, id);

  // Gone for three rounds: the track ends, and a later face is someone new.
  TrackUpdate update;
  for (int i = 0; i < 3; ++i) {
    tracker.predict();
    update = tracker.update({});
  }
  ASSERT_EQ(update.ended.size(), 1u);
  EXPECT_EQ(update.ended[0].id, id);
  EXPECT_TRUE(tracker.tracks().empty());
  tracker.predict();
  const TrackUpdate next = tracker.update({boxAt(100, 100)});
  ASSERT_EQ(next.started.size(), 1u);
  EXPECT_NE(next.started[0], id);
}

TEST(FaceTrackerTest, DistantDetectionStartsANewTrack) {
  FaceTracker tracker;
  tracker.predict();
  tracker.update({boxAt(0, 0)});
  tracker.predict();
  const TrackUpdate update = tracker.update({boxAt(0, 0), boxAt(400, 300)});
  EXPECT_EQ(update.started.size(), 1u);
  EXPECT_EQ(tracker.tracks().size(), 2u);
}

TEST(FaceTrackerTest, RefineMovesTheBoxAndLearnsTheVelocity) {
  FaceTracker tracker;
  tracker.predict();
  const int id = tracker.update({boxAt(0, 0)}).started.at(0);
  for (int frame = 1; frame <= 20; ++frame) {
    tracker.predict();
    tracker.refine(id, boxAt(3.0f * frame, 2.0f * frame));
  }
  EXPECT_FLOAT_EQ(tracker.tracks()[0].box.x, 60.0f);
  EXPECT_NEAR(tracker.tracks()[0].velocityX, 3.0, 0.3);
  EXPECT_NEAR(tracker.tracks()[0].velocityY, 2.0, 0.3);
  EXPECT_EQ(tracker.endAll().size(), 1u);
  EXPECT_TRUE(tracker.tracks().empty());
}


TEST(FaceTrackerTest, LateDetectionsAreMatchedWhereTheTracksWereOnTheirFrame) {
  // The detector runs on a second core: what it finds on frame f arrives on
  // frame f + 4, when a fast face (20 px a frame) has moved 80 px on, too
  // far for its old box to overlap where the track is now. Landmarks place
  // a new track on its first frame and then only now and then (frames
  // 8k + 2), so some late detections find the track measured since and
  // some do not.
  FaceTracker tracker;
  const auto truthX = [](int frame) { return 20.0f + 20.0f * float(frame); };
  const int lag = 4;
  std::vector<FaceBox> pending;
  std::set<int> ids;
  double worstError = 0;
  for (int frame = 0; frame < 64; ++frame) {
    tracker.predict();
    bool started = false;
    if (frame % lag == 0) {
      if (frame > 0) {
        const TrackUpdate update = tracker.updateFromMarkedFrame(pending);
        started = !update.started.empty();
        EXPECT_TRUE(update.ended.empty()) << "frame " << frame;
        ASSERT_EQ(tracker.tracks().size(), 1u) << "frame " << frame;
        if (frame >= 5 * lag) {
          worstError = std::max(worstError, double(std::abs(tracker.tracks()[0].box.x - truthX(frame))));
        }
      }
      pending = {boxAt(truthX(frame), 50)};  // what the detector will find on this frame
    }
    if (started || (frame % 8 == 2 && !tracker.tracks().empty())) {
      tracker.refine(tracker.tracks()[0].id, boxAt(truthX(frame), 50));
    }
    if (frame % lag == 0) tracker.markFrame();
    for (const Track& track : tracker.tracks()) ids.insert(track.id);
  }
  EXPECT_EQ(ids.size(), 1u) << "late detections started new tracks";
  // Where a late detection puts the face: near it (carried forward by a
  // velocity learnt from measurements 8 frames apart), not 80 px behind.
  EXPECT_LT(worstError, 16.0);
  EXPECT_NEAR(tracker.tracks()[0].velocityX, 20.0, 2.0);
}

constexpr std::int64_t kAnn = 7, kBob = 9;

TEST(NameVoteTest, NameIsShownOnlyAfterEnoughVotes) {
  NameVote vote;  // window 9, at least 3 votes and a majority
  vote.add(kAnn, 0.30);
  EXPECT_EQ(vote.shown(), kUndecidedPerson);
  vote.add(kAnn, 0.20);
  EXPECT_EQ(vote.shown(), kUndecidedPerson);
  vote.add(kAnn, 0.40);
  EXPECT_EQ(vote.shown(), kAnn);
  EXPECT_NEAR(vote.shownDistance(), 0.30, 1e-9);
}

TEST(NameVoteTest, SingleOddFrameDoesNotFlicker) {
  NameVote vote;
  for (int i = 0; i < 5; ++i) vote.add(kAnn, 0.3);
  vote.add(kBob, 0.35);
  EXPECT_EQ(vote.shown(), kAnn);
  vote.add(kUnknownPerson, 0.9);
  EXPECT_EQ(vote.shown(), kAnn);
  vote.add(kAnn, 0.3);
  EXPECT_EQ(vote.shown(), kAnn);
}

TEST(NameVoteTest, NameChangesWhenAnotherWinsTheMajority) {
  NameVote vote;  // window 9
  for (int i = 0; i < 5; ++i) vote.add(kAnn, 0.3);
  // After k votes for Bob the window holds min(5, 9 - k) Ann votes: Bob
  // needs more than half of the 9, i.e. his 5th vote.
  for (int k = 1; k <= 4; ++k) {
    vote.add(kBob, 0.25);
    EXPECT_EQ(vote.shown(), kAnn) << "after " << k << " votes for Bob";
  }
  vote.add(kBob, 0.25);
  EXPECT_EQ(vote.shown(), kBob);
}

TEST(NameVoteTest, UnknownIsALabelThatCanWin) {
  NameVote vote;
  for (int i = 0; i < 3; ++i) vote.add(kUnknownPerson, 0.8);
  EXPECT_EQ(vote.shown(), kUnknownPerson);
}

TEST(NameVoteTest, SplitVotesStayUndecided) {
  NameVote vote;
  for (int i = 0; i < 4; ++i) {  // three labels taking turns: none has a majority
    vote.add(kAnn, 0.3);
    vote.add(kBob, 0.3);
    vote.add(kUnknownPerson, 0.8);
  }
  EXPECT_EQ(vote.shown(), kUndecidedPerson);
}

TEST(PresenceLogTest, EventsFollowTheShownName) {
  PresenceLog log;
  EXPECT_TRUE(log.update(1, {kUndecidedPerson, "?", 0}, 0.0, 0).empty());
  auto events = log.update(1, {kAnn, "Ann", 0.3}, 0.5, 12);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PresenceKind::Appeared);
  EXPECT_EQ(events[0].name, "Ann");
  EXPECT_EQ(events[0].frame, 12);
  EXPECT_TRUE(log.update(1, {kAnn, "Ann", 0.28}, 0.6, 13).empty());

  events = log.update(1, {kBob, "Bob", 0.2}, 1.0, 24);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PresenceKind::Left);
  EXPECT_EQ(events[0].name, "Ann");
  EXPECT_NEAR(events[0].distance, 0.28, 1e-9);
  EXPECT_EQ(events[1].kind, PresenceKind::Appeared);
  EXPECT_EQ(events[1].name, "Bob");

  events = log.end(1, 2.0, 48);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PresenceKind::Left);
  EXPECT_EQ(events[0].name, "Bob");
  EXPECT_DOUBLE_EQ(events[0].time, 2.0);
  EXPECT_TRUE(log.end(1, 2.0, 48).empty());
  // A track that never showed a name leaves no trace.
  EXPECT_TRUE(log.end(5, 2.0, 48).empty());
}

TEST(PresenceLogTest, JsonLineCarriesEveryField) {
  const PresenceEvent e{PresenceKind::Left, 1.23456, 37, 4, kUnknownPerson, "unknown", 0.87654};
  EXPECT_EQ(toJsonLine(e),
            R"({"event":"left","time":1.235,"frame":37,"track":4,"person":"unknown","known":false,"distance":0.8765})");
}

TEST(LatestFrameSlotTest, LiveSourceOverwritesStaleFrames) {
  LatestFrameSlot<int> slot;
  EXPECT_TRUE(slot.put(1, true));
  EXPECT_TRUE(slot.put(2, true));
  EXPECT_TRUE(slot.put(3, true));
  EXPECT_EQ(slot.take(), 3);
  EXPECT_EQ(slot.dropped(), 2);
}

TEST(LatestFrameSlotTest, FileSourceWaitsSoNoFrameIsLost) {
  LatestFrameSlot<int> slot;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) slot.put(i, false);
    slot.close();
  });
  int expected = 0;
  while (auto frame = slot.take()) EXPECT_EQ(*frame, expected++);
  producer.join();
  EXPECT_EQ(expected, 100);
  EXPECT_EQ(slot.dropped(), 0);
}

TEST(LatestFrameSlotTest, CloseWakesBothSides) {
  LatestFrameSlot<int> slot;
  auto taker = std::async(std::launch::async, [&] { return slot.take(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  slot.close();
  EXPECT_FALSE(taker.get().has_value());

  LatestFrameSlot<int> full;
  full.put(1, false);
  auto putter = std::async(std::launch::async, [&] { return full.put(2, false); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.close();
  EXPECT_FALSE(putter.get());
}

}  // namespace
}  // namespace siamese
