#include "lineage_string.hpp"

#include <sstream>

namespace kiln::sched {
namespace {

std::string label(const LineageNode& n) {
  std::string s = n.name() + "[" + std::to_string(n.id()) + "]";
  if (auto storage = n.storageDescription(); !storage.empty()) s += " " + storage;
  return s;
}

void describeStage(const LineageNode& n, const std::string& indent, const std::string& head,
                   std::ostringstream& out);

// The narrow ancestors of a stage share its indentation (" |  "); a shuffle starts a new,
// deeper block ("+-").
void describeParents(const LineageNode& n, const std::string& indent, std::ostringstream& out) {
  for (const Dependency& d : n.dependencies()) {
    if (d.shuffle) {
      describeStage(d.shuffle->mapSide(), indent + " ", "+-", out);
    } else {
      out << indent << " |  " << label(*d.parent) << "\n";
      describeParents(*d.parent, indent, out);
    }
  }
}

void describeStage(const LineageNode& n, const std::string& indent, const std::string& head,
                   std::ostringstream& out) {
  out << indent << head << "(" << n.numPartitions() << ") " << label(n) << "\n";
  describeParents(n, head.empty() ? indent : indent + "  ", out);
}

}  // namespace

std::string lineageString(const LineageNode& rdd) {
  std::ostringstream out;
  describeStage(rdd, "", "", out);
  return out.str();
}

}  // namespace kiln::sched
