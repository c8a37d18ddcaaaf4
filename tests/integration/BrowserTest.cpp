// The web page end to end in a real browser: Debian's headless Chromium,
// driven over WebDriver by chromedriver (both installed by the set-up),
// opens the page `siamese serve` shows, uploads two LFW photos into its
// file fields, presses Compare and reads the verdict from the page; then
// again with two different people. Skips, saying why, where Chromium or
// chromedriver is missing. With SIAMESE_SCREENSHOT_DIR set, the page is
// saved there as web.png.

#include <httplib.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/AtomicFile.h"
#include "gallery/Enrolment.h"
#include "serve/FaceServer.h"
#include "session/Session.h"
#include "support/TestSupport.h"

extern char** environ;

namespace siamese {
namespace {

using Json = nlohmann::json;
const char* const kChromium = "/usr/bin/chromium";
const char* const kDriver = "/usr/bin/chromedriver";
const char* const kElement = "element-6066-11e4-a52e-4f735466cecf";  // WebDriver's key for an element reference

/// chromedriver on a free port, stopped with the test.
class Driver {
 public:
  Driver() {
    for (m_port = 19515; m_port < 19600; ++m_port) {
      const std::string port = "--port=" + std::to_string(m_port);
      char* argv[] = {const_cast<char*>(kDriver), const_cast<char*>(port.c_str()), nullptr};
      if (posix_spawn(&m_pid, kDriver, nullptr, nullptr, argv, environ) != 0) continue;
      httplib::Client probe("127.0.0.1", m_port);
      for (int i = 0; i < 50; ++i) {
        if (auto res = probe.Get("/status"); res && res->status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      stop();
    }
    m_pid = 0;
  }
  ~Driver() { stop(); }
  bool running() const { return m_pid > 0; }
  int port() const { return m_port; }

 private:
  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = 0;
  }
  pid_t m_pid = 0;
  int m_port = 0;
};

/// The few WebDriver commands the test needs.
class Browser {
 public:
  explicit Browser(int driverPort) : m_client("127.0.0.1", driverPort) {
    m_client.set_read_timeout(120);
    const Json capabilities = {
        {"capabilities",
         {{"alwaysMatch",
           {{"browserName", "chrome"},
            {"goog:chromeOptions",
             {{"binary", kChromium},
              {"args", {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1100,900"}}}}}}}}};
    m_session = call("POST", "/session", capabilities)["sessionId"];
  }
  ~Browser() {
    if (!m_session.empty()) m_client.Delete("/session/" + m_session);
  }

  void open(const std::string& url) { call("POST", path("/url"), {{"url", url}}); }
  std::string find(const std::string& css) {
    return call("POST", path("/element"), {{"using", "css selector"}, {"value", css}})[kElement];
  }
  void type(const std::string& element, const std::string& text) {
    call("POST", path("/element/" + element + "/value"), {{"text", text}});
  }
  void click(const std::string& element) { call("POST", path("/element/" + element + "/click"), Json::object()); }
  std::string text(const std::string& element) { return call("GET", path("/element/" + element + "/text"), {}); }
  /// The text of `css` once it has some (empty after `seconds`).
  std::string waitForText(const std::string& css, int seconds) {
    for (int i = 0; i < seconds * 5; ++i) {
      const Json found =
          call("POST", path("/elements"), {{"using", "css selector"}, {"value", css}});
      if (!found.empty()) {
        const std::string value = text(found[0][kElement]);
        if (!value.empty()) return value;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return "";
  }
  std::vector<std::uint8_t> screenshotPng() {
    const std::string base64 = call("GET", path("/screenshot"), {});
    std::vector<std::uint8_t> png(base64.size());
    const int n = EVP_DecodeBlock(png.data(), reinterpret_cast<const unsigned char*>(base64.data()), int(base64.size()));
    png.resize(std::size_t(std::max(0, n)));
    return png;
  }

 private:
  std::string path(const std::string& rest) const { return "/session/" + m_session + rest; }
  Json call(const std::string& method, const std::string& where, const Json& body) {
    const auto res = method == "GET" ? m_client.Get(where) : m_client.Post(where, body.dump(), "application/json");
    if (!res) throw std::runtime_error("chromedriver did not answer " + where);
    const Json reply = Json::parse(res->body);
    if (res->status != 200) throw std::runtime_error("WebDriver " + where + ": " + res->body);
    return reply["value"];
  }
  httplib::Client m_client;
  std::string m_session;
};

TEST(WebPage, ABrowserComparesTwoUploadedPhotosAndShowsTheVerdict) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!std::filesystem::exists(kChromium) || !std::filesystem::exists(kDriver)) {
    GTEST_SKIP() << "Chromium or chromedriver is missing (Debian packages chromium, chromium-driver; scripts/setup.sh "
                    "installs them)";
  }
  test::ScratchDir dir;
  SessionSettings settings;
  settings.modelPath = test::faceTower();
  settings.galleryPath = dir.file("g.db");
  settings.device = DevicePreference::Cpu;
  Session session(settings);
  ServerOptions options;
  options.port = 0;
  FaceServer server(session, options);
  server.start();

  Driver driver;
  ASSERT_TRUE(driver.running()) << "chromedriver did not start";
  Browser browser(driver.port());
  browser.open(server.url());
  const auto compare = [&](const std::string& a, const std::string& b) {
    browser.open(server.url());  // a fresh page: the verdict of the last comparison is gone
    // A file field takes a canonical path.
    browser.type(browser.find("#fileA"), std::filesystem::canonical(a).string());
    browser.type(browser.find("#fileB"), std::filesystem::canonical(b).string());
    browser.click(browser.find("#compareButton"));
    return browser.waitForText("#verdictText", 60);
  };
  EXPECT_EQ(compare(test::lfwPhoto("Tony_Blair", 1), test::lfwPhoto("Tony_Blair", 2)), "Same person");
  if (const char* shots = std::getenv("SIAMESE_SCREENSHOT_DIR")) {
    writeFileAtomically(std::string(shots) + "/web.png", browser.screenshotPng());
  }
  EXPECT_EQ(compare(test::lfwPhoto("Tony_Blair", 1), test::lfwPhoto("Winona_Ryder", 1)), "Different people");
  server.stop();
}

}  // namespace
}  // namespace siamese
