// What reduce-events is asked to do, from the command line and config files: where the events
// are, the derived columns, the cuts, the histograms, the grouped statistics and the columns
// of the selected rows to keep.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "expression.hpp"
#include "histogram.hpp"

namespace reduce_events {

// A mistake in the arguments or a config file: reported with the usage hint, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Definition {
  std::string name;
  Expression expression;
};

struct StatSpec {
  std::string name;
  Expression expression;
};

struct ReductionSpec {
  std::string input, output;
  std::string table = "events";  // the HDF5 group holding one dataset per column
  std::vector<Definition> defines;
  std::vector<Expression> cuts;  // a row is selected when every cut is non-zero (NaN fails)
  std::optional<Expression> weight;
  std::vector<HistogramSpec> histograms;
  std::string groupBy = "detector";  // empty: no grouped statistics
  std::vector<StatSpec> stats;
  std::vector<double> quantiles = {0.05, 0.25, 0.5, 0.75, 0.95};
  int sketchK = 200;
  std::vector<std::string> select;  // columns of the selected rows to write
  bool overwrite = false;
  uint64_t batchRows = 65536;

  // Set by resolve(): the columns read from the file, then the frame's (read, then derived).
  std::vector<std::string> inputColumns, frameColumns;

  // Checks names and binds every expression to its frame column. Throws UsageError.
  void resolve();
  int frameIndex(const std::string& column) const;
  std::string cutsText() const;
};

ReductionSpec parseArguments(const std::vector<std::string>& args);

extern const char* const kUsage;

}  // namespace reduce_events
