// Thrown by an adapter for a case its engine cannot run (onnxruntime-node cannot train, say): the
// report shows the reason instead of a number.
export class NotApplicable extends Error {
  notApplicable = true;
}
