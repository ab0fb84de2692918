/** torch.utils.data: datasets, random_split, DataLoader and its collate functions. */
export { Dataset, TensorDataset, Subset, random_split } from './dataset.js';
export type { DatasetLike } from './dataset.js';
export { DataLoader, default_collate, default_convert } from './dataloader.js';
export type { DataLoaderOptions, CollateFn, Collated } from './dataloader.js';
