/** torch.serve: serving a model to concurrent callers. */
export { DynamicBatcher, QueueFullError, BatcherClosedError } from './batcher.js';
export type { AsyncModel, DynamicBatcherOptions, RunOptions } from './batcher.js';
