// reduce-events: the data reduction of an event table. Reads the columns an analysis needs from
// an HDF5 event file, adds derived columns, applies cuts, and writes one HDF5 file with weighted
// 1-D and 2-D histograms (under- and overflow bins, axis metadata), per-group statistics with
// approximate quantiles, and optionally the selected rows.
//   mpirun -n 3 ./reduce-events events.h5 out.h5 --define "r=hypot(x,y)" --cut "energy > 20"
//     --hist energy 200 0 2000 --hist2d x 64 -20 20 y 64 -20 20 --stat energy --select energy,r
// One pass over the input computes every histogram and statistic (aggregate over batches of
// rows, column at a time); the selected rows, if asked for, are kept from that pass and written
// column by column in parallel. OUTPUT appears only when complete (written as OUTPUT.kiln-partial).
#include <boost/serialization/map.hpp>  // Reduction::groups travels between ranks
#include <filesystem>
#include <iostream>
#include <kiln/kiln.hpp>
#include <map>

#include "../new_output.hpp"
#include "group_stats.hpp"
#include "reduction_spec.hpp"

using namespace reduce_events;

namespace {

// The selected rows of one batch: the frame's columns (read, then derived), compacted.
struct SelectedRows {
  uint64_t rowsRead = 0;
  std::vector<std::vector<double>> columns;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& rowsRead& columns;
  }
};

// Everything one pass computes; partial results from any partitions merge into the total.
struct Reduction {
  uint64_t rowsRead = 0, rowsSelected = 0;
  std::vector<HistogramCounts> histograms;
  std::map<int64_t, std::vector<GroupStats>> groups;  // group -> one GroupStats per --stat
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& rowsRead& rowsSelected& histograms& groups;
  }
};

struct GroupRow {
  int64_t group;
  uint64_t count;
  double sum, mean, variance, min, max;
};

}  // namespace

KILN_HDF5_FIELDS(GroupRow, group, count, sum, mean, variance, min, max)

namespace {

SelectedRows selectRows(const ReductionSpec& spec, kiln::ColumnBatch& batch) {
  const size_t rows = batch.numRows();
  SelectedRows out;
  out.rowsRead = rows;
  out.columns = std::move(batch.columns);
  for (const auto& d : spec.defines)
    out.columns.push_back(d.expression.evaluate(out.columns, rows));
  if (spec.cuts.empty()) return out;
  std::vector<char> keep(rows, 1);
  for (const auto& cut : spec.cuts) {
    auto v = cut.evaluate(out.columns, rows);
    for (size_t i = 0; i < rows; ++i) keep[i] &= char(v[i] != 0 && !std::isnan(v[i]));
  }
  for (auto& column : out.columns) {
    size_t k = 0;
    for (size_t i = 0; i < rows; ++i)
      if (keep[i]) column[k++] = column[i];
    column.resize(k);
    column.shrink_to_fit();
  }
  return out;
}

Reduction emptyReduction(const ReductionSpec& spec) {
  Reduction r;
  for (const auto& h : spec.histograms) r.histograms.emplace_back(h.cells());
  return r;
}

void accumulate(const ReductionSpec& spec, int groupColumn, Reduction& r, const SelectedRows& s) {
  const size_t rows = s.columns.empty() ? 0 : s.columns[0].size();
  r.rowsRead += s.rowsRead;
  r.rowsSelected += rows;
  if (rows == 0) return;
  std::vector<double> weights =
      spec.weight ? spec.weight->evaluate(s.columns, rows) : std::vector<double>(rows, 1.0);
  for (size_t h = 0; h < spec.histograms.size(); ++h) {
    std::vector<std::vector<double>> axisValues;
    for (const auto& a : spec.histograms[h].axes)
      axisValues.push_back(a.expression.evaluate(s.columns, rows));
    fill(spec.histograms[h], axisValues, weights, r.histograms[h]);
  }
  if (spec.stats.empty()) return;
  std::vector<std::vector<double>> values;
  for (const auto& st : spec.stats) values.push_back(st.expression.evaluate(s.columns, rows));
  const std::vector<double>* group = groupColumn >= 0 ? &s.columns[size_t(groupColumn)] : nullptr;
  std::vector<GroupStats>* current = nullptr;
  int64_t currentKey = 0;
  for (size_t i = 0; i < rows; ++i) {
    int64_t key = 0;
    if (group) {
      double g = (*group)[i];
      if (!(g == std::floor(g)) || std::fabs(g) > 9e15)
        throw kiln::Error("reduce-events: " + spec.input + ": group column " + spec.groupBy +
                          " has the value " + std::to_string(g) + ", not a whole number");
      key = int64_t(g);
    }
    if (!current || key != currentKey) {  // events often come in runs of one group
      auto [it, fresh] = r.groups.try_emplace(key);
      if (fresh) it->second.assign(spec.stats.size(), GroupStats(spec.sketchK));
      current = &it->second;
      currentKey = key;
    }
    for (size_t st = 0; st < values.size(); ++st)
      if (!std::isnan(values[st][i])) (*current)[st].add(values[st][i]);
  }
}

Reduction merge(Reduction a, Reduction b) {
  a.rowsRead += b.rowsRead;
  a.rowsSelected += b.rowsSelected;
  for (size_t h = 0; h < a.histograms.size(); ++h) a.histograms[h].merge(b.histograms[h]);
  for (auto& [key, stats] : b.groups) {
    auto [it, fresh] = a.groups.try_emplace(key);
    if (fresh) {
      it->second = std::move(stats);
    } else {
      for (size_t i = 0; i < stats.size(); ++i) it->second[i].merge(stats[i]);
    }
  }
  return a;
}

// Attributes every output dataset carries: where its rows came from.
std::vector<kiln::Hdf5Attribute> provenance(const ReductionSpec& spec) {
  std::string defines;
  for (const auto& d : spec.defines)
    defines += (defines.empty() ? "" : "; ") + d.name + " = " + d.expression.text();
  return {{"input", spec.input},
          {"table", spec.table},
          {"cuts", spec.cutsText()},
          {"defines", defines}};
}

void writeHistograms(kiln::Context& sc, const ReductionSpec& spec, const Reduction& r,
                     const std::string& file) {
  const char* axisNames[] = {"x", "y"};
  for (size_t h = 0; h < spec.histograms.size(); ++h) {
    const HistogramSpec& hs = spec.histograms[h];
    const HistogramCounts& counts = r.histograms[h];
    auto attrs = provenance(spec);
    attrs.push_back({"kind", std::string(hs.axes.size() == 1 ? "hist1d" : "hist2d")});
    attrs.push_back({"layout", std::string("per axis: bin 0 underflow (< low), bins 1..n regular "
                                           "[edge i-1, edge i), bin n+1 overflow (>= high)")});
    for (size_t a = 0; a < hs.axes.size(); ++a) {
      const std::string p = axisNames[a];
      attrs.push_back({p + "_expression", hs.axes[a].expression.text()});
      attrs.push_back({p + "_bins", double(hs.axes[a].bins)});
      attrs.push_back({p + "_low", hs.axes[a].low});
      attrs.push_back({p + "_high", hs.axes[a].high});
      attrs.push_back({p + "_edges", hs.axes[a].edges()});
    }
    attrs.push_back({"weight", spec.weight ? spec.weight->text() : std::string("1")});
    attrs.push_back({"entries", double(counts.entries)});
    attrs.push_back({"nan_entries", double(counts.nanEntries)});
    const std::string base = "histograms/" + hs.name;
    for (int which = 0; which < 2; ++which) {
      const auto& cells = which == 0 ? counts.sumw : counts.sumw2;
      const std::string name = which == 0 ? base : base + "_sumw2";
      kiln::Hdf5WriteOptions options{.append = true, .attributes = attrs};
      if (which == 1)
        options.attributes = {{"of", base},
                              {"meaning", std::string("sum of squared weights per bin")}};
      if (hs.axes.size() == 1) {
        sc.parallelize(cells, 1).saveAsHDF5(file, name, options);
      } else {
        const size_t ny = size_t(hs.axes[1].bins) + 2;
        std::vector<std::vector<double>> rows;
        for (size_t i = 0; i < cells.size(); i += ny)
          rows.emplace_back(cells.begin() + long(i), cells.begin() + long(i + ny));
        sc.parallelize(rows, 1).saveAsHDF5(file, name, options);
      }
    }
  }
}

void writeStats(kiln::Context& sc, const ReductionSpec& spec, const Reduction& r,
                const std::string& file) {
  for (size_t st = 0; st < spec.stats.size(); ++st) {
    std::vector<GroupRow> table;
    std::vector<std::vector<double>> quantiles;
    for (const auto& [key, stats] : r.groups) {
      const GroupStats& g = stats[st];
      table.push_back({key, g.count, g.sum, g.count ? g.mean : std::nan(""), g.variance(),
                       g.count ? g.min : std::nan(""), g.count ? g.max : std::nan("")});
      auto& q = quantiles.emplace_back();
      for (double level : spec.quantiles) q.push_back(g.sketch.quantile(level));
    }
    auto attrs = provenance(spec);
    attrs.push_back({"expression", spec.stats[st].expression.text()});
    attrs.push_back({"group_by", spec.groupBy.empty() ? std::string("(all rows)") : spec.groupBy});
    attrs.push_back({"variance", std::string("population variance (divided by count)")});
    const std::string base = "stats/" + spec.stats[st].name;
    sc.parallelize(table, 1).saveAsHDF5(file, base, {.append = true, .attributes = attrs});
    sc.parallelize(quantiles, 1)
        .saveAsHDF5(file, base + "_quantiles",
                    {.append = true,
                     .attributes = {{"levels", spec.quantiles},
                                    {"of", base},
                                    {"method", std::string("KLL sketch, k = " +
                                                           std::to_string(spec.sketchK))}}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << kUsage;
    return 0;
  }
  ReductionSpec spec;
  try {
    spec = parseArguments(args);
  } catch (const std::exception& e) {
    if (sc.isDriver()) std::cerr << "reduce-events: " << e.what() << " (--help for usage)\n";
    return 2;
  }
  namespace fs = std::filesystem;
  if (!spec.overwrite &&
      !kiln_apps::isNewOutput(sc, "reduce-events", spec.output, "--overwrite replaces it"))
    return 2;
  const std::string partial = spec.output + ".kiln-partial";
  if (sc.isDriver()) fs::remove(partial);
  try {
    std::vector<std::string> datasets;
    for (const auto& c : spec.inputColumns) datasets.push_back(spec.table + "/" + c);
    auto batches = sc.hdf5ColumnBatches(spec.input, datasets, spec.batchRows);
    auto selected = batches.map([spec](kiln::ColumnBatch& b) { return selectRows(spec, b); });
    if (!spec.select.empty()) selected.persist(kiln::StorageLevel::MEMORY_AND_DISK);
    const int groupColumn =
        spec.groupBy.empty() || spec.stats.empty() ? -1 : spec.frameIndex(spec.groupBy);
    Reduction total = selected.aggregate(
        emptyReduction(spec),
        [spec, groupColumn](Reduction r, const SelectedRows& s) {
          accumulate(spec, groupColumn, r, s);
          return r;
        },
        merge);

    auto summary = provenance(spec);
    summary.push_back({"meaning", std::string("rows read, rows selected")});
    sc.parallelize(std::vector<int64_t>{int64_t(total.rowsRead), int64_t(total.rowsSelected)}, 1)
        .saveAsHDF5(partial, "summary", {.append = true, .attributes = summary});
    writeHistograms(sc, spec, total, partial);
    writeStats(sc, spec, total, partial);
    for (const auto& column : spec.select) {
      const size_t c = size_t(spec.frameIndex(column));
      selected.flatMap([c](const SelectedRows& s) { return s.columns[c]; })
          .saveAsHDF5(partial, "selected/" + column,
                      {.chunkRows = 65536, .append = true, .attributes = provenance(spec)});
    }
    if (sc.isDriver()) {
      fs::rename(partial, spec.output);
      sc.out() << "reduce-events: " << total.rowsRead << " rows read, " << total.rowsSelected
               << " selected; " << spec.histograms.size() << " histogram(s), "
               << total.groups.size() << " group(s) of " << spec.stats.size()
               << " statistic(s) written to " << spec.output << "\n";
    }
  } catch (...) {
    if (sc.isDriver()) fs::remove(partial);
    throw;
  }
  return 0;
}
