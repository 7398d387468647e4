// Boost.Serialization for user classes that have a `serialize` member.
#pragma once

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <sstream>
#include <string>
#include <string_view>

namespace kiln::detail {

template <class T>
concept HasBoostSerialize = requires(T& t, boost::archive::binary_oarchive& ar) {
  t.serialize(ar, 0u);
};

template <class T>
std::string boostSave(const T& v) {
  std::ostringstream os(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(os, boost::archive::no_header);
    ar << v;
  }
  return std::move(os).str();
}

template <class T>
void boostLoad(std::string_view bytes, T& v) {
  std::istringstream is(std::string(bytes), std::ios::binary);
  boost::archive::binary_iarchive ar(is, boost::archive::no_header);
  ar >> v;
}

}  // namespace kiln::detail
