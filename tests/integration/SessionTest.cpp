// The engine session that every front end talks to: the model loads once
// per change and is shared, each thread gets its own gallery connection,
// changes are announced, and a running live pipeline picks up a person
// enrolled meanwhile without being restarted.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/Error.h"
#include "gallery/Enrolment.h"
#include "session/LivePipeline.h"
#include "session/Session.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SIAMESE_REQUIRE_FACE_TOWER();
    SIAMESE_REQUIRE_DATA("lfw/images");
    SessionSettings settings;
    settings.modelPath = test::faceTower();
    settings.galleryPath = m_dir.file("gallery.db");
    settings.device = DevicePreference::Cpu;
    m_session = std::make_unique<Session>(settings);
    m_subscription = m_session->subscribe([this](SessionChange change) { m_heard.push_back(change); });
  }

  test::ScratchDir m_dir;
  std::unique_ptr<Session> m_session;
  std::vector<SessionChange> m_heard;
  int m_subscription = 0;
};

TEST_F(SessionTest, LoadsTheModelOncePerChangeAndSharesIt) {
  EXPECT_EQ(m_session->loadedModel(), nullptr) << "nothing is loaded before it is asked for";
  const auto first = m_session->model();
  EXPECT_EQ(m_session->model(), first) << "a second call must not load the model again";
  std::shared_ptr<Embedder> fromWorker;
  std::thread([&] { fromWorker = m_session->model(); }).join();
  EXPECT_EQ(fromWorker, first) << "other threads share the one model";

  m_session->setModelPath(test::defaultModel());
  ASSERT_EQ(m_heard, std::vector<SessionChange>{SessionChange::Model});
  EXPECT_EQ(m_session->loadedModel(), nullptr) << "the old model is no longer the active one";
  const auto second = m_session->model();
  EXPECT_NE(second, first);
  EXPECT_EQ(second->metadata().modelId, readBundle(test::defaultModel()).metadata.modelId);
  EXPECT_EQ(&m_session->encoder().model(), &second->metadata()) << "the encoder follows the model";
}

TEST_F(SessionTest, GivesEachThreadItsOwnGalleryConnection) {
  GalleryStore& mine = m_session->gallery();
  EXPECT_EQ(&m_session->gallery(), &mine);
  GalleryStore* workers = nullptr;
  std::thread([&] {
    workers = &m_session->gallery();
    workers->addPerson("Written on a worker");
  }).join();
  EXPECT_NE(workers, &mine);
  ASSERT_TRUE(mine.findPerson("Written on a worker").has_value()) << "one database behind both connections";

  m_session->setGalleryPath(m_dir.file("other.db"));
  ASSERT_EQ(m_heard, std::vector<SessionChange>{SessionChange::Gallery});
  EXPECT_EQ(m_session->gallery().path(), m_dir.file("other.db"));
  EXPECT_FALSE(m_session->gallery().findPerson("Written on a worker").has_value());
}

TEST_F(SessionTest, ThresholdInForceFollowsTheUsersOwn) {
  const MatchThreshold fromModel = m_session->threshold();
  EXPECT_NEAR(fromModel.value, m_session->model()->metadata().threshold.value, 1e-12) << fromModel.source;
  m_session->setThreshold(0.31);
  EXPECT_EQ(m_heard, std::vector<SessionChange>{SessionChange::Threshold});
  EXPECT_NEAR(m_session->threshold().value, 0.31, 1e-12);
  m_session->setThreshold(0.31);
  EXPECT_EQ(m_heard.size(), 1u) << "setting the same value again is no change";
  m_session->unsubscribe(m_subscription);
  m_session->setThreshold(std::nullopt);
  EXPECT_EQ(m_heard.size(), 1u) << "an unsubscribed listener hears nothing";
}

// The desktop app marks its GUI thread: there, anything that would block
// (a database call, loading a model or the detectors) is refused with a
// clear error instead of freezing the window.
TEST_F(SessionTest, AThreadThatMustNotBlockIsRefusedWhatWouldBlockIt) {
  std::thread([&] {
    Session::forbidBlockingCallsOnThisThread();
    try {
      m_session->gallery();
      ADD_FAILURE() << "the gallery was opened on a thread that must not block";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("must not block"), std::string::npos) << e.what();
    }
    EXPECT_THROW(m_session->model(), Error) << "loading the model blocks";
    EXPECT_THROW(m_session->encoder(), Error);
  }).join();
  const auto loaded = m_session->model();  // on a thread that may block
  std::thread([&] {
    Session::forbidBlockingCallsOnThisThread();
    EXPECT_EQ(m_session->model(), loaded) << "a model already loaded is handed out without blocking";
  }).join();
}

// Nobody is enrolled when the video starts; at frame 30 another thread
// enrols him from a different photo and the session announces it. The
// running pipeline must name him from then on, without a restart.
TEST_F(SessionTest, LivePipelineNamesAPersonEnrolledWhileItRuns) {
  const int frames = 120;
  const std::string video = test::writeGulVideo(m_dir, frames);
  LivePipelineSettings settings;
  settings.source = video;
  LivePipeline pipeline(*m_session, settings);
  EXPECT_EQ(pipeline.galleryReferences(), 0u);

  int namedBefore = 0, namedAfter = 0;
  LiveSessionCallbacks callbacks;
  callbacks.onFrame = [&](CapturedFrame&, const LiveFrameResult& result) {
    for (const LiveFace& face : result.faces) {
      const bool named = face.shownName == "Abdullah Gul";
      (result.frameIndex < 30 ? namedBefore : namedAfter) += named ? 1 : 0;
    }
    if (result.frameIndex == 30) {
      std::thread([&] {
        Enroller enroller(m_session->gallery(), *m_session->model());
        const auto id = m_session->gallery().addPerson("Abdullah Gul");
        ASSERT_TRUE(enroller.enrolFile(id, test::lfwPhoto("Abdullah_Gul", 2)).added());
        m_session->galleryEdited();
      }).join();
    }
  };
  StopToken stop;
  const LiveSessionStats stats = pipeline.run(callbacks, stop);
  EXPECT_EQ(stats.processed, frames);
  EXPECT_EQ(namedBefore, 0) << "nobody was enrolled yet";
  EXPECT_GT(namedAfter, 40) << "named from soon after the enrolment on";
  EXPECT_EQ(pipeline.galleryReferences(), 1u);
}

}  // namespace
}  // namespace siamese
