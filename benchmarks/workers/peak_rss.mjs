// The train suite's peak RSS in a Node worker: the kernel's high-water mark is reset when a case is
// built (Linux: /proc/self/clear_refs), so the peak read after its reps is that case's (on top of
// what the process already held); where it cannot be reset it is the process's peak since start.
import fs from 'node:fs';

let since = 'process start';

export function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    since = 'case';
  } catch {
    since = 'process start';
  }
}

/** { bytes, since }: maxRSS is in KiB. */
export const peakRss = () => ({ bytes: process.resourceUsage().maxRSS * 1024, since });
