/**
 * ONNX's protobuf messages, read and written with protobufjs and the official schema (vendored as
 * src/onnx/onnx.proto, compiled to ./schema.ts). Decoded models are plain objects with the
 * schema's snake_case field names; int64 fields become JS numbers (callers reject values past
 * 2^53 where it matters), bytes fields Uint8Array views of the input.
 */
import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './schema.js';

/** TensorProto.DataType */
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8,
  BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType */
export const AttributeType = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
  FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
} as const;

export interface OperatorSetIdProto { domain?: string; version?: number }
export interface StringStringEntryProto { key?: string; value?: string }

export interface TensorProto {
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  string_data?: Uint8Array[];
  int64_data?: number[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: StringStringEntryProto[];
  data_location?: number;
  double_data?: number[];
  uint64_data?: number[];
}

export interface TensorShapeDim { dim_value?: number; dim_param?: string; denotation?: string }
export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDim[] } };
  denotation?: string;
}
export interface ValueInfoProto { name?: string; type?: TypeProto; doc_string?: string }

export interface AttributeProto {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: StringStringEntryProto[];
}

let modelType: protobuf.Type | null = null;

/** The ModelProto type, built from the schema on first use (a few ms, paid only by ONNX users). */
function model(): protobuf.Type {
  if (!modelType) modelType = protobuf.Root.fromJSON(onnxSchema as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true };

/** Parses an ONNX model; a malformed protobuf is an Error naming what failed, never a crash. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let message: protobuf.Message;
  try {
    message = model().decode(bytes);
  } catch (e) {
    throw new Error(`invalid ONNX model: the protobuf could not be parsed (${(e as Error).message})`);
  }
  return model().toObject(message, TO_OBJECT) as ModelProto;
}

/** Serializes a model given as plain objects with the schema's field names. */
export function encodeModel(m: ModelProto): Uint8Array {
  const type = model();
  const message = type.fromObject(m as Record<string, unknown>);
  return type.encode(message).finish();
}
