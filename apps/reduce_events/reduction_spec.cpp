#include "reduction_spec.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace reduce_events {

const char* const kUsage = R"(usage: reduce-events INPUT.h5 OUTPUT.h5 [options]
Reads an HDF5 event table (one 1-D numeric dataset per column, all of one length, in the group
--table), selects rows, and writes histograms, per-group statistics and optionally the selected
rows to OUTPUT.h5.
  --config FILE          read options from FILE: one per line, without the "--"
                         ("cut energy > 10", "hist energy 100 0 1000"); '#' starts a comment
  --table GROUP          group holding the columns (default events)
  --define NAME=EXPR     a derived column, usable by later expressions
  --cut EXPR             keep rows where EXPR is non-zero (several cuts: all must hold)
  --weight EXPR          histogram weight per row (default 1)
  --hist EXPR BINS LOW HIGH                      a 1-D histogram
  --hist2d X XBINS XLOW XHIGH Y YBINS YLOW YHIGH  a 2-D histogram
  --group COLUMN         integer column grouping the statistics (default detector; none: off)
  --stat EXPR            count, sum, mean, variance, min, max and quantiles of EXPR per group
  --quantiles Q,Q,...    quantile levels in [0, 1] (default 0.05,0.25,0.5,0.75,0.95)
  --sketch-k K           quantile sketch size (default 200; rank error about 1.7/K)
  --select COL,COL,...   also write these columns of the selected rows
  --overwrite            replace OUTPUT.h5 if it exists
Expressions: numbers, columns, + - * / %, < <= > >= == !=, && || !, parentheses, and
sqrt abs log log10 exp sin cos tan floor ceil atan2 pow hypot min max.
Every output dataset records its expressions, the cuts and the input in its attributes.
)";

namespace {

double parseNumber(const std::string& s, const std::string& what) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    throw UsageError(what + ": '" + s + "' is not a number");
  return v;
}

int parseCount(const std::string& s, const std::string& what) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0)
    throw UsageError(what + ": '" + s + "' is not a positive whole number");
  return v;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  for (char c : s + ",") {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

Axis parseAxis(const std::string& expr, const std::string& bins, const std::string& low,
               const std::string& high, const std::string& where) {
  Axis a{Expression::parse(expr, where), parseCount(bins, where + " BINS"),
         parseNumber(low, where + " LOW"), parseNumber(high, where + " HIGH")};
  if (!(a.low < a.high))
    throw UsageError(where + ": LOW (" + low + ") must be below HIGH (" + high + ")");
  return a;
}

std::string histogramName(const ReductionSpec& spec, const std::vector<Axis>& axes) {
  std::string name;
  for (const auto& a : axes) {
    if (!isIdentifier(a.expression.text())) return "hist" + std::to_string(spec.histograms.size());
    name += (name.empty() ? "" : "_vs_") + a.expression.text();
  }
  return name;
}

class Parser {
 public:
  explicit Parser(ReductionSpec& spec) : spec_(spec) {}

  // One option with its values; `where` names it in errors. Returns false for an unknown key.
  void apply(const std::string& key, const std::vector<std::string>& v, const std::string& where) {
    auto need = [&](size_t n, const char* form) {
      if (v.size() != n) throw UsageError(where + ": expected " + key + " " + form);
    };
    if (key == "config") {
      need(1, "FILE");
      readConfig(v[0]);
    } else if (key == "table") {
      need(1, "GROUP");
      spec_.table = v[0];
    } else if (key == "define") {
      need(1, "NAME=EXPR");
      auto eq = v[0].find('=');
      std::string name = eq == std::string::npos ? "" : trim(v[0].substr(0, eq));
      if (!isIdentifier(name))
        throw UsageError(where + ": expected define NAME=EXPR with NAME a column name, got '" +
                         v[0] + "'");
      spec_.defines.push_back({name, Expression::parse(v[0].substr(eq + 1), where)});
    } else if (key == "cut") {
      need(1, "EXPR");
      spec_.cuts.push_back(Expression::parse(v[0], where));
    } else if (key == "weight") {
      need(1, "EXPR");
      spec_.weight = Expression::parse(v[0], where);
    } else if (key == "hist") {
      need(4, "EXPR BINS LOW HIGH");
      std::vector<Axis> axes{parseAxis(v[0], v[1], v[2], v[3], where)};
      spec_.histograms.push_back({histogramName(spec_, axes), axes});
    } else if (key == "hist2d") {
      need(8, "X XBINS XLOW XHIGH Y YBINS YLOW YHIGH");
      std::vector<Axis> axes{parseAxis(v[0], v[1], v[2], v[3], where),
                             parseAxis(v[4], v[5], v[6], v[7], where)};
      spec_.histograms.push_back({histogramName(spec_, axes), axes});
    } else if (key == "group") {
      need(1, "COLUMN");
      spec_.groupBy = v[0] == "none" ? "" : v[0];
    } else if (key == "stat") {
      need(1, "EXPR");
      auto e = Expression::parse(v[0], where);
      std::string name = isIdentifier(v[0]) ? v[0] : "stat" + std::to_string(spec_.stats.size());
      spec_.stats.push_back({name, e});
    } else if (key == "quantiles") {
      need(1, "Q,Q,...");
      spec_.quantiles.clear();
      for (const auto& q : splitList(v[0])) {
        double x = parseNumber(q, where);
        if (x < 0 || x > 1) throw UsageError(where + ": quantile " + q + " is outside [0, 1]");
        spec_.quantiles.push_back(x);
      }
    } else if (key == "sketch-k") {
      need(1, "K");
      spec_.sketchK = parseCount(v[0], where);
      if (spec_.sketchK < 8) throw UsageError(where + ": K must be at least 8");
    } else if (key == "select") {
      need(1, "COL,COL,...");
      spec_.select = splitList(v[0]);
    } else if (key == "overwrite") {
      need(0, "");
      spec_.overwrite = true;
    } else {
      throw UsageError(where + ": unknown option " + key);
    }
  }

  // How many values follow an option on the command line.
  static size_t arity(const std::string& key) {
    if (key == "hist") return 4;
    if (key == "hist2d") return 8;
    if (key == "overwrite") return 0;
    return 1;
  }

 private:
  static std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }

  // A config line is "key rest": the rest is one expression for define, cut, weight and stat;
  // for hist the last three words are BINS LOW HIGH and the words before them the expression.
  void readConfig(const std::string& file) {
    if (++depth_ > 8) throw UsageError(file + ": config files include each other too deeply");
    std::ifstream in(file);
    if (!in) throw UsageError("cannot read config file " + file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      line = trim(line);
      if (line.empty()) continue;
      const std::string where = file + ":" + std::to_string(number);
      auto space = line.find_first_of(" \t");
      std::string key = line.substr(0, space);
      std::string rest = space == std::string::npos ? "" : trim(line.substr(space));
      std::vector<std::string> words;
      std::istringstream ws(rest);
      for (std::string w; ws >> w;) words.push_back(w);
      if (key == "hist" && words.size() > 4) {
        std::vector<std::string> v(words.end() - 3, words.end());
        std::string expr;
        for (auto it = words.begin(); it != words.end() - 3; ++it) expr += *it + " ";
        v.insert(v.begin(), trim(expr));
        apply(key, v, where);
      } else if (key == "hist" || key == "hist2d") {
        apply(key, words, where);
      } else if (key == "overwrite") {
        apply(key, words, where);
      } else {
        apply(key, rest.empty() ? std::vector<std::string>{} : std::vector<std::string>{rest},
              where);
      }
    }
    --depth_;
  }

  ReductionSpec& spec_;
  int depth_ = 0;
};

}  // namespace

ReductionSpec parseArguments(const std::vector<std::string>& args) {
  ReductionSpec spec;
  Parser parser(spec);
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) {
      positional.push_back(args[i]);
      continue;
    }
    std::string key = args[i].substr(2);
    size_t n = Parser::arity(key);
    if (i + n >= args.size() && n > 0)
      throw UsageError("--" + key + " needs " + std::to_string(n) + " value(s)");
    std::vector<std::string> values(args.begin() + long(i) + 1, args.begin() + long(i + n) + 1);
    parser.apply(key, values, "--" + key);
    i += n;
  }
  if (positional.size() != 2)
    throw UsageError("expected INPUT.h5 OUTPUT.h5, got " + std::to_string(positional.size()) +
                     " file argument(s)");
  spec.input = positional[0];
  spec.output = positional[1];
  spec.resolve();
  return spec;
}

void ReductionSpec::resolve() {
  // Derived columns come after the file's columns in the frame; a name may be defined once.
  std::vector<std::string> derived;
  for (const auto& d : defines) {
    if (std::find(derived.begin(), derived.end(), d.name) != derived.end())
      throw UsageError("column " + d.name + " is defined twice");
    derived.push_back(d.name);
  }
  std::vector<std::string> wanted;
  auto want = [&](const std::string& name) {
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) wanted.push_back(name);
  };
  for (const auto& d : defines)
    for (const auto& n : d.expression.columnNames()) want(n);
  for (const auto& c : cuts)
    for (const auto& n : c.columnNames()) want(n);
  if (weight)
    for (const auto& n : weight->columnNames()) want(n);
  for (const auto& h : histograms)
    for (const auto& a : h.axes)
      for (const auto& n : a.expression.columnNames()) want(n);
  for (const auto& s : stats)
    for (const auto& n : s.expression.columnNames()) want(n);
  if (!groupBy.empty() && !stats.empty()) want(groupBy);
  for (const auto& s : select) want(s);
  if (histograms.empty() && stats.empty() && select.empty())
    throw UsageError("nothing to do: ask for at least one --hist, --hist2d, --stat or --select");
  if (!stats.empty() && quantiles.empty()) throw UsageError("--quantiles: give at least one level");

  inputColumns.clear();
  for (const auto& n : wanted)
    if (std::find(derived.begin(), derived.end(), n) == derived.end()) inputColumns.push_back(n);
  if (inputColumns.empty())
    throw UsageError("the expressions read no column of the file (every row would be the same)");
  frameColumns = inputColumns;
  // A definition sees the file's columns and the definitions before it.
  for (auto& d : defines) {
    d.expression.bind(frameColumns);
    frameColumns.push_back(d.name);
  }
  for (auto& c : cuts) c.bind(frameColumns);
  if (weight) weight->bind(frameColumns);
  for (auto& h : histograms)
    for (auto& a : h.axes) a.expression.bind(frameColumns);
  for (auto& s : stats) s.expression.bind(frameColumns);
}

int ReductionSpec::frameIndex(const std::string& column) const {
  auto it = std::find(frameColumns.begin(), frameColumns.end(), column);
  if (it == frameColumns.end()) throw UsageError("unknown column " + column);
  return int(it - frameColumns.begin());
}

std::string ReductionSpec::cutsText() const {
  std::string s;
  for (const auto& c : cuts) s += (s.empty() ? "(" : " && (") + c.text() + ")";
  return s;
}

}  // namespace reduce_events
