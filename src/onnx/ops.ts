/**
 * The ONNX operators the importer understands, by op type. An operator's `build` runs once at
 * create: it reads the attributes (rejecting what it does not implement) and prepares what depends
 * only on constants (a Gemm's weight laid out for F.linear); the kernel it returns runs on every
 * forward. The operators themselves live in ops_math.ts and ops_shape.ts.
 */
import type { OpDef } from './op_def.js';
import { MATH_OPS } from './ops_math.js';
import { SHAPE_OPS } from './ops_shape.js';

export const OPS: Record<string, OpDef> = { ...SHAPE_OPS, ...MATH_OPS };
