// The two-thread live session with scripted sources: a camera that
// disappears and comes back is reopened, one that stays away ends the
// session with a clear status, and a live source faster than processing
// has its stale frames dropped rather than queued.

#include <atomic>
#include <filesystem>
#include <thread>

#include "live/LiveSession.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;

// A "camera" delivering blank frames, lost after `lostAfter` frames; it
// comes back on the `backOnAttempt`-th reopen (never when 0).
class ScriptedCamera : public FrameSource {
 public:
  ScriptedCamera(int frames, int lostAfter, int backOnAttempt, std::chrono::milliseconds interval = {})
      : m_frames(frames), m_lostAfter(lostAfter), m_backOnAttempt(backOnAttempt), m_interval(interval) {}

  ReadStatus read(CapturedFrame& frame) override {
    if (m_lost) return ReadStatus::Lost;
    if (m_next == m_lostAfter && !m_wasLost) {
      m_lost = m_wasLost = true;
      return ReadStatus::Lost;
    }
    if (m_next >= m_frames) return ReadStatus::EndOfStream;
    std::this_thread::sleep_for(m_interval);
    frame.image = Image(320, 240, 3);
    frame.index = m_next;
    frame.timestamp = m_next / 30.0;
    ++m_next;
    return ReadStatus::Frame;
  }
  bool reopen() override {
    ++m_reopens;
    if (m_backOnAttempt > 0 && m_reopens >= m_backOnAttempt) m_lost = false;
    return !m_lost;
  }
  bool isLive() const override { return true; }
  std::string description() const override { return "camera 7"; }
  int reopens() const { return m_reopens; }

 private:
  int m_frames, m_lostAfter, m_backOnAttempt;
  std::chrono::milliseconds m_interval;
  int m_next = 0;
  int m_reopens = 0;
  bool m_lost = false, m_wasLost = false;
};

class LiveSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
    m_embedder = Embedder::load(test::defaultModel(), DevicePreference::Cpu);
    m_recognizer = std::make_unique<LiveRecognizer>(*m_embedder, GalleryIndex{}, LiveOptions{});
    m_options.reconnectDelaySeconds = 0.01;
    m_options.reconnectAttempts = 3;
    m_callbacks.onStatus = [this](const std::string& s) {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_statuses += s + "\n";
    };
  }

  std::unique_ptr<Embedder> m_embedder;
  std::unique_ptr<LiveRecognizer> m_recognizer;
  LiveSessionOptions m_options;
  LiveSessionCallbacks m_callbacks;
  std::mutex m_mutex;
  std::string m_statuses;
  StopToken m_stop;
};

TEST_F(LiveSessionTest, CameraThatComesBackIsReopened) {
  ScriptedCamera camera(20, 8, 2, std::chrono::milliseconds(5));
  const LiveSessionStats stats = runLiveSession(camera, *m_recognizer, m_callbacks, m_stop, m_options);
  EXPECT_FALSE(stats.sourceLost);
  EXPECT_EQ(camera.reopens(), 2);
  EXPECT_EQ(stats.captured, 20);
  EXPECT_TRUE(contains(m_statuses, "camera 7 stopped delivering frames; reconnecting (1/3)")) << m_statuses;
  EXPECT_TRUE(contains(m_statuses, "camera 7 is back")) << m_statuses;
}

TEST_F(LiveSessionTest, CameraThatStaysAwayEndsTheSessionClearly) {
  ScriptedCamera camera(20, 5, 0);
  const LiveSessionStats stats = runLiveSession(camera, *m_recognizer, m_callbacks, m_stop, m_options);
  EXPECT_TRUE(stats.sourceLost);
  EXPECT_EQ(camera.reopens(), 3);
  EXPECT_EQ(stats.captured, 5);
  EXPECT_TRUE(contains(m_statuses, "camera 7 is gone; stopped")) << m_statuses;
}

TEST_F(LiveSessionTest, StaleFramesOfALiveSourceAreDroppedNotQueued) {
  // Frames arrive every 1 ms; processing each takes 20 ms.
  ScriptedCamera camera(200, -1, 0, std::chrono::milliseconds(1));
  m_callbacks.onFrame = [](CapturedFrame&, const LiveFrameResult&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  std::int64_t lastIndex = -1;
  bool inOrder = true;
  auto inner = m_callbacks.onFrame;
  m_callbacks.onFrame = [&](CapturedFrame& frame, const LiveFrameResult& result) {
    inOrder = inOrder && frame.index > lastIndex;
    lastIndex = frame.index;
    inner(frame, result);
  };
  const LiveSessionStats stats = runLiveSession(camera, *m_recognizer, m_callbacks, m_stop, m_options);
  EXPECT_EQ(stats.captured, 200);
  EXPECT_GT(stats.dropped, 100);
  EXPECT_EQ(stats.processed + stats.dropped, stats.captured);
  EXPECT_TRUE(inOrder);
}

TEST_F(LiveSessionTest, StopRequestEndsTheSessionPromptly) {
  ScriptedCamera camera(1000000, -1, 0, std::chrono::milliseconds(1));
  std::int64_t processed = 0;
  m_callbacks.onFrame = [&](CapturedFrame&, const LiveFrameResult&) {
    if (++processed == 10) m_stop.requestStop();
  };
  const LiveSessionStats stats = runLiveSession(camera, *m_recognizer, m_callbacks, m_stop, m_options);
  EXPECT_EQ(stats.processed, 10);
  EXPECT_FALSE(stats.sourceLost);
}

// A source whose decoder fails mid-stream (a damaged file, a driver error).
class FailingSource : public ScriptedCamera {
 public:
  explicit FailingSource(int failAt) : ScriptedCamera(1000000, -1, 0), m_failAt(failAt) {}
  ReadStatus read(CapturedFrame& frame) override {
    if (m_read++ == m_failAt) throw FileError("clip.avi", "the stream is damaged at frame " + std::to_string(m_failAt));
    return ScriptedCamera::read(frame);
  }
  bool isLive() const override { return false; }

 private:
  int m_failAt;
  int m_read = 0;
};

TEST_F(LiveSessionTest, ASourceThatThrowsEndsTheSessionWithItsError) {
  FailingSource source(5);
  std::int64_t processed = 0;
  m_callbacks.onFrame = [&](CapturedFrame&, const LiveFrameResult&) { ++processed; };
  const std::string message =
      test::errorMessage([&] { runLiveSession(source, *m_recognizer, m_callbacks, m_stop, m_options); });
  EXPECT_TRUE(contains(message, "clip.avi")) << message;
  EXPECT_TRUE(contains(message, "damaged at frame 5")) << message;
  EXPECT_LE(processed, 5);  // the frames read before the failure, at most
}

TEST_F(LiveSessionTest, ACallbackThatThrowsEndsTheSessionWithItsError) {
  ScriptedCamera camera(1000000, -1, 0, std::chrono::milliseconds(1));
  std::int64_t processed = 0;
  m_callbacks.onFrame = [&](CapturedFrame&, const LiveFrameResult&) {
    if (++processed == 3) throw Error("the annotated video's disk is full");
  };
  const std::string message =
      test::errorMessage([&] { runLiveSession(camera, *m_recognizer, m_callbacks, m_stop, m_options); });
  EXPECT_TRUE(contains(message, "disk is full")) << message;
  EXPECT_EQ(processed, 3) << "no frame is processed after the failure";
}

}  // namespace
}  // namespace siamese
