/**
 * The ONNX operators that move or relabel data: Identity and inference-mode Dropout, Constant,
 * Flatten, Reshape, Transpose, Unsqueeze, Squeeze, Concat, Shape, Gather and Cast. On float tensors
 * they are kindling views and joins; on integer tensors (shape arithmetic) they are plain JS.
 */
import { Tensor } from '../tensor.js';
import { int64 } from '../dtype.js';
import { numelOf } from '../shape.js';
import * as torch from '../torch_functions.js';
import { DataType } from './proto.js';
import { Ints, readTensor, type Val } from './values.js';
import { dataTypeName } from './validate.js';
import { axis, intsOf, tensorOf, type NodeCtx, type OpDef } from './op_def.js';

export const SHAPE_OPS: Record<string, OpDef> = {
  Identity: { inputs: [1, 1], outputs: 1, build: (c) => { c.attrs.only([]); return ([x]) => [x!]; } },
  Dropout: {
    inputs: [1, 3], outputs: 1,
    build: (c) => {
      c.attrs.only(['ratio', 'is_test', 'seed']);
      const training = c.has(2) ? c.constant(2) : undefined;
      if (c.has(2) && !(training instanceof Tensor || training instanceof Ints)) throw new Error('its training_mode input must be a constant');
      if (training !== undefined && (training instanceof Ints ? training.data[0] !== 0 : training.item() !== 0)) {
        throw new Error('training_mode is true: only inference (training_mode false) is supported');
      }
      return ([x]) => [x!];
    },
  },
  Constant: {
    inputs: [0, 0], outputs: 1,
    build: (c) => {
      c.attrs.only(['value', 'value_float', 'value_floats', 'value_int', 'value_ints']);
      const v = constantValue(c);
      return () => [v];
    },
  },

  Flatten: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 1);
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        const a = at < 0 ? at + t.ndim : at;
        if (a < 0 || a > t.ndim) throw new Error(`axis ${at} is out of range for a tensor of rank ${t.ndim}`);
        if (a === 1 && t.ndim >= 2) return [torch.flatten(t, 1)];
        const tail = numelOf(t.shape.slice(a));
        // -1 for the leading part keeps the batch dimension free
        return [torch.reshape(t, tail > 0 ? [-1, tail] : [numelOf(t.shape.slice(0, a)), 0])];
      };
    },
  },
  Reshape: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 14 ? ['allowzero'] : []);
      const allowzero = c.attrs.int('allowzero', 0) !== 0;
      return ([x, s]) => {
        const dims = x instanceof Ints ? x.dims : tensorOf(x, 'the data input').shape;
        // 0 copies the input's dimension (unless allowzero); -1 is left to reshape, or inferred here for integers
        const shape = intsOf(s, 'its shape input').data.map((d, i) => (d === 0 && !allowzero ? dims[i] : d));
        if (!(x instanceof Ints)) return [torch.reshape(x as Tensor, shape)];
        const known = numelOf(shape.filter((d) => d !== -1));
        return [new Ints(shape.map((d) => (d === -1 ? x.size / known : d)), x.data)];
      };
    },
  },
  Transpose: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(['perm']);
      const perm = c.attrs.ints('perm');
      return ([x]) => {
        const t = tensorOf(x, 'the input');
        return [torch.permute(t, perm ?? t.shape.map((_, i) => t.ndim - 1 - i))];
      };
    },
  },
  Unsqueeze: {
    inputs: [1, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 13 ? ['axes'] : []);
      const fixed = c.opset < 13 ? c.attrs.ints('axes') : undefined;
      return ([x, axesIn]) => {
        const given = fixed ?? intsOf(axesIn, 'its axes input').data;
        const rank = (x instanceof Ints ? x.dims.length : tensorOf(x, 'the input').ndim) + given.length;
        const axes = given.map((a) => axis(a, rank)).sort((p, q) => p - q);
        if (x instanceof Ints) {
          const dims = [...x.dims];
          for (const a of axes) dims.splice(a, 0, 1);
          return [new Ints(dims, x.data)];
        }
        let t = x as Tensor;
        for (const a of axes) t = torch.unsqueeze(t, a);
        return [t];
      };
    },
  },
  Squeeze: {
    inputs: [1, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset < 13 ? ['axes'] : []);
      const fixed = c.opset < 13 ? c.attrs.ints('axes') : undefined;
      return ([x, axesIn]) => {
        const given = fixed ?? (axesIn === undefined ? undefined : [...intsOf(axesIn, 'its axes input').data]);
        const dims = x instanceof Ints ? x.dims : tensorOf(x, 'the input').shape;
        const axes = given?.map((a) => axis(a, dims.length));
        for (const a of axes ?? []) if (dims[a] !== 1) throw new Error(`cannot squeeze axis ${a}: its size is ${dims[a]}, not 1`);
        if (x instanceof Ints) return [new Ints(dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), x.data)];
        return [axes ? torch.squeeze(x as Tensor, axes) : torch.squeeze(x as Tensor)];
      };
    },
  },
  Concat: {
    inputs: [1, Infinity], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 0);
      return (xs) => {
        if (xs.every((v) => v instanceof Ints)) {
          const ints = xs as Ints[];
          if (ints.some((v) => v.dims.length !== 1) || (at !== 0 && at !== -1)) throw new Error('integer tensors are concatenated only as 1-D lists');
          return [new Ints([ints.reduce((n, v) => n + v.size, 0)], ints.flatMap((v) => v.data))];
        }
        const ts = xs.map((v, i) => tensorOf(v, `input ${i}`));
        return [torch.cat(ts, axis(at, ts[0].ndim))];
      };
    },
  },
  Shape: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 15 ? ['start', 'end'] : []);
      const start = c.attrs.int('start', 0), end = c.attrs.has('end') ? c.attrs.int('end', 0) : undefined;
      return ([x]) => {
        const dims = x instanceof Ints ? x.dims : (x as Tensor).shape;
        const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + dims.length : a, 0), dims.length);
        const d = dims.slice(clampAxis(start), end === undefined ? dims.length : clampAxis(end));
        return [new Ints([d.length], d)];
      };
    },
  },
  Gather: {
    inputs: [2, 2], outputs: 1,
    build: (c) => {
      c.attrs.only(['axis']);
      const at = c.attrs.int('axis', 0);
      return ([x, idx]) => {
        const index = intsOf(idx, 'its indices input');
        if (index.dims.length > 1) throw new Error('indices of rank above 1 are not supported');
        if (x instanceof Ints) {
          if (x.dims.length !== 1) throw new Error('integer data of rank above 1 is not supported');
          const n = x.size;
          const data = index.data.map((i) => {
            if (i < -n || i >= n) throw new Error(`index ${i} is out of range for ${n} elements`);
            return x.data[i < 0 ? i + n : i];
          });
          return [new Ints(index.dims, data)];
        }
        const t = tensorOf(x, 'the data input');
        const a = axis(at, t.ndim);
        const n = t.shape[a];
        const wrapped = index.data.map((i) => (i < 0 ? i + n : i));
        if (index.dims.length === 0) return [torch.select(t, a, wrapped[0])];
        return [torch.index_select(t, a, torch.tensor(wrapped, { dtype: int64 }))];
      };
    },
  },
  Cast: {
    inputs: [1, 1], outputs: 1,
    build: (c) => {
      c.attrs.only(c.opset >= 19 ? ['to', 'saturate'] : ['to']);
      const to = c.attrs.int('to', 0);
      const toInt = to === DataType.INT64 || to === DataType.INT32;
      if (to !== DataType.FLOAT && !toInt) throw new Error(`casting to ${dataTypeName(to)} is not supported (FLOAT, and INT64/INT32 for shape values, are)`);
      return ([x]) => {
        if ((x instanceof Ints) !== toInt) throw new Error(`casting ${x instanceof Ints ? 'an integer' : 'a float'} tensor to ${dataTypeName(to)} is not supported`);
        return [x!];
      };
    },
  },
};

/** A Constant node's value, from whichever of its attributes it has. */
function constantValue(c: NodeCtx): Val {
  const a = c.attrs;
  const t = a.tensor('value');
  if (t) return readTensor(t, `${c.label}: its value`);
  if (a.has('value_float')) return torch.tensor(a.float('value_float', 0));
  if (a.has('value_floats')) return torch.tensor(a.floats('value_floats')!);
  if (a.has('value_int')) return new Ints([], [a.int('value_int', 0)]);
  const ints = a.ints('value_ints');
  if (ints) return new Ints([ints.length], ints);
  throw new Error('it has no value attribute');
}
