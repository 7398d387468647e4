// Definition of checkpoint (declared and documented in rdd.hpp).
#pragma once

#include <sys/stat.h>

#include <filesystem>

#include "checkpoint_files.hpp"
#include "nodes/source_nodes.hpp"
#include "rdd.hpp"

namespace kiln {

template <class T>
void RDD<T>::checkpoint(const std::string& tag) const {
  namespace fs = std::filesystem;
  sched::Runtime& rt = node_->runtime();
  if (rt.checkpointDir().empty()) throw Error("checkpoint: call sc.setCheckpointDir(dir) first");
  if (isCheckpointed()) return;
  const std::string identity = sched::lineageIdentity(*node_, sched::executableStamp() + "|" + tag);
  const std::string dir = rt.checkpointDir() + "/rdd-" + identity;
  const int n = getNumPartitions();
  auto node = node_;

  // An earlier run's checkpoint: used only if its manifest matches and every part reads back
  // with the recorded size and hash.
  if (auto manifest = detail::readManifest(dir);
      manifest && manifest->identity == identity && int(manifest->parts.size()) == n) {
    auto parts = manifest->parts;
    // A job over a node without parents, one task per part: verifying must not run this RDD's
    // lineage (its shuffle stages included), which is what reuse avoids.
    RDD<long> perPart(
        std::make_shared<detail::RangeNode>(node_->runtimePtr(), 0, n, 1, std::max(n, 1)));
    auto checks = perPart.runJob(perPart.allPartitions(), [dir, parts](int p) {
      ByteBuffer ok;
      try {
        ByteBuffer bytes = io::readSpillFile(detail::checkpointPartPath(dir, p));
        ok.put(uint8_t(bytes.size() == parts[size_t(p)].first &&
                       sched::hashHex(bytes.data(), bytes.size()) == parts[size_t(p)].second));
      } catch (const std::exception&) {
        ok.put(uint8_t(0));
      }
      return ok;
    });
    bool intact = std::all_of(checks.begin(), checks.end(), [](const ByteBuffer& b) {
      return ByteReader(b.span()).get<uint8_t>() == 1;
    });
    if (intact) {
      node_->setCheckpoint(dir);
      return;
    }
  }

  sched::JobHooks hooks;
  hooks.prepare = [dir] {  // whatever is there is stale or damaged
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) throw Error("checkpoint: cannot create " + dir + ": " + ec.message());
  };
  hooks.commit = [dir, identity](const std::vector<ByteBuffer>& results) {
    std::string text = "kiln-checkpoint-1\nidentity " + identity + "\npartitions " +
                       std::to_string(results.size()) + "\n";
    for (size_t p = 0; p < results.size(); ++p) {
      ByteReader in(results[p].span());
      auto bytes = in.get<uint64_t>();
      text += std::to_string(p) + " " + std::to_string(bytes) + " " + std::string(in.getString()) +
              "\n";
    }
    // The manifest appears whole, and last: a directory without one is not a checkpoint.
    std::string tmp = dir + "/MANIFEST.tmp";
    std::ofstream(tmp) << text;
    std::error_code ec;
    fs::rename(tmp, dir + "/MANIFEST", ec);
    if (ec) throw Error("checkpoint: cannot write " + dir + "/MANIFEST: " + ec.message());
  };
  runJob(
      allPartitions(),
      [node, dir](int p) {
        ByteBuffer bytes;
        auto sink = detail::makeSink<T>([&](std::span<T> block) {
          for (const T& x : block) encode(bytes, x);
        });
        node->compute(p, sink);
        io::writeSpillFile(detail::checkpointPartPath(dir, p), bytes);
        ByteBuffer out;
        out.put(uint64_t(bytes.size()));
        out.putString(sched::hashHex(bytes.data(), bytes.size()));
        return out;
      },
      hooks);
  node_->setCheckpoint(dir);
}

}  // namespace kiln
