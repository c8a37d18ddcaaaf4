#include "BenchmarkFile.h"

#include <ctime>
#include <filesystem>
#include <thread>

#include "common/AtomicFile.h"
#include "nn/Embedder.h"

namespace siamese::cli {
namespace {

std::string beginMarker(const std::string& name) { return "<!-- siamese bench " + name + " -->\n"; }
std::string endMarker(const std::string& name) { return "<!-- end of siamese bench " + name + " -->\n"; }

}  // namespace

void writeBenchmarkSection(const std::string& path, const std::string& name, const std::string& markdown) {
  std::string text = std::filesystem::exists(path) ? readTextFile(path) : std::string();
  const std::string section = beginMarker(name) + markdown + (markdown.empty() || markdown.back() == '\n' ? "" : "\n") +
                              endMarker(name);
  const std::size_t begin = text.find(beginMarker(name));
  const std::size_t end = begin == std::string::npos ? begin : text.find(endMarker(name), begin);
  if (begin != std::string::npos && end != std::string::npos) {
    text.replace(begin, end + endMarker(name).size() - begin, section);
  } else if (name == "accuracy" && text.find("<!-- siamese bench ") == std::string::npos) {
    text = section;  // a file from before sections: all of it was the accuracy table
  } else {
    text += (text.empty() || text.back() == '\n' ? "" : "\n") + std::string(text.empty() ? "" : "\n") + section;
  }
  writeFileAtomically(path, text);
}

std::string machineDescription() {
  const std::time_t now = std::time(nullptr);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  return std::string(date) + ", " + std::to_string(std::thread::hardware_concurrency()) + " CPU cores, models on " +
         autoDeviceName();
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace siamese::cli
