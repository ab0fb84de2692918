/** torch.autograd. */
export { grad, backwardMany as backward } from './api.js';
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { no_grad, enable_grad, set_grad_enabled, is_grad_enabled } from './grad_mode.js';
export { Node } from './node.js';
export { set_detect_anomaly, detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled } from './anomaly_mode.js';
