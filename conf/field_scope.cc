#include "conf/field_scope.h"

#include <algorithm>
#include <cassert>

namespace conf::detail {

void ErrorSink::add(int line0, int column0, std::string field_path, std::string message) {
  errors_.push_back(ConfigError{file_, line0 >= 0 ? line0 + 1 : 0,
                                line0 >= 0 && column0 >= 0 ? column0 + 1 : 0,
                                std::move(field_path), std::move(message)});
}

std::vector<ConfigError> ErrorSink::take() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(errors_);
}

Scope::Scope(ErrorSink& sink, const google::protobuf::Descriptor* type, const ParseInfoTree* tree)
    : Scope(sink, type, tree, std::string(), ParseLocation()) {}

const google::protobuf::FieldDescriptor* Scope::field(std::string_view name) const {
  const auto* f = type_->FindFieldByName(std::string(name));
  assert(f != nullptr && "conf/: field name not in the schema");
  return f;
}

ParseLocation Scope::location(const google::protobuf::FieldDescriptor* f, int index) const {
  if (tree_ == nullptr || f == nullptr) return self_;
  if (f->is_repeated() && index < 0) index = 0;  // the field as a whole: its first value
  if (!f->is_repeated()) index = -1;
  ParseLocation loc = tree_->GetLocation(f, index);
  // List syntax (`peer [ {...}, {...} ]`) records one location for the whole
  // list: use the nearest earlier value that has one.
  for (int i = index - 1; loc.line < 0 && i >= 0; --i) loc = tree_->GetLocation(f, i);
  return loc.line >= 0 ? loc : self_;
}

Scope Scope::nested(std::string_view name, int index) const {
  const auto* f = field(name);
  const ParseInfoTree* tree = nullptr;
  if (tree_ != nullptr && f != nullptr) tree = tree_->GetTreeForNested(f, f->is_repeated() ? index : -1);
  const google::protobuf::Descriptor* type = f != nullptr ? f->message_type() : type_;
  return Scope(*sink_, type, tree, path(name, index), location(f, index));
}

std::string Scope::path(std::string_view name, int index) const {
  std::string p = path_;
  if (!p.empty()) p += '.';
  p += name;
  if (index >= 0) p += '[' + std::to_string(index) + ']';
  return p;
}

void Scope::error(std::string_view name, int index, std::string message) const {
  ParseLocation loc = location(field(name), index);
  sink_->add(loc.line, loc.column, path(name, index), std::move(message));
}

}  // namespace conf::detail
