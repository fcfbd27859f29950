#include "conf/load.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include "conf/build.h"
#include "conf/field_scope.h"

namespace conf {
namespace {

// Receives protobuf's syntax errors (0-based line/column) into the sink.
class SyntaxErrors final : public google::protobuf::io::ErrorCollector {
 public:
  explicit SyntaxErrors(detail::ErrorSink& sink) : sink_(sink) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    sink_.add(line, column, std::string(), message);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

 private:
  detail::ErrorSink& sink_;
};

// Parses and checks `text` once. With `locations`, errors carry line and
// column (a ParseInfoTree records where every field is); without, they name
// the field only: that tree costs more memory than the parsed message
// itself (≈ 0.5 KB per mobile node, issue #4), so load() first tries
// without it and parses again with it only to report errors.
mip6::Result<Config, std::vector<ConfigError>> parse_and_build(std::string_view text,
                                                              std::string_view file_name,
                                                              bool locations) {
  detail::ErrorSink sink{std::string(file_name)};
  detail::pb::HaAgentConfig message;
  detail::ParseInfoTree tree;
  SyntaxErrors collector(sink);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations) parser.WriteLocationsTo(&tree);
  // Unknown field names and repeated singular fields stay errors (the
  // parser's defaults); the schema has no `required` fields to trip over.
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  if (!parser.Parse(&input, &message)) {
    if (sink.empty()) sink.add(-1, -1, std::string(), "syntax error");
    return mip6::fail(sink.take());
  }

  detail::Scope top(sink, message.GetDescriptor(), locations ? &tree : nullptr);
  Config config = detail::build_config(message, top);
  if (!sink.empty()) return mip6::fail(sink.take());
  return config;
}

}  // namespace

mip6::Result<Config, std::vector<ConfigError>> load(std::string_view text, std::string_view file_name) {
  if (text.size() > kMaxConfigSize) {
    detail::ErrorSink sink{std::string(file_name)};
    sink.add(-1, -1, std::string(), "file is larger than " + std::to_string(kMaxConfigSize >> 20) + " MiB");
    return mip6::fail(sink.take());
  }
  auto quick = parse_and_build(text, file_name, /*locations=*/false);
  if (quick) return quick;
  // Same input, same checks: the same errors, now with their positions.
  return parse_and_build(text, file_name, /*locations=*/true);
}

}  // namespace conf
