// Plans through N-API: planCreate checks every instruction once, so that planRun (one native call
// per forward) checks only the arrays and the batch. The executor is native/plan.cpp; the async
// form is plan_async.cpp.
#include <atomic>
#include <cfloat>
#include <cmath>
#include <string>

#include "../dispatch.h"
#include "../kernels/portable/portable_kernels.h"
#include "args.h"
#include "plan_object.h"
#include "register.h"

namespace kindling {
namespace binding {

void register_plan_async(Napi::Env env, Napi::Object exports);

namespace {

const napi_type_tag kPlanTag = {0x6b696e646c696e67ULL, 0x706c616e2d636f64ULL};

constexpr int64_t kMaxSlots = int64_t(1) << 16, kMaxWeights = int64_t(1) << 16, kMaxInstructions = int64_t(1) << 20;
// Sizes per row (perRow, K, N, ...) and the batch; batch × perRow is further capped at kMaxDim
// floats, so no product the executor forms can overflow.
constexpr int64_t kMaxRow = int64_t(1) << 32, kMaxBatch = int64_t(1) << 32;

const char* const kOpNames[] = {"?", "LINEAR", "UNARY", "SOFTMAX", "BINARY", "COPY"};

// Decodes and checks `code` against the slots; every message starts "planCreate: instruction i (OP)".
struct Decoder {
  Napi::Env env;
  const F64& code;
  PlanCode& plan;
  int64_t weights;
  int64_t i = 0;  // the instruction being decoded

  std::string where() const { return "planCreate: instruction " + std::to_string(i) + " (" + kOpNames[code.data[8 * i] >= 1 && code.data[8 * i] <= 5 ? int(code.data[8 * i]) : 0] + ")"; }

  int64_t field(int j, const char* name, int64_t lo, int64_t hi) const {
    const double v = code.data[8 * i + j];
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || std::floor(v) != v) {  // the message only when thrown
      THROW_RANGE(env, where() + " field '" + name + "' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return static_cast<int64_t>(v);
  }
  int64_t slot(int j, const char* name) const { return field(j, name, 0, static_cast<int64_t>(plan.perRow.size()) - 1); }
  void zero(int from) const {
    for (int j = from; j < 8; j++) {
      if (code.data[8 * i + j] != 0) THROW_RANGE(env, where() + " field " + std::to_string(j) + " is unused and must be 0");
    }
  }
  // perRow of slot s must be `want` floats (double: exact, and products of two kMaxRow cannot wrap)
  void rows(int64_t s, double want, const char* name) const {
    if (double(plan.perRow[s]) != want) {
      THROW_RANGE(env, where() + ": slot " + std::to_string(s) + " ('" + name + "') has " + std::to_string(plan.perRow[s]) +
                           " floats per row but the instruction needs " + (want < 0x1p53 ? std::to_string(static_cast<long long>(want)) : std::string("over 2^53")));
    }
  }

  PlanInstr next() {
    PlanInstr r{};
    int64_t* v = r.v;
    v[0] = field(0, "op", P_LINEAR, P_COPY);
    switch (v[0]) {
      case P_LINEAR: {  // [1, in, out, w, rowsPer, K, N, epilogue]
        v[1] = slot(1, "in");
        v[2] = slot(2, "out");
        if (weights == 0) THROW_RANGE(env, where() + ": the plan was created with no weights");
        v[3] = field(3, "w", 0, weights - 1);
        v[4] = field(4, "rowsPer", 1, kMaxRow);
        v[5] = field(5, "K", 1, kMaxRow);
        v[6] = field(6, "N", 1, kMaxRow);
        v[7] = field(7, "epilogue", U_NONE, U_COUNT - 1);
        if (v[7] != U_NONE && !unary_has(static_cast<UnaryOp>(v[7]), UF_EPILOGUE)) THROW_RANGE(env, where() + ": epilogue must be -1 or a unary op in binding.epilogueOps");
        if (v[1] == v[2]) THROW_RANGE(env, where() + ": 'in' and 'out' must be different slots");
        if (double(v[5]) * double(v[6]) > double(kMaxDim)) THROW_RANGE(env, where() + ": the weight's N·K exceeds 2^40");
        rows(v[1], double(v[4]) * double(v[5]), "in");
        rows(v[2], double(v[4]) * double(v[6]), "out");
        int64_t& K = plan.weightK[v[3]];
        int64_t& N = plan.weightN[v[3]];
        if (K && (K != v[5] || N != v[6])) {
          THROW_RANGE(env, where() + ": weight " + std::to_string(v[3]) + " is used as [N, K] = [" + std::to_string(v[6]) + ", " + std::to_string(v[5]) +
                               "] here but [" + std::to_string(N) + ", " + std::to_string(K) + "] by an earlier instruction");
        }
        K = v[5];
        N = v[6];
        break;
      }
      case P_UNARY: {  // [2, in, out, op, param, n, 0, 0]
        v[1] = slot(1, "in");
        v[2] = slot(2, "out");
        v[3] = field(3, "op", 0, U_COUNT - 1);
        const double param = code.data[8 * i + 4];
        if (!(std::fabs(param) <= FLT_MAX)) THROW_RANGE(env, where() + " field 'param' must be a finite float32");
        r.param = static_cast<float>(param);
        v[5] = field(5, "n", 1, kMaxRow);
        zero(6);
        rows(v[1], double(v[5]), "in");
        rows(v[2], double(v[5]), "out");
        break;
      }
      case P_SOFTMAX: {  // [3, in, out, log, rowsPer, cols, 0, 0]
        v[1] = slot(1, "in");
        v[2] = slot(2, "out");
        v[3] = field(3, "log", 0, 1);
        v[4] = field(4, "rowsPer", 1, kMaxRow);
        v[5] = field(5, "cols", 1, kMaxRow);
        zero(6);
        if (v[1] == v[2]) THROW_RANGE(env, where() + ": 'in' and 'out' must be different slots");
        rows(v[1], double(v[4]) * double(v[5]), "in");
        rows(v[2], double(v[4]) * double(v[5]), "out");
        break;
      }
      case P_BINARY: {  // [4, a, b, out, binop, n, 0, 0]
        v[1] = slot(1, "a");
        v[2] = slot(2, "b");
        v[3] = slot(3, "out");
        v[4] = field(4, "binop", A_ADD, A_DIV);
        v[5] = field(5, "n", 1, kMaxRow);
        zero(6);
        rows(v[1], double(v[5]), "a");
        rows(v[2], double(v[5]), "b");
        rows(v[3], double(v[5]), "out");
        break;
      }
      default: {  // P_COPY: [5, in, out, n, 0, 0, 0, 0]
        v[1] = slot(1, "in");
        v[2] = slot(2, "out");
        v[3] = field(3, "n", 1, kMaxRow);
        zero(4);
        rows(v[1], double(v[3]), "in");
        rows(v[2], double(v[3]), "out");
        break;
      }
    }
    return r;
  }
};

// The slots an instruction reads (up to 2) and the one it writes.
struct Access {
  int64_t read[2];
  int nread;
  int64_t write;
};
Access access(const PlanInstr& ins) {
  const int64_t* v = ins.v;
  if (v[0] == P_BINARY) return {{v[1], v[2]}, 2, v[3]};
  return {{v[1], 0}, 1, v[2]};
}

void finalizePlan(napi_env env, void* data, void*) {
  auto* p = static_cast<Plan*>(data);
  int64_t adjusted;
  if (p->reported) napi_adjust_external_memory(env, -p->reported, &adjusted);
  delete p;  // weights still read by runs in flight live on in their jobs
}

// planCreate(code, slots, externals, weights)
Napi::Value PlanCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const F64 code = f64(info, 0, "code"), slots = f64(info, 1, "slots");
  const int64_t externals = integer(info, 2, "externals", 0, kMaxSlots), weights = integer(info, 3, "weights", 0, kMaxWeights);
  if (slots.length < 1 || slots.length > kMaxSlots) THROW_RANGE(env, "planCreate: argument 'slots' must have 1 to " + std::to_string(kMaxSlots) + " entries");
  if (externals > slots.length) THROW_RANGE(env, "planCreate: argument 'externals' exceeds the number of slots");
  if (code.length % 8) THROW_RANGE(env, "planCreate: argument 'code' must hold whole instructions of 8 numbers");
  if (code.length / 8 > kMaxInstructions) THROW_RANGE(env, "planCreate: argument 'code' holds more than 2^20 instructions");
  auto c = std::make_shared<PlanCode>();
  c->externals = externals;
  c->perRow.resize(slots.length);
  for (int64_t s = 0; s < slots.length; s++) {
    const double v = slots.data[s];
    if (!(v >= 1 && v <= static_cast<double>(kMaxRow)) || std::floor(v) != v) THROW_RANGE(env, "planCreate: slots[" + std::to_string(s) + "] must be an integer in [1, " + std::to_string(kMaxRow) + "]");
    c->perRow[s] = static_cast<int64_t>(v);
  }
  c->weightK.assign(weights, 0);
  c->weightN.assign(weights, 0);
  Decoder d{env, code, *c, weights};
  c->code.reserve(static_cast<size_t>(code.length / 8));
  for (d.i = 0; d.i < code.length / 8; d.i++) c->code.push_back(d.next());
  // An external slot some instruction writes is an output; it and every arena slot must be
  // written before they are read (their contents are not defined before: an async output is
  // fresh memory, an arena slot holds whatever a previous run left).
  c->written.assign(externals, false);
  c->read.assign(externals, false);
  for (const PlanInstr& ins : c->code) {
    const int64_t w = access(ins).write;
    if (w < externals) c->written[w] = true;
  }
  std::vector<bool> defined(slots.length, false);
  for (int64_t s = 0; s < externals; s++) defined[s] = !c->written[s];
  for (d.i = 0; d.i < static_cast<int64_t>(c->code.size()); d.i++) {
    const Access a = access(c->code[d.i]);
    for (int r = 0; r < a.nread; r++) {
      const int64_t s = a.read[r];
      if (!defined[s]) THROW_RANGE(env, d.where() + " reads slot " + std::to_string(s) + (s < externals ? ", an output," : ", an arena slot,") + " before any instruction writes it");
      if (s < externals) c->read[s] = true;
    }
    defined[a.write] = true;
  }
  std::unique_ptr<Plan> p(new Plan{env, c, std::vector<std::shared_ptr<PlanWeight>>(weights), std::vector<const PlanWeight*>(weights, nullptr), 0});
  napi_value o;
  if (napi_create_object(env, &o) != napi_ok || napi_wrap(env, o, p.get(), finalizePlan, nullptr, nullptr) != napi_ok) {
    throw JsError(JsError::Error, "planCreate: could not create the plan object");
  }
  p.release();  // the finalizer owns it now
  if (napi_type_tag_object(env, o, &kPlanTag) != napi_ok) throw JsError(JsError::Error, "planCreate: could not tag the plan object");
  return Napi::Value(env, o);
}

// planSetWeight(plan, index, W, bias | null)
Napi::Value PlanSetWeight(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Plan& p = unwrapPlan(info, 0, "planSetWeight");
  const int64_t count = static_cast<int64_t>(p.weights.size());
  const int64_t index = integer(info, 1, "index", 0, kMaxWeights);
  if (index >= count) THROW_RANGE(env, "planSetWeight: argument 'index' is " + std::to_string(index) + " but the plan has " + std::to_string(count) + " weights");
  const int64_t K = p.code->weightK[index], N = p.code->weightN[index];
  if (!K) THROW_RANGE(env, "planSetWeight: weight " + std::to_string(index) + " is used by no LINEAR instruction");
  F32 W = f32(info, 2, "W"), bias = f32(info, 3, "bias", true);
  if (double(W.length) != double(N) * double(K)) {
    THROW_RANGE(env, "planSetWeight: argument 'W' has " + std::to_string(W.length) + " elements but weight " + std::to_string(index) + " is [N, K] = [" +
                         std::to_string(N) + ", " + std::to_string(K) + "]");
  }
  if (bias.given && bias.length != N) THROW_RANGE(env, "planSetWeight: argument 'bias' has " + std::to_string(bias.length) + " elements but N is " + std::to_string(N));
  std::shared_ptr<PlanWeight>& cur = p.weights[index];
  // Only this thread adds references (planRunAsync copies them here), so a count of 1 stays 1;
  // the acquire fence pairs with the release of the last job's reference, whose reads are done.
  if (cur && cur.use_count() == 1 && (cur->bias != nullptr) == bias.given) {
    std::atomic_thread_fence(std::memory_order_acquire);
    plan_weight_fill(*cur, W.data, bias.data);
    return env.Undefined();
  }
  std::shared_ptr<PlanWeight> fresh(plan_weight_new(K, N, W.data, bias.data));
  const int64_t delta = fresh->bytes - (cur ? cur->bytes : 0);
  cur = std::move(fresh);
  p.raw[index] = cur.get();
  p.reported += delta;
  int64_t adjusted;
  napi_adjust_external_memory(env, delta, &adjusted);
  return env.Undefined();
}

// planRun(plan, arrays, batch)
Napi::Value PlanRun(const Napi::CallbackInfo& info) {
  Plan& p = unwrapPlan(info, 0, "planRun");
  const int64_t batch = readBatch(info, 2, p, "planRun");
  const size_t n = static_cast<size_t>(p.code->externals);
  std::vector<F32> arrays(n);
  readExternals(info, 1, p, batch, false, "planRun", arrays.data());
  std::vector<float*> ext(n);
  for (size_t s = 0; s < n; s++) ext[s] = arrays[s].data;
  run_plan(*p.code, p.raw.data(), ext.data(), batch);
  return info.Env().Undefined();
}

}  // namespace

Plan& unwrapPlan(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  napi_env env = info.Env();
  napi_value v = info.Length() > i ? static_cast<napi_value>(info[i]) : nullptr;
  napi_valuetype type;
  bool tagged = false;
  void* raw = nullptr;
  if (!v || napi_typeof(env, v, &type) != napi_ok || type != napi_object || napi_check_object_type_tag(env, v, &kPlanTag, &tagged) != napi_ok || !tagged ||
      napi_unwrap(env, v, &raw) != napi_ok || !raw) {
    THROW_TYPE(env, std::string(fn) + ": argument 'plan' must be an object returned by planCreate");
  }
  return *static_cast<Plan*>(raw);
}

int64_t readBatch(const Napi::CallbackInfo& info, size_t i, const Plan& p, const char* fn) {
  Napi::Env env = info.Env();
  const int64_t batch = integer(info, i, "batch", 0, kMaxBatch);
  for (size_t s = 0; s < p.code->perRow.size(); s++) {
    if (double(batch) * double(p.code->perRow[s]) > double(kMaxDim)) {
      THROW_RANGE(env, std::string(fn) + ": batch " + std::to_string(batch) + " × " + std::to_string(p.code->perRow[s]) + " floats per row of slot " + std::to_string(s) + " exceeds 2^40 floats");
    }
  }
  for (size_t w = 0; w < p.raw.size(); w++) {
    if (p.code->weightK[w] && !p.raw[w]) throw JsError(JsError::Error, std::string(fn) + ": weight " + std::to_string(w) + " was never set (call planSetWeight first)");
  }
  return batch;
}

void readExternals(const Napi::CallbackInfo& info, size_t i, const Plan& p, int64_t batch, bool async, const char* fn, F32* out) {
  napi_env env = info.Env();
  const PlanCode& c = *p.code;
  // messages are built only when thrown: this runs on every call
  auto what = [&] { return std::string(fn) + ": argument '" + (async ? "inputs" : "arrays") + "'"; };
  auto entry = [&](int64_t s) { return what() + "[" + std::to_string(s) + "]"; };
  napi_value arr = info.Length() > i ? static_cast<napi_value>(info[i]) : nullptr;
  bool isArray = false;
  uint32_t length = 0;
  if (!arr || napi_is_array(env, arr, &isArray) != napi_ok || !isArray || napi_get_array_length(env, arr, &length) != napi_ok) {
    THROW_TYPE(env, what() + " must be an Array");
  }
  if (int64_t(length) != c.externals) THROW_RANGE(env, what() + " has " + std::to_string(length) + " entries but the plan has " + std::to_string(c.externals) + " external slots");
  // Every entry is fetched before any array's memory is looked at: a getter on the array (or on
  // Array.prototype, for a hole) runs JS, which could detach or shrink an array read before it.
  std::vector<napi_value> values(static_cast<size_t>(c.externals));
  for (int64_t s = 0; s < c.externals; s++) {
    if (napi_get_element(env, arr, static_cast<uint32_t>(s), &values[s]) != napi_ok) throw JsError(JsError::Error, entry(s) + " could not be read");
  }
  for (int64_t s = 0; s < c.externals; s++) {
    napi_value v = values[s];
    if (async && c.written[s]) {
      napi_valuetype type = napi_undefined;
      if (napi_typeof(env, v, &type) != napi_ok || (type != napi_null && type != napi_undefined)) THROW_TYPE(env, entry(s) + " is an output slot and must be null");
      out[s] = {nullptr, 0, nullptr, 0, false};
      continue;
    }
    void* data = nullptr;
    size_t len = 0, offset = 0;
    if (!typedArray(env, v, napi_float32_array, data, len, offset)) THROW_TYPE(env, entry(s) + " must be a Float32Array");
    const int64_t need = batch * c.perRow[s];
    if (static_cast<int64_t>(len) != need) {
      THROW_RANGE(env, entry(s) + " has " + std::to_string(len) + " elements but batch × perRow is " + std::to_string(need) + (len == 0 && need ? " (is its buffer detached?)" : ""));
    }
    out[s] = {static_cast<float*>(data), static_cast<int64_t>(len), data ? static_cast<char*>(data) - offset : nullptr, offset, true};
  }
  if (async) return;
  for (int64_t s = 0; s < c.externals; s++) {
    if (!c.written[s]) continue;
    for (int64_t t = 0; t < c.externals; t++) {
      if (t != s && overlaps(out[s], out[s].length, out[t], out[t].length)) {
        THROW_RANGE(env, what() + ": output slot " + std::to_string(s) + " shares memory with slot " + std::to_string(t));
      }
    }
  }
}

void register_plan(Napi::Env env, Napi::Object exports) {
  exportFunction<PlanCreate>(env, exports, "planCreate");
  exportFunction<PlanSetWeight>(env, exports, "planSetWeight");
  exportFunction<PlanRun>(env, exports, "planRun");
  register_plan_async(env, exports);
}

}  // namespace binding
}  // namespace kindling
