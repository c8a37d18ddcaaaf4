// siamese serve's JSON API with a real HTTP client against a server the
// test starts (the face tower, a gallery of three LFW people): compare on
// LFW View 1 test pairs, identify a photo of two enrolled people and a
// stranger, and the errors (no file, not an image, no face, too large, huge header,
// no or wrong token, a non-loopback address without a token, too many at
// once), every one answered in JSON with a message.

#include <httplib.h>

#include <future>
#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/LfwPairs.h"
#include "gallery/Enrolment.h"
#include "serve/FaceServer.h"
#include "session/Session.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using Json = nlohmann::json;
using test::contains;

class ServeApi : public ::testing::Test {
 protected:
  void SetUp() override {
    SIAMESE_REQUIRE_FACE_TOWER();
    SIAMESE_REQUIRE_DATA("lfw/images");
    configureTorchThreads();
    {
      GalleryStore store(m_dir.file("g.db"));
      auto embedder = Embedder::load(test::faceTower(), DevicePreference::Cpu);
      Enroller enroller(store, *embedder);
      for (const char* person : {"Jacques_Chirac", "Winona_Ryder", "Gray_Davis"}) {
        std::string name = person;
        std::replace(name.begin(), name.end(), '_', ' ');
        const auto id = store.addPerson(name);
        for (int n : {1, 2, 3}) ASSERT_TRUE(enroller.enrolFile(id, test::lfwPhoto(person, n)).added());
      }
    }
    SessionSettings settings;
    settings.modelPath = test::faceTower();
    settings.galleryPath = m_dir.file("g.db");
    settings.device = DevicePreference::Cpu;
    m_session = std::make_unique<Session>(settings);
  }

  /// Starts a server on a free loopback port.
  std::unique_ptr<FaceServer> serve(ServerOptions options = {}) {
    options.port = 0;
    auto server = std::make_unique<FaceServer>(*m_session, options);
    server->start();
    return server;
  }

  static httplib::MultipartFormData file(const std::string& field, const std::string& path) {
    return {field, readTextFile(path), path.substr(path.rfind('/') + 1), "image/jpeg"};
  }

  test::ScratchDir m_dir;
  std::unique_ptr<Session> m_session;
};

TEST_F(ServeApi, ComparesLfwPairsAndIdentifiesAgainstAGallery) {
  auto server = serve();
  httplib::Client client("127.0.0.1", server->port());
  client.set_read_timeout(120);
  const auto health = client.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json::parse(health->body)["people"], 3);

  // The first 15 same and 15 different pairs of LFW View 1's test split.
  const LfwPairsFile pairs = readLfwPairs(test::data("lfw/pairsDevTest.txt"));
  const auto& all = pairs.folds.front();
  std::vector<LfwPair> asked(all.begin(), all.begin() + 15);
  asked.insert(asked.end(), all.end() - 15, all.end());
  int right = 0, answered = 0;
  for (const LfwPair& p : asked) {
    const auto res = client.Post("/api/compare", httplib::MultipartFormDataItems{
                                                     file("a", test::lfwPhoto(p.nameA, p.numberA)),
                                                     file("b", test::lfwPhoto(p.nameB, p.numberB))});
    ASSERT_TRUE(res);
    if (res->status == 422) continue;  // a photo without a face the detector finds: not a verification question
    ASSERT_EQ(res->status, 200) << res->body;
    const Json r = Json::parse(res->body);
    ++answered;
    right += bool(r["same"]) == p.same;
    EXPECT_TRUE(std::string(r["crops"]["a"]).rfind("data:image/png;base64,", 0) == 0);
  }
  std::printf("compare: %d of %d LFW pairs right (%zu asked)\n", right, answered, asked.size());
  EXPECT_GE(answered, 27);
  EXPECT_GE(right, answered - 2) << "the tower is ~99% on LFW; a broken model sits near half";

  const std::string two = m_dir.file("two.jpg");
  saveImage(two, test::sideBySide({loadImage(test::lfwPhoto("Jacques_Chirac", 12)),
                                   loadImage(test::lfwPhoto("Winona_Ryder", 5)),
                                   loadImage(test::lfwPhoto("Tony_Blair", 1))}));
  const auto res = client.Post("/api/identify", httplib::MultipartFormDataItems{file("photo", two)});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json r = Json::parse(res->body);
  ASSERT_EQ(r["faces"].size(), 3u) << r.dump(2);
  std::vector<std::string> names;
  for (const auto& f : r["faces"]) names.push_back(f["name"]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"Jacques Chirac", "Winona Ryder", "unknown"})) << r.dump(2);

  const auto people = client.Get("/api/people");
  ASSERT_TRUE(people);
  EXPECT_EQ(Json::parse(people->body)["people"].size(), 3u);
  const auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "<title>Siamese Studio</title>"));
  EXPECT_FALSE(contains(page->body, "http://")) << "the page fetches nothing from elsewhere";
  EXPECT_FALSE(contains(page->body, "https://"));
}

TEST_F(ServeApi, ErrorsAreJsonWithAMessage) {
  ServerOptions options;
  options.maxUploadBytes = 512 * 1024;
  auto server = serve(options);
  httplib::Client client("127.0.0.1", server->port());
  client.set_read_timeout(60);
  const auto expectError = [](const httplib::Result& res, int status, const std::string& words) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const Json body = Json::parse(res->body);
    EXPECT_TRUE(contains(body["error"], words)) << res->body;
  };
  const std::string photo = test::lfwPhoto("Jacques_Chirac", 1);
  expectError(client.Post("/api/compare", httplib::MultipartFormDataItems{file("a", photo)}), 400, "photo b is missing");
  test::writeText(m_dir.file("notes.jpg"), "not a photo at all");
  expectError(client.Post("/api/compare", httplib::MultipartFormDataItems{file("a", photo), file("b", m_dir.file("notes.jpg"))}),
              415, "photo b (notes.jpg): not an image");
  const std::string wall = m_dir.file("wall.png");
  saveImage(wall, Image(300, 300, 3));
  expectError(client.Post("/api/identify", httplib::MultipartFormDataItems{file("photo", wall)}), 422, "no face found");
  const std::string pair = m_dir.file("pair.jpg");
  saveImage(pair, test::sideBySide({loadImage(photo), loadImage(test::lfwPhoto("Winona_Ryder", 1))}));
  const auto several = client.Post("/api/compare", httplib::MultipartFormDataItems{file("a", pair), file("b", photo)});
  ASSERT_TRUE(several);
  EXPECT_EQ(several->status, 200) << several->body;
  EXPECT_TRUE(contains(Json::parse(several->body)["notes"][0], "photo a (pair.jpg) has 2 faces")) << several->body;
  test::writeText(m_dir.file("big.jpg"), std::string(600 * 1024, 'x'));
  expectError(client.Post("/api/identify", httplib::MultipartFormDataItems{file("photo", m_dir.file("big.jpg"))}), 413,
              "too large");
  expectError(client.Get("/api/health", httplib::Headers{{"X-Padding", std::string(20000, 'a')}}), 400, "could not be read");
  expectError(client.Get("/nothing/here"), 404, "no such page");
  expectError(client.Post("/api/compare", "{}", "application/json"), 415, "multipart");
  // The server survived all of it.
  const auto health = client.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServeApi, ATokenIsCheckedOnEveryRequestAndNeededBeyondLoopback) {
  ServerOptions open;
  open.host = "0.0.0.0";
  const std::string refused = test::errorMessage([&] { FaceServer(*m_session, open); });
  EXPECT_TRUE(contains(refused, "without a token")) << refused;
  open.token = "short";
  EXPECT_TRUE(contains(test::errorMessage([&] { FaceServer(*m_session, open); }), "too short"));

  ServerOptions options;
  options.token = "a-long-enough-secret-token";
  auto server = serve(options);
  httplib::Client client("127.0.0.1", server->port());
  const auto none = client.Get("/api/people");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_TRUE(contains(Json::parse(none->body)["error"], "token is needed"));
  const auto wrong = client.Get("/api/people", httplib::Headers{{"Authorization", "Bearer a-long-enough-secret-tokeN"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(Json::parse(wrong->body)["error"], "wrong token");
  const auto right = client.Get("/api/people", httplib::Headers{{"Authorization", "Bearer a-long-enough-secret-token"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  const auto page = client.Get("/?token=a-long-enough-secret-token");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

TEST(ServeCommand, RefusesToListenBeyondLoopbackWithoutAToken) {
  SIAMESE_REQUIRE_FACE_TOWER();
  const std::string out = test::runCli("serve --listen 0.0.0.0:0 --model " + test::faceTower(), 1);
  EXPECT_TRUE(contains(out, "refusing to listen on 0.0.0.0 without a token")) << out;
  const std::string bad = test::runCli("serve --listen nowhere:port --model " + test::faceTower(), 1);
  EXPECT_TRUE(contains(bad, "expected host:port")) << bad;
}

TEST_F(ServeApi, RequestsBeyondTheLimitGet503AndTheOthersAreAnswered) {
  ServerOptions options;
  options.maxConcurrent = 1;
  auto server = serve(options);
  const std::string photo = test::lfwPhoto("Jacques_Chirac", 1);
  int busy = 0, ok = 0;
  for (int round = 0; round < 3 && busy == 0; ++round) {
    std::vector<std::future<int>> answers;
    for (int i = 0; i < 3; ++i) {
      answers.push_back(std::async(std::launch::async, [&] {
        httplib::Client client("127.0.0.1", server->port());
        client.set_read_timeout(60);
        const auto res = client.Post("/api/identify", httplib::MultipartFormDataItems{file("photo", photo)});
        return res ? res->status : -1;
      }));
    }
    for (auto& a : answers) {
      const int status = a.get();
      busy += status == 503;
      ok += status == 200;
      EXPECT_TRUE(status == 200 || status == 503) << status;
    }
  }
  EXPECT_GT(busy, 0) << "one slot and three at once: some must be told to come back";
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace siamese
