// Expressions over named columns, as users write them in cuts, derived columns, weights and
// axes: numbers, column names, + - * / %, comparisons, && || !, and functions (sqrt, abs, log,
// exp, sin, cos, tan, atan2, pow, hypot, min, max, floor, ceil). Comparisons give 1 or 0.
// Evaluation is columnar: each operator runs one tight loop over a whole batch of rows.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace reduce_events {

class Expression {
 public:
  // Throws kiln::Error naming `where` (e.g. "--cut" or "cuts.conf:3"), the text and the position.
  static Expression parse(const std::string& text, const std::string& where);

  const std::string& text() const { return text_; }
  // Column names the expression reads, each once, in order of first use.
  std::vector<std::string> columnNames() const;
  // Gives each column name its index in the frame evaluate() will see; throws for a name not
  // in `columns`.
  void bind(const std::vector<std::string>& columns);
  // The expression's value for rows [0, rows) of the columns (indices as bound).
  std::vector<double> evaluate(const std::vector<std::vector<double>>& columns, size_t rows) const;

  struct Node;

 private:
  std::string text_, where_;
  std::shared_ptr<Node> root_;  // shared: expressions are copied into every task's closure
};

// Whether s is a name a column can have: a letter or '_', then letters, digits or '_'.
bool isIdentifier(const std::string& s);

}  // namespace reduce_events
