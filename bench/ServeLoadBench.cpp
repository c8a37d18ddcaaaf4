// Load on `siamese serve`: the server runs as its own process (the real
// command, on loopback, with the default model and a gallery of six LFW
// people), and N clients post /api/compare (two LFW photos) and
// /api/identify (a photo of two enrolled people) in turn for a fixed
// time. Prints requests per second, p50/p99 latency, errors (any status
// but 200; 503 is counted apart: the server said it was busy), and the
// server's resident memory before and after.
//
//   bench_serve [--clients 8] [--seconds 30] [--max-concurrent 4] [--siamese build/release/bin/siamese]

#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/AtomicFile.h"
#include "common/DefaultPaths.h"

extern char** environ;

namespace {

std::string lfw(const std::string& person, int n) {
  char name[256];
  std::snprintf(name, sizeof name, "%s/lfw/images/%s/%s_%04d.jpg", SIAMESE_SHARED_DATA_DIR, person.c_str(),
                person.c_str(), n);
  return name;
}

long residentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 8, seconds = 30, maxConcurrent = 4;
  std::string siamese = "build/release/bin/siamese";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--clients") clients = std::stoi(argv[i + 1]);
    if (key == "--seconds") seconds = std::stoi(argv[i + 1]);
    if (key == "--max-concurrent") maxConcurrent = std::stoi(argv[i + 1]);
    if (key == "--siamese") siamese = argv[i + 1];
  }
  const std::string dir = "/tmp/bench-serve-" + std::to_string(::getpid());
  const std::string gallery = dir + "/gallery.db";
  for (const char* person : {"Jacques_Chirac", "Winona_Ryder", "Gray_Davis", "Vicente_Fox", "Abdullah_Gul",
                             "Jennifer_Capriati"}) {
    std::string name = person;
    std::replace(name.begin(), name.end(), '_', ' ');
    if (run({siamese, "gallery", "--gallery", gallery, "add", name, lfw(person, 1), lfw(person, 2), lfw(person, 3)}) != 0) {
      std::fprintf(stderr, "could not enrol %s\n", person);
      return 1;
    }
  }
  const int port = 18000 + ::getpid() % 1000;
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> serveArgs{siamese, "serve", "--listen", listen, "--gallery", gallery, "--max-concurrent",
                                     std::to_string(maxConcurrent)};
  std::vector<char*> serveArgv;
  for (const std::string& a : serveArgs) serveArgv.push_back(const_cast<char*>(a.c_str()));
  serveArgv.push_back(nullptr);
  pid_t server = 0;
  if (posix_spawn(&server, serveArgv[0], nullptr, nullptr, serveArgv.data(), environ) != 0) return 1;
  httplib::Client probe("127.0.0.1", port);
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    const auto res = probe.Get("/api/health");
    up = res && res->status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!up) {
    std::fprintf(stderr, "the server did not come up on %s\n", listen.c_str());
    kill(server, SIGTERM);
    return 1;
  }
  // One request of each kind first: the model's first batch and the gallery index are then warm.
  const std::string a = siamese::readTextFile(lfw("Tony_Blair", 1)), b = siamese::readTextFile(lfw("Tony_Blair", 2));
  const std::string both = siamese::readTextFile(lfw("Jacques_Chirac", 12));
  const auto compare = [&](httplib::Client& c) {
    return c.Post("/api/compare", httplib::MultipartFormDataItems{{"a", a, "a.jpg", "image/jpeg"}, {"b", b, "b.jpg", "image/jpeg"}});
  };
  const auto identify = [&](httplib::Client& c) {
    return c.Post("/api/identify", httplib::MultipartFormDataItems{{"photo", both, "p.jpg", "image/jpeg"}});
  };
  compare(probe);
  identify(probe);
  const long rssBefore = residentKiB(server);

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<double> latencies;
  long ok = 0, busy = 0, errors = 0;
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(60);
      for (int n = t; !stop; ++n) {
        const auto begin = std::chrono::steady_clock::now();
        const auto res = n % 2 ? identify(client) : compare(client);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
        std::lock_guard<std::mutex> lock(mutex);
        if (res && res->status == 200) {
          ++ok;
          latencies.push_back(ms);
        } else if (res && res->status == 503) {
          ++busy;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));  // as Retry-After asks, briefly
        } else {
          ++errors;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long rssAfter = residentKiB(server);
  kill(server, SIGTERM);
  waitpid(server, nullptr, 0);

  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) { return latencies.empty() ? 0.0 : latencies[std::size_t(q * (latencies.size() - 1))]; };
  std::printf("siamese serve, %d clients for %.0f s (compare and identify in turn), --max-concurrent %d:\n", clients,
              elapsed, maxConcurrent);
  std::printf("  answered %ld (%.1f requests/s), p50 %.0f ms, p99 %.0f ms; busy (503) %ld; errors %ld\n", ok,
              double(ok) / elapsed, at(0.5), at(0.99), busy, errors);
  std::printf("  server resident memory: %.1f MiB after warm-up, %.1f MiB after the load\n", rssBefore / 1024.0,
              rssAfter / 1024.0);
  run({"/bin/rm", "-rf", dir});
  return errors == 0 ? 0 : 1;
}
