// How saveAsTextFile writes a record as a line.
#pragma once

#include <charconv>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kiln::detail {

template <class T>
concept Streamable = requires(std::ostream& os, const T& v) {
  os << v;
};

// Strings as they are, numbers in shortest round-trip form, pairs and tuples as tab-separated
// fields (Hadoop's TextOutputFormat key<TAB>value), anything else through operator<<.
template <class T>
void appendText(std::string& out, const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out.append(std::string_view(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    out.append(v ? "true" : "false");
  } else if constexpr (std::is_same_v<T, char>) {
    out.push_back(v);
  } else if constexpr (std::is_arithmetic_v<T>) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  } else if constexpr (requires {
                         typename std::tuple_size<T>::type;
                         v.first;
                       }) {
    appendText(out, v.first);
    out.push_back('\t');
    appendText(out, v.second);
  } else if constexpr (requires {
                         std::tuple_size<T>::value;
                         std::get<0>(v);
                       } &&
                       !Streamable<T>) {
    std::apply(
        [&](const auto&... x) {
          bool first = true;
          ((first ? void() : out.push_back('\t'), first = false, appendText(out, x)), ...);
        },
        v);
  } else {
    static_assert(Streamable<T>,
                  "kiln: saveAsTextFile needs a way to print the element type: give it an "
                  "operator<<(std::ostream&, const T&), or map the RDD to std::string first.");
    std::ostringstream os;
    os << v;
    out.append(os.str());
  }
}

}  // namespace kiln::detail
