#pragma once
// BENCHMARKS.md holds one section per `siamese bench` command (accuracy,
// training), each between markers so that a command rewrites its own
// section and keeps the others. Also the helpers the bench commands share.

#include <string>
#include <vector>

namespace siamese::cli {

/// Replaces section `name` of the Markdown file at `path` with `markdown`
/// (atomically), keeping the other sections; appends it when the file has
/// none yet. A file written before sections existed is taken as the
/// accuracy section.
void writeBenchmarkSection(const std::string& path, const std::string& name, const std::string& markdown);

/// "2026-12-01, 2 CPU cores, models on cpu".
std::string machineDescription();

/// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> splitList(const std::string& text);

}  // namespace siamese::cli
