#include "expression.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <kiln/kiln.hpp>
#include <map>

namespace reduce_events {

struct Expression::Node {
  enum class Op { Number, Column, Negate, Not, Binary, Call } op;
  double value = 0;  // Number
  std::string name;  // Column, Call: the function; Binary: the operator
  int column = -1;   // Column, once bound
  std::vector<std::shared_ptr<Node>> args;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<Node>;

struct Function {
  int arity;
  double (*f1)(double);
  double (*f2)(double, double);
};

const std::map<std::string, Function>& functions() {
  static const std::map<std::string, Function> table = {
      {"sqrt", {1, [](double x) { return std::sqrt(x); }, nullptr}},
      {"abs", {1, [](double x) { return std::fabs(x); }, nullptr}},
      {"log", {1, [](double x) { return std::log(x); }, nullptr}},
      {"log10", {1, [](double x) { return std::log10(x); }, nullptr}},
      {"exp", {1, [](double x) { return std::exp(x); }, nullptr}},
      {"sin", {1, [](double x) { return std::sin(x); }, nullptr}},
      {"cos", {1, [](double x) { return std::cos(x); }, nullptr}},
      {"tan", {1, [](double x) { return std::tan(x); }, nullptr}},
      {"floor", {1, [](double x) { return std::floor(x); }, nullptr}},
      {"ceil", {1, [](double x) { return std::ceil(x); }, nullptr}},
      {"atan2", {2, nullptr, [](double y, double x) { return std::atan2(y, x); }}},
      {"pow", {2, nullptr, [](double x, double y) { return std::pow(x, y); }}},
      {"hypot", {2, nullptr, [](double x, double y) { return std::hypot(x, y); }}},
      {"min", {2, nullptr, [](double x, double y) { return std::fmin(x, y); }}},
      {"max", {2, nullptr, [](double x, double y) { return std::fmax(x, y); }}},
  };
  return table;
}

// Recursive descent, lowest precedence first: || && comparison + - * / % unary primary.
class Parser {
 public:
  Parser(const std::string& text, const std::string& where) : s_(text), where_(where) {}

  NodePtr parseAll() {
    NodePtr e = parseOr();
    skipSpace();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw kiln::Error("reduce-events: " + where_ + " '" + s_ + "': " + why + " at character " +
                      std::to_string(pos_ + 1));
  }
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(const std::string& token) {
    skipSpace();
    if (s_.compare(pos_, token.size(), token) != 0) return false;
    // "<" must not take the first character of "<=", nor "=" of "==" and so on.
    if (token.size() == 1 && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=' &&
        (token == "<" || token == ">" || token == "!"))
      return false;
    pos_ += token.size();
    return true;
  }
  static NodePtr binary(const std::string& op, NodePtr a, NodePtr b) {
    auto n = std::make_shared<Node>();
    n->op = Node::Op::Binary;
    n->name = op;
    n->args = {std::move(a), std::move(b)};
    return n;
  }
  NodePtr parseOr() {
    NodePtr e = parseAnd();
    while (accept("||")) e = binary("||", e, parseAnd());
    return e;
  }
  NodePtr parseAnd() {
    NodePtr e = parseComparison();
    while (accept("&&")) e = binary("&&", e, parseComparison());
    return e;
  }
  NodePtr parseComparison() {
    NodePtr e = parseSum();
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"})
      if (accept(op)) return binary(op, e, parseSum());
    return e;
  }
  NodePtr parseSum() {
    NodePtr e = parseProduct();
    for (;;) {
      if (accept("+"))
        e = binary("+", e, parseProduct());
      else if (accept("-"))
        e = binary("-", e, parseProduct());
      else
        return e;
    }
  }
  NodePtr parseProduct() {
    NodePtr e = parseUnary();
    for (;;) {
      if (accept("*"))
        e = binary("*", e, parseUnary());
      else if (accept("/"))
        e = binary("/", e, parseUnary());
      else if (accept("%"))
        e = binary("%", e, parseUnary());
      else
        return e;
    }
  }
  NodePtr parseUnary() {
    if (accept("-") || accept("!")) {
      auto n = std::make_shared<Node>();
      n->op = s_[pos_ - 1] == '-' ? Node::Op::Negate : Node::Op::Not;
      n->args = {parseUnary()};
      return n;
    }
    return parsePrimary();
  }
  NodePtr parsePrimary() {
    skipSpace();
    if (pos_ == s_.size()) fail("expected a number, a column or '('");
    auto n = std::make_shared<Node>();
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      NodePtr e = parseOr();
      if (!accept(")")) fail("expected ')'");
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      n->op = Node::Op::Number;
      n->value = std::strtod(begin, &end);
      if (end == begin) fail("bad number");
      pos_ += size_t(end - begin);
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
        ++pos_;
      n->name = s_.substr(start, pos_ - start);
      if (!accept("(")) {
        n->op = Node::Op::Column;
        return n;
      }
      auto f = functions().find(n->name);
      if (f == functions().end()) {
        pos_ = start;
        fail("unknown function " + n->name);
      }
      n->op = Node::Op::Call;
      if (!accept(")")) {
        do n->args.push_back(parseOr());
        while (accept(","));
        if (!accept(")")) fail("expected ')' or ','");
      }
      if (int(n->args.size()) != f->second.arity) {
        pos_ = start;
        fail(n->name + " takes " + std::to_string(f->second.arity) + " argument(s)");
      }
      return n;
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  const std::string& s_;
  const std::string& where_;
  size_t pos_ = 0;
};

void collectNames(const Node& n, std::vector<std::string>& out) {
  if (n.op == Node::Op::Column && std::find(out.begin(), out.end(), n.name) == out.end())
    out.push_back(n.name);
  for (const auto& a : n.args) collectNames(*a, out);
}

void bindNode(Node& n, const std::vector<std::string>& columns, const std::string& where,
              const std::string& text) {
  if (n.op == Node::Op::Column) {
    auto it = std::find(columns.begin(), columns.end(), n.name);
    if (it == columns.end())
      throw kiln::Error("reduce-events: " + where + " '" + text + "': unknown column " + n.name);
    n.column = int(it - columns.begin());
  }
  for (auto& a : n.args) bindNode(*a, columns, where, text);
}

template <class F>
void apply(std::vector<double>& a, const std::vector<double>& b, F f) {
  const size_t n = a.size();
  double* x = a.data();
  const double* y = b.data();
  for (size_t i = 0; i < n; ++i) x[i] = f(x[i], y[i]);
}

std::vector<double> eval(const Node& n, const std::vector<std::vector<double>>& columns,
                         size_t rows) {
  switch (n.op) {
    case Node::Op::Number:
      return std::vector<double>(rows, n.value);
    case Node::Op::Column:
      return columns[size_t(n.column)];
    case Node::Op::Negate: {
      auto v = eval(*n.args[0], columns, rows);
      for (double& x : v) x = -x;
      return v;
    }
    case Node::Op::Not: {
      auto v = eval(*n.args[0], columns, rows);
      for (double& x : v) x = x == 0 ? 1 : 0;
      return v;
    }
    case Node::Op::Call: {
      const Function& f = functions().at(n.name);
      auto v = eval(*n.args[0], columns, rows);
      if (f.arity == 1) {
        for (double& x : v) x = f.f1(x);
      } else {
        apply(v, eval(*n.args[1], columns, rows), f.f2);
      }
      return v;
    }
    case Node::Op::Binary:
      break;
  }
  auto a = eval(*n.args[0], columns, rows);
  auto b = eval(*n.args[1], columns, rows);
  const std::string& op = n.name;
  if (op == "+")
    apply(a, b, [](double x, double y) { return x + y; });
  else if (op == "-")
    apply(a, b, [](double x, double y) { return x - y; });
  else if (op == "*")
    apply(a, b, [](double x, double y) { return x * y; });
  else if (op == "/")
    apply(a, b, [](double x, double y) { return x / y; });
  else if (op == "%")
    apply(a, b, [](double x, double y) { return std::fmod(x, y); });
  else if (op == "<")
    apply(a, b, [](double x, double y) { return double(x < y); });
  else if (op == "<=")
    apply(a, b, [](double x, double y) { return double(x <= y); });
  else if (op == ">")
    apply(a, b, [](double x, double y) { return double(x > y); });
  else if (op == ">=")
    apply(a, b, [](double x, double y) { return double(x >= y); });
  else if (op == "==")
    apply(a, b, [](double x, double y) { return double(x == y); });
  else if (op == "!=")
    apply(a, b, [](double x, double y) { return double(x != y); });
  else if (op == "&&")
    apply(a, b, [](double x, double y) { return double(x != 0 && y != 0); });
  else
    apply(a, b, [](double x, double y) { return double(x != 0 || y != 0); });
  return a;
}

}  // namespace

Expression Expression::parse(const std::string& text, const std::string& where) {
  Expression e;
  e.text_ = text;
  e.where_ = where;
  e.root_ = Parser(e.text_, e.where_).parseAll();
  return e;
}

std::vector<std::string> Expression::columnNames() const {
  std::vector<std::string> names;
  collectNames(*root_, names);
  return names;
}

void Expression::bind(const std::vector<std::string>& columns) {
  bindNode(*root_, columns, where_, text_);
}

std::vector<double> Expression::evaluate(const std::vector<std::vector<double>>& columns,
                                         size_t rows) const {
  return eval(*root_, columns, rows);
}

bool isIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace reduce_events
