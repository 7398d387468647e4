// An attribute attached to a dataset written by Kiln: text, a number or a list of numbers
// (e.g. a histogram's axis name, its range and its bin edges).
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace kiln::io {

struct Hdf5Attribute {
  std::string name;
  std::variant<std::string, double, std::vector<double>> value;
};

}  // namespace kiln::io
