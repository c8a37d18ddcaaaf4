// siamese serve: the engine over HTTP on this machine (FaceServer.h): a web
// page to compare two photos, identify the faces of one and list the
// gallery, and the same as a JSON API. Loopback only unless a token is
// given. Runs until Ctrl-C or SIGTERM.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "CliSupport.h"
#include "Commands.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "serve/FaceServer.h"
#include "session/Session.h"

namespace siamese::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8765", gallery, model, token, tokenFile, device = "auto";
  double maxUploadMb = 20;
  ServerOptions server;
};

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

void runServe(ServeArgs args) {
  // Requests run side by side on their own threads: one LibTorch thread
  // each keeps them from fighting over the cores (bench_serve: see README).
  configureTorchThreads(1);
  parseListenAddress(args.listen, args.server);
  args.server.token = args.tokenFile.empty() ? args.token : trimmed(readTextFile(args.tokenFile));
  args.server.maxUploadBytes = std::size_t(args.maxUploadMb * 1024 * 1024);
  SessionSettings settings;
  settings.modelPath = args.model;
  settings.galleryPath = args.gallery;
  settings.device = parseDevice(args.device);
  Session session(settings);
  const auto model = session.model();  // loaded before the first request, and its errors said here
  FaceServer server(session, args.server);
  server.start();
  std::printf("serving %s on %s (model %s, gallery %s)%s\n", server.url().c_str(), model->deviceName().c_str(),
              model->metadata().modelId.c_str(), session.galleryPath().c_str(),
              args.server.token.empty() ? "" : "; every request needs the token");
  std::printf("the page: %s%s   the API: /api/compare, /api/identify, /api/people, /api/health\n", server.url().c_str(),
              args.server.token.empty() ? "" : "?token=…");
  std::fflush(stdout);
  while (!interruptToken().stopRequested() && server.running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  server.stop();
  std::printf("stopped\n");
}

}  // namespace

void addServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve a web page and a JSON API (compare, identify, people) on this machine");
  cmd->add_option("--listen", args->listen, "host:port to listen on (any address but loopback needs a token)")
      ->capture_default_str();
  cmd->add_option("--gallery", args->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  cmd->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  auto* token = cmd->add_option("--token", args->token, "A secret every request must carry (16 characters or more)");
  cmd->add_option("--token-file", args->tokenFile, "Read the token from this file (kept out of the process list)")
      ->excludes(token);
  cmd->add_option("--max-upload-mb", args->maxUploadMb, "Largest request body, MiB")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1024.0));
  cmd->add_option("--max-concurrent", args->server.maxConcurrent, "Requests at work at once; more get 503")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--timeout", args->server.timeoutSeconds, "Seconds to read a request or write a reply")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--device", args->device, "auto, cpu or cuda")->capture_default_str();
  cmd->callback([args] { runServe(*args); });
}

}  // namespace siamese::cli
