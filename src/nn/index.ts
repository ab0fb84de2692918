/** torch.nn. */
export { Module } from './module.js';
export type { RemovableHandle, LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Identity } from './linear.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export * as functional from './functional.js';
export * as init from './init.js';
