// siamese cache-info: what a face cache holds, and which photos failed why.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "CliSupport.h"
#include "Commands.h"
#include "data/FaceCache.h"

namespace siamese::cli {

void addCacheInfoCommand(CLI::App& app) {
  struct Args {
    std::string cache;
    bool failures = false, people = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("cache-info", "Summarise a face cache; list failures or people");
  cmd->add_option("cache", args->cache, "Face cache file")->required();
  cmd->add_flag("--failures", args->failures, "List every photo that failed, with the reason (tab-separated)");
  cmd->add_flag("--people", args->people, "List people with their photo counts");

  cmd->callback([args] {
    const FaceCache cache = loadFaceCache(args->cache);
    const CacheSettings& s = cache.settings();
    std::size_t aligned = 0;
    for (const CachedFace& f : cache.faces()) aligned += f.aligned ? 1 : 0;
    std::map<std::string, int> reasons;
    for (const CachedFailure& f : cache.failures()) ++reasons[f.reason];

    if (args->failures) {
      std::printf("source\tperson\treason\n");
      for (const CachedFailure& f : cache.failures()) {
        std::printf("%s\t%s\t%s\n", f.source.c_str(), f.person.c_str(), f.reason.c_str());
      }
      return;
    }
    if (args->people) {
      const auto byPerson = cache.facesByPerson();
      for (std::size_t p = 0; p < byPerson.size(); ++p) {
        std::printf("%s\t%zu\n", cache.people()[p].c_str(), byPerson[p].size());
      }
      return;
    }
    std::printf("Face cache %s\n", args->cache.c_str());
    std::printf("  data set:   %s\n", s.datasetRoot.c_str());
    std::printf("  crops:      %dx%d %s, %s (detector %s, padding %.2f)\n", s.cropSize, s.cropSize,
                s.channels == 1 ? "grey" : "colour", s.alignedFaces ? "aligned faces" : "whole images",
                s.detector.c_str(), s.padding);
    std::printf("  faces:      %zu of %zu people (%zu landmark-aligned, %zu fallback crops)\n", cache.size(),
                cache.people().size(), aligned, cache.size() - aligned);
    std::printf("  failures:   %zu\n", cache.failures().size());
    for (const auto& [reason, count] : reasons) std::printf("    %5d  %s\n", count, reason.c_str());
    if (cache.damagedRecords()) std::printf("  damage:     %s\n", cache.damageNote().c_str());
    if (cache.ignoredTailBytes()) {
      std::printf("  note: %zu bytes at the end were an unfinished record (ignored; a resume repairs it)\n",
                  cache.ignoredTailBytes());
    }
  });
}

}  // namespace siamese::cli
