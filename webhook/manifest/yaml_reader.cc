// Builds JSON from yaml-cpp's event stream rather than its Node tree: events
// carry the scalar's tag ("?" plain, "!" quoted) and every node's mark, let
// us see duplicate keys (the Node API silently keeps one) and let us bound
// alias expansion before copying anything.
#include "webhook/manifest/yaml_reader.h"

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "webhook/core/json_pointer.h"
#include "webhook/manifest/internal/block_reader.h"
#include "webhook/manifest/internal/flow_entry_precheck.h"
#include "webhook/manifest/internal/json_reader.h"

namespace rayguard::manifest {
namespace {

constexpr char kStrTag[] = "tag:yaml.org,2002:str";

SourcePosition ToPosition(const YAML::Mark& mark) {
  return {mark.line + 1, mark.column + 1};
}

// Thrown from the event handler; ReadYaml turns it into a Status.
struct YamlFailure {
  Status status;
  YAML::Mark mark;
};

[[noreturn]] void Fail(const YAML::Mark& mark, Status status) {
  throw YamlFailure{std::move(status), mark};
}

std::size_t CountNodes(const nlohmann::json& v) {
  std::size_t n = 1;
  if (v.is_structured()) {
    for (const auto& child : v) n += CountNodes(child);
  }
  return n;
}

// sigs.k8s.io/yaml turns non-string keys into their JSON text.
std::string KeyString(const nlohmann::json& key) {
  if (key.is_string()) return key.get<std::string>();
  return key.dump();
}

class JsonBuilder : public YAML::EventHandler {
 public:
  JsonBuilder(const YamlLimits& limits, EntryPosition entries)
      : limits_(limits), entries_(entries) {}

  // The document finished by the last OnDocumentEnd, if not empty.
  std::optional<YamlDocument> TakeDocument() { return std::move(done_); }
  // Where the last document started: byte offset, and line and column.
  int start_offset() const { return start_offset_; }
  SourcePosition start() const { return start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    root_ = nlohmann::json();
    has_root_ = false;
    map_ = std::make_shared<SourceMap>();
    anchors_.clear();
    own_nodes_ = 0;
    alias_nodes_ = 0;
    start_ = ToPosition(mark);
    start_offset_ = mark.pos;
  }

  void OnDocumentEnd() override {
    done_.reset();
    if (!has_root_ || root_.is_null()) return;
    YamlDocument doc;
    doc.value = std::move(root_);
    doc.source_map = std::move(map_);
    doc.start = start_;
    done_ = std::move(doc);
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    AddValue(mark, nullptr, anchor, /*plain=*/false, "");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Fail(mark, Status::InvalidArgument("unknown anchor referenced"));
    }
    alias_nodes_ += it->second.nodes;
    const std::size_t budget =
        std::max(limits_.max_alias_nodes, limits_.alias_ratio * own_nodes_);
    if (alias_nodes_ > budget) {
      Fail(mark, Status::ResourceExhausted(
                     "document contains excessive aliasing (aliases expand "
                     "to more than " + std::to_string(budget) + " nodes)"));
    }
    AddValue(mark, it->second.value, 0, /*plain=*/false, "", /*alias=*/true);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t anchor, const std::string& value) override {
    nlohmann::json v;
    if (tag == "?" || (tag.rfind("tag:yaml.org,2002:", 0) == 0 &&
                       tag != kStrTag && tag != "tag:yaml.org,2002:binary")) {
      Status s = ResolvePlainScalar(value, &v);
      if (!s.ok()) Fail(mark, s);
    } else {
      v = value;  // quoted, block, !!str or an application tag
    }
    AddValue(mark, std::move(v), anchor, tag == "?", value);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, nlohmann::json::array(), anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&,
                  YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, nlohmann::json::object(), anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    nlohmann::json* node;  // the open container
    std::string pointer;
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    // Maps only: the key waiting for its value.
    std::optional<std::string> key;
    YAML::Mark key_mark;
    bool key_is_merge = false;
    std::set<std::string> merged;  // keys that came from `<<`, overridable
    // A container that is the value of `<<` is built here, then merged.
    nlohmann::json merge_source;
    bool is_merge_value = false;
  };
  struct Anchor {
    nlohmann::json value;
    std::size_t nodes = 0;
  };

  void Open(const YAML::Mark& mark, nlohmann::json empty,
            YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Fail(mark, Status::ResourceExhausted(
                     "nesting deeper than " +
                     std::to_string(limits_.max_depth) + " levels"));
    }
    ++own_nodes_;
    Frame frame;
    frame.mark = mark;
    frame.anchor = anchor;
    if (!stack_.empty() && stack_.back().key_is_merge) {
      Frame& parent = stack_.back();
      parent.key.reset();
      parent.key_is_merge = false;
      frame.is_merge_value = true;
      frame.merge_source = std::move(empty);
      // Its nodes are copied by Merge; '#' keeps their positions out of
      // every lookup (pointers start with '/').
      frame.pointer = "#merge";
      stack_.push_back(std::move(frame));
      stack_.back().node = &stack_.back().merge_source;
      return;
    }
    std::string pointer;
    nlohmann::json* slot = Place(mark, std::move(empty), &pointer);
    frame.node = slot;
    frame.pointer = std::move(pointer);
    stack_.push_back(std::move(frame));
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    const nlohmann::json& value =
        frame.is_merge_value ? frame.merge_source : *frame.node;
    if (frame.anchor != 0) {
      anchors_[frame.anchor] = Anchor{value, CountNodes(value)};
    }
    if (frame.is_merge_value) Merge(frame.mark, value);
  }

  void AddValue(const YAML::Mark& mark, nlohmann::json v,
                YAML::anchor_t anchor, bool plain, const std::string& text,
                bool alias = false) {
    if (!alias) ++own_nodes_;
    if (anchor != 0) anchors_[anchor] = Anchor{v, CountNodes(v)};
    if (!stack_.empty() && stack_.back().node->is_object() &&
        !stack_.back().key.has_value() && !stack_.back().key_is_merge) {
      if (v.is_structured()) {
        Fail(mark, Status::InvalidArgument("map keys must be scalars"));
      }
      Frame& f = stack_.back();
      f.key_is_merge = plain && text == "<<";
      if (!f.key_is_merge) f.key = KeyString(v);
      f.key_mark = mark;
      return;
    }
    if (!stack_.empty() && stack_.back().key_is_merge) {
      stack_.back().key_is_merge = false;
      Merge(mark, v);
      return;
    }
    std::string pointer;
    Place(mark, std::move(v), &pointer);
  }

  // Puts a finished value (or an empty container) where it belongs: the
  // root, the next sequence item or the pending map key.
  nlohmann::json* Place(const YAML::Mark& mark, nlohmann::json v,
                        std::string* pointer) {
    if (stack_.empty()) {
      root_ = std::move(v);
      has_root_ = true;
      (*map_)[""] = ToPosition(mark);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.node->is_array()) {
      *pointer = f.pointer + "/" + std::to_string(f.node->size());
      (*map_)[*pointer] = ToPosition(mark);
      f.node->push_back(std::move(v));
      return &f.node->back();
    }
    if (!f.key.has_value()) {
      Fail(mark, Status::InvalidArgument("map keys must be scalars"));
    }
    std::string key = std::move(*f.key);
    f.key.reset();
    if (f.node->contains(key) && !f.merged.erase(key)) {
      Fail(f.key_mark, Status::InvalidArgument(
                           "key \"" + key + "\" already set in map"));
    }
    *pointer = f.pointer + "/" + EscapePointerToken(key);
    (*map_)[*pointer] =
        ToPosition(entries_ == EntryPosition::kKey ? f.key_mark : mark);
    nlohmann::json& slot = (*f.node)[key];
    slot = std::move(v);
    return &slot;
  }

  // `<<: *base` or `<<: [*a, *b]`: copies keys the map does not set yet;
  // earlier sources win, and keys written in the map itself win over all.
  void Merge(const YAML::Mark& mark, const nlohmann::json& source) {
    Frame& f = stack_.back();
    if (source.is_array()) {
      for (const auto& item : source) {
        if (!item.is_object()) {
          Fail(mark, Status::InvalidArgument(
                         "map merge requires a map or a sequence of maps"));
        }
        MergeMap(&f, mark, item);
      }
      return;
    }
    if (!source.is_object()) {
      Fail(mark, Status::InvalidArgument(
                     "map merge requires a map or a sequence of maps"));
    }
    MergeMap(&f, mark, source);
  }

  void MergeMap(Frame* f, const YAML::Mark& mark, const nlohmann::json& src) {
    for (const auto& [key, value] : src.items()) {
      if (f->node->contains(key)) continue;
      (*f->node)[key] = value;
      f->merged.insert(key);
      (*map_)[f->pointer + "/" + EscapePointerToken(key)] = ToPosition(mark);
    }
  }

  const YamlLimits& limits_;
  const EntryPosition entries_;
  nlohmann::json root_;
  bool has_root_ = false;
  std::shared_ptr<SourceMap> map_;
  std::deque<Frame> stack_;  // references to frames stay valid
  std::map<YAML::anchor_t, Anchor> anchors_;
  std::size_t own_nodes_ = 0;
  std::size_t alias_nodes_ = 0;
  SourcePosition start_;
  int start_offset_ = -1;
  std::optional<YamlDocument> done_;
};

// The length of the well-formed UTF-8 sequence at text[i], or 0: no
// overlong forms, surrogates or code points beyond U+10FFFF. Its code point
// goes to `*code_point` when given.
std::size_t Utf8SequenceAt(std::string_view text, std::size_t i,
                           std::uint32_t* code_point = nullptr) {
  const auto c = static_cast<unsigned char>(text[i]);
  const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > text.size()) return 0;
  std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc >> 6) != 2) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  if (code_point != nullptr) *code_point = cp;
  return len;
}

// Whether one of the eight ASCII bytes of `word` is below 0x20 or is DEL
// (0x7F). May say yes for a clean word (a borrow), never no for a dirty one.
bool MayHoldControlByte(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t below_space = (word - 0x20 * kOnes) & ~word & kHigh;
  const std::uint64_t del = word ^ (0x7F * kOnes);
  return (below_space | ((del - kOnes) & ~del & kHigh)) != 0;
}

// The characters go-yaml reads: tab, line feed, carriage return, printable
// ASCII, NEL and the rest of Unicode but C1 controls, surrogates, U+FFFE
// and U+FFFF.
bool IsYamlCharacter(std::uint32_t cp) {
  return cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0x7E) ||
         cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// kubectl rejects any other character ("control characters are not
// allowed"); yaml-cpp passes some on and never returns on others (a NUL
// before ',' at the start of a document: found by fuzzing). `text` is
// well-formed UTF-8.
std::optional<SourcePosition> FindControlCharacter(std::string_view text) {
  std::size_t i = 0;
  int line = 1, column = 1;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0 && !MayHoldControlByte(word)) {
        i += 8;  // no line break in it either: only the column moves
        column += 8;
        continue;
      }
    }
    std::uint32_t cp = 0;
    const std::size_t len = Utf8SequenceAt(text, i, &cp);
    if (len == 0 || !IsYamlCharacter(cp)) return SourcePosition{line, column};
    if (cp == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return std::nullopt;
}

bool HasUtf16Bom(std::string_view text) {
  return text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                              (text[0] == '\xFE' && text[1] == '\xFF'));
}

// Input yaml-cpp must not see, or would get wrong: an error, or nullopt.
std::optional<YamlStream> Precheck(std::string_view text) {
  YamlStream out;
  if (!HasUtf16Bom(text)) {
    if (auto bad = internal::FindInvalidUtf8(text)) {
      out.error = Status::InvalidArgument("invalid UTF-8");
      out.error_position = bad;
      return out;
    }
    if (auto control = FindControlCharacter(text)) {
      out.error = Status::InvalidArgument("control characters are not allowed");
      out.error_position = control;
      return out;
    }
  }
  if (auto comma = internal::FindBlockFlowEntry(text)) {
    out.error = Status::InvalidArgument(
        "did not find expected node content: ',' outside a flow collection");
    out.error_position = comma;
    return out;
  }
  return std::nullopt;
}

// The error for yaml-cpp stuck at byte `offset` of `text`.
Status StuckAt(std::string_view text, int offset) {
  std::string message = "did not find expected node content";
  if (offset >= 0 && std::size_t(offset) < text.size()) {
    char c = text[offset];
    if (c > ' ' && c < 0x7F) message += std::string(": unexpected '") + c + "'";
  }
  return Status::InvalidArgument(message);
}

YamlStream ParseWithYamlCpp(std::string_view text, const YamlLimits& limits,
                            EntryPosition entries = EntryPosition::kKey) {
  YamlStream out;
  std::istringstream in{std::string(text)};
  JsonBuilder builder(limits, entries);
  int index = 0;
  int last_start = -1;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      // On a token it has no use for ("a",  "a" b\n? x) yaml-cpp 0.7
      // reports an empty document without moving on, again on every call:
      // a document starting where the last one did means it is stuck.
      if (builder.start_offset() <= last_start) {
        out.error = StuckAt(text, builder.start_offset());
        out.error_position = builder.start();
        break;
      }
      last_start = builder.start_offset();
      if (auto doc = builder.TakeDocument()) {
        doc->index = index;
        out.documents.push_back(std::move(*doc));
      }
      ++index;
    }
  } catch (const YamlFailure& f) {
    out.error = f.status;
    out.error_position = ToPosition(f.mark);
  } catch (const YAML::Exception& e) {
    out.error = Status::InvalidArgument(e.msg);
    out.error_position = ToPosition(e.mark);
  } catch (const std::exception& e) {
    out.error = Status::Internal(std::string("reading YAML: ") + e.what());
  }
  return out;
}

// The common case, fast: runs of ASCII are skipped eight bytes at a time.
bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t word;
    if (i + 8 <= text.size()) {
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t len = Utf8SequenceAt(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace

namespace internal {

// go-yaml (and so kubectl) rejects such input; yaml-cpp would pass it on.
std::optional<SourcePosition> FindInvalidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::nullopt;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = Utf8SequenceAt(text, i);
    if (len == 0) return SourcePosition{line, column};
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return std::nullopt;
}

YamlStream ReadYamlGeneral(std::string_view text, const YamlLimits& limits) {
  if (auto rejected = Precheck(text)) return std::move(*rejected);
  return ParseWithYamlCpp(text, limits);
}

}  // namespace internal

namespace {

// Whether the first non-blank character opens a flow map, as JSON does.
bool StartsWithBrace(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

// Most manifests take a fast reader (JSON objects the JSON reader, block
// style the block reader); what they do not handle, and every error, comes
// from yaml-cpp. The fast readers record key positions only, so value
// positions (policy files, small and read once) come from yaml-cpp.
YamlStream ReadYaml(std::string_view text, const YamlLimits& limits,
                    EntryPosition entries) {
  if (auto rejected = Precheck(text)) return std::move(*rejected);
  if (entries == EntryPosition::kKey) {
    auto fast = StartsWithBrace(text) ? internal::ReadJsonObject(text, limits)
                                      : internal::ReadBlockYaml(text, limits);
    if (fast) return std::move(*fast);
  }
  return ParseWithYamlCpp(text, limits, entries);
}

}  // namespace rayguard::manifest
