// Prints "N passed, N failed" from vitest's JSON report (CI reads this line, not vitest's summary).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'build/test-results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`could not read the test report ${file}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A file that fails to load counts as a failure even though it ran no test.
const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
const failed = report.numFailedTests + brokenFiles;
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
