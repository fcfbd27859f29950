// Internal to conf/: locating errors in the parsed text. A Scope stands for
// one message of the configuration (the top level, "harp", "mobile_node[3]")
// and knows its field path and, through protobuf's ParseInfoTree, the line
// and column of each of its fields, so every rule can report
// "file:line:col: mobile_node[3].spi_in: ...". A field that is absent from
// the text is reported at the line of its enclosing message.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include <string>
#include <string_view>
#include <vector>

#include "conf/config_error.h"

namespace conf::detail {

using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;
using ParseLocation = google::protobuf::TextFormat::ParseLocation;

// Collects errors of one load() call.
class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}
  // line0/column0 are protobuf's 0-based numbers (-1: unknown).
  void add(int line0, int column0, std::string field_path, std::string message);
  bool empty() const { return errors_.empty(); }
  const std::string& file() const { return file_; }
  // Errors sorted by position (stable: same-line errors keep their order).
  std::vector<ConfigError> take();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

class Scope {
 public:
  // The top level of the file.
  Scope(ErrorSink& sink, const google::protobuf::Descriptor* type, const ParseInfoTree* tree);

  // The nested message in `field` (index: position in a repeated field, -1
  // for a singular one). Works also when the message is absent from the text.
  Scope nested(std::string_view field, int index = -1) const;

  // Field path of `field` in this message, e.g. "harp.peer[1].address".
  std::string path(std::string_view field, int index = -1) const;
  const std::string& path() const { return path_; }

  // Reports an error on `field` (its index-th value for repeated fields; -1
  // on a repeated field means the field as a whole).
  void error(std::string_view field, int index, std::string message) const;
  void error(std::string_view field, std::string message) const {
    error(field, -1, std::move(message));
  }

  ErrorSink& sink() const { return *sink_; }

 private:
  Scope(ErrorSink& sink, const google::protobuf::Descriptor* type, const ParseInfoTree* tree,
        std::string path, ParseLocation self)
      : sink_(&sink), type_(type), tree_(tree), path_(std::move(path)), self_(self) {}
  const google::protobuf::FieldDescriptor* field(std::string_view name) const;
  ParseLocation location(const google::protobuf::FieldDescriptor* f, int index) const;

  ErrorSink* sink_;
  const google::protobuf::Descriptor* type_;
  const ParseInfoTree* tree_;  // nullptr when the message is absent from the text
  std::string path_;
  ParseLocation self_;  // where this message starts (-1: top level or absent)
};

}  // namespace conf::detail
