// Writing one JSON object per line (event log, status file) without a JSON library: fields are
// appended in order, strings escaped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace kiln {

class JsonObject {
 public:
  JsonObject& field(std::string_view name, std::string_view value) {
    key(name);
    quote(value);
    return *this;
  }
  JsonObject& field(std::string_view name, const char* value) {
    return field(name, std::string_view(value));
  }
  JsonObject& field(std::string_view name, int64_t value) {
    key(name);
    text_ += std::to_string(value);
    return *this;
  }
  JsonObject& field(std::string_view name, uint64_t value) {
    key(name);
    text_ += std::to_string(value);
    return *this;
  }
  JsonObject& field(std::string_view name, int value) { return field(name, int64_t(value)); }
  JsonObject& field(std::string_view name, bool value) {
    key(name);
    text_ += value ? "true" : "false";
    return *this;
  }
  // A value that is JSON already (an array or object built elsewhere).
  JsonObject& raw(std::string_view name, std::string_view json) {
    key(name);
    text_ += json;
    return *this;
  }
  std::string str() const { return text_ + "}"; }

  static std::string quoted(std::string_view s) {
    JsonObject o;
    o.text_.clear();
    o.quote(s);
    return o.text_;
  }

 private:
  void key(std::string_view name) {
    if (text_.size() > 1) text_ += ',';
    quote(name);
    text_ += ':';
  }
  void quote(std::string_view s) {
    text_ += '"';
    for (char c : s) {
      switch (c) {
        case '"':
          text_ += "\\\"";
          break;
        case '\\':
          text_ += "\\\\";
          break;
        case '\n':
          text_ += "\\n";
          break;
        case '\r':
          text_ += "\\r";
          break;
        case '\t':
          text_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            text_ += buf;
          } else {
            text_ += c;
          }
      }
    }
    text_ += '"';
  }
  std::string text_{'{'};
};

}  // namespace kiln
