#include "serve/FaceServer.h"

#include <httplib.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "serve/FaceApi.h"
#include "serve/WebPage.h"

namespace siamese {
namespace {

void reply(httplib::Response& res, const ApiReply& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
}

// Compares every character whatever the first difference, so the time
// taken does not tell how much of a guessed token was right.
bool sameToken(const std::string& given, const std::string& token) {
  if (token.empty()) return false;
  unsigned differ = given.size() != token.size() ? 1u : 0u;
  for (std::size_t i = 0; i < token.size(); ++i) {
    differ |= unsigned(static_cast<unsigned char>(i < given.size() ? given[i] : 0) ^ static_cast<unsigned char>(token[i]));
  }
  return differ == 0;
}

const char* statusMessage(int status) {
  switch (status) {
    case 400: return "bad request: the request could not be read";
    case 401: return "a token is needed: send 'Authorization: Bearer <token>'";
    case 404: return "no such page or API: see /api/health, /api/compare, /api/identify, /api/people";
    case 405: return "method not allowed for this path";
    case 408: return "the request took too long to arrive";
    case 413: return "the upload is too large";
    case 414: return "the address is too long";
    case 431: return "the request headers are too large";
    case 503: return "the server is busy: try again in a moment";
    default: return "the request failed";
  }
}

}  // namespace

bool isLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void parseListenAddress(const std::string& text, ServerOptions& options) {
  std::string host = options.host, port = text;
  const std::size_t colon = text.rfind(':');
  if (!text.empty() && text.front() == '[') {  // [::1]:8765
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw Error("--listen " + text + ": write an IPv6 address as [::1]:8765");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 0 || value > 65535 || host.empty()) {
    throw Error("--listen " + text + ": expected host:port (e.g. 127.0.0.1:8765) or a port from 0 to 65535");
  }
  options.host = host;
  options.port = int(value);
}

struct FaceServer::Impl {
  explicit Impl(Session& session) : api(session) {}
  httplib::Server server;
  FaceApi api;
  std::atomic<int> atWork{0};
  std::atomic<bool> listenEnded{true};
};

FaceServer::FaceServer(Session& session, ServerOptions options)
    : m_impl(std::make_unique<Impl>(session)), m_options(std::move(options)) {
  if (!isLoopbackHost(m_options.host) && m_options.token.empty()) {
    throw Error("refusing to listen on " + m_options.host +
                " without a token: anyone who can reach this machine could send faces and read the gallery. "
                "Give --token (or --token-file), or listen on 127.0.0.1");
  }
  if (!m_options.token.empty() && m_options.token.size() < 16) {
    throw Error("the token is too short (" + std::to_string(m_options.token.size()) + " characters): use 16 or more");
  }
  if (m_options.maxConcurrent < 1 || m_options.maxConcurrent > 64) {
    throw Error("--max-concurrent must be between 1 and 64");
  }
  if (m_options.timeoutSeconds < 1 || m_options.timeoutSeconds > 3600) throw Error("--timeout must be 1 to 3600 s");
  if (m_options.maxUploadBytes < 1024) throw Error("--max-upload is too small to carry a photo");

  httplib::Server& s = m_impl->server;
  const int pool = m_options.maxConcurrent + 2;  // the extra threads answer 503 while the others work
  s.new_task_queue = [pool] { return new httplib::ThreadPool(std::size_t(pool)); };
  s.set_payload_max_length(m_options.maxUploadBytes);
  s.set_read_timeout(m_options.timeoutSeconds);
  s.set_write_timeout(m_options.timeoutSeconds);
  s.set_keep_alive_max_count(1);  // one request per connection: a connection never holds a worker idle
  // The accept loop wakes every 200 ms to see whether it was stopped
  // (closing the listening socket alone does not always end accept()).
  s.set_idle_interval(0, 200000);

  Impl* impl = m_impl.get();
  const std::string token = m_options.token;
  s.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    if (token.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string given = req.get_param_value("token");
    const std::string header = req.get_header_value("Authorization");
    if (header.rfind("Bearer ", 0) == 0) given = header.substr(7);
    if (sameToken(given, token)) return httplib::Server::HandlerResponse::Unhandled;
    reply(res, FaceApi::error(401, given.empty() ? statusMessage(401) : "wrong token"));
    return httplib::Server::HandlerResponse::Handled;
  });
  // Work on faces is limited; answering the page or an error is not.
  const int limit = m_options.maxConcurrent;
  const auto limited = [impl, limit](auto work) {
    return [impl, limit, work](const httplib::Request& req, httplib::Response& res) {
      if (impl->atWork.fetch_add(1) >= limit) {
        impl->atWork.fetch_sub(1);
        reply(res, FaceApi::error(503, std::string(statusMessage(503)) + " (" + std::to_string(limit) +
                                           " requests at work)"));
        res.set_header("Retry-After", "1");
        return;
      }
      struct Release {
        Impl* impl;
        ~Release() { impl->atWork.fetch_sub(1); }
      } release{impl};
      work(req, res);
    };
  };
  const auto upload = [](const httplib::Request& req, const char* field) {
    Upload u;
    u.field = field;
    if (req.has_file(field)) {
      const auto& file = req.files.find(field)->second;
      u.filename = file.filename;
      u.bytes = &file.content;
    }
    return u;
  };
  s.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(webPage(), "text/html; charset=utf-8");
    // The page runs only its own inline script and talks only to this server.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: "
                   "blob:; connect-src 'self'");
    res.set_header("X-Content-Type-Options", "nosniff");
  });
  s.Get("/api/health", limited([impl](const httplib::Request&, httplib::Response& res) { reply(res, impl->api.health()); }));
  s.Get("/api/people", limited([impl](const httplib::Request&, httplib::Response& res) { reply(res, impl->api.people()); }));
  s.Post("/api/compare", limited([impl, upload](const httplib::Request& req, httplib::Response& res) {
    if (!req.is_multipart_form_data()) {
      reply(res, FaceApi::error(415, "send the two photos as multipart/form-data files 'a' and 'b'"));
      return;
    }
    reply(res, impl->api.compare(upload(req, "a"), upload(req, "b")));
  }));
  s.Post("/api/identify", limited([impl, upload](const httplib::Request& req, httplib::Response& res) {
    if (!req.is_multipart_form_data()) {
      reply(res, FaceApi::error(415, "send the photo as a multipart/form-data file 'photo'"));
      return;
    }
    reply(res, impl->api.identify(upload(req, "photo")));
  }));
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    reply(res, FaceApi::error(500, message));
  });
  // Errors httplib answers itself (too large, bad request, no route) get a JSON body too.
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        reply(res, FaceApi::error(res.status, statusMessage(res.status)));
        return httplib::Server::HandlerResponse::Handled;
      }));
}

FaceServer::~FaceServer() { stop(); }

void FaceServer::start() {
  httplib::Server& s = m_impl->server;
  m_port = m_options.port == 0 ? s.bind_to_any_port(m_options.host) : (s.bind_to_port(m_options.host, m_options.port)
                                                                          ? m_options.port
                                                                          : -1);
  if (m_port < 0) {
    throw Error("cannot listen on " + m_options.host + ":" + std::to_string(m_options.port) +
                ": the port is in use or the address is not one of this machine's");
  }
  m_impl->listenEnded = false;
  m_thread = std::thread([this] {
    m_impl->server.listen_after_bind();
    m_impl->listenEnded = true;
  });
}

void FaceServer::stop() {
  if (!m_thread.joinable()) return;
  // Asked again until the accept loop has ended: under load (bench_serve)
  // a single stop() was seen to leave it running, and join() waiting for
  // ever. The loop looks every 200 ms (the idle interval).
  for (int attempt = 0; attempt < 100 && !m_impl->listenEnded; ++attempt) {
    m_impl->server.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  m_thread.join();
}

bool FaceServer::running() const { return m_thread.joinable() && m_impl->server.is_running(); }

std::string FaceServer::url() const {
  const bool v6 = m_options.host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + m_options.host + "]" : m_options.host) + ":" + std::to_string(m_port) + "/";
}

}  // namespace siamese
