#pragma once
/// \file FaceServer.h
/// `siamese serve`: the engine over HTTP (cpp-httplib). A web page with no
/// external scripts, fonts or CDNs, and a JSON API (/api/compare,
/// /api/identify, /api/people, /api/health). Loopback only unless a token
/// is given; with a token every request must carry it ("Authorization:
/// Bearer <token>", or ?token= for the page). Limits: upload size,
/// pixels (checked from the image header before decoding), read and write
/// timeouts, and a bounded number of requests at work at once (the rest
/// get 503 at once rather than waiting in a queue that grows). Every
/// error is JSON with a message.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace siamese {

class Session;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8765;                 ///< 0: any free port
  std::string token;               ///< required for any address but loopback
  std::size_t maxUploadBytes = 20u << 20;  ///< the whole request body
  int maxConcurrent = 4;           ///< requests at work at once; more get 503
  int timeoutSeconds = 30;         ///< to read a request, and to write a reply
};

/// "127.0.0.1:8765", "[::1]:80", "0.0.0.0:8080" or a bare port. throws
/// Error naming the text when it is not one.
void parseListenAddress(const std::string& text, ServerOptions& options);

bool isLoopbackHost(const std::string& host);

class FaceServer {
 public:
  /// Checks the options (a token for a non-loopback address, sane limits).
  /// throws Error saying what is wrong. `session` must outlive the server.
  FaceServer(Session& session, ServerOptions options);
  ~FaceServer();  ///< stops
  FaceServer(const FaceServer&) = delete;
  FaceServer& operator=(const FaceServer&) = delete;

  /// Binds and serves on a thread of its own. throws Error when the
  /// address cannot be bound (in use, not an address of this machine).
  void start();
  void stop();
  bool running() const;
  /// "http://127.0.0.1:8765/" (the port bound, when 0 was asked for).
  std::string url() const;
  int port() const { return m_port; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  ServerOptions m_options;
  int m_port = 0;
  std::thread m_thread;
};

}  // namespace siamese
