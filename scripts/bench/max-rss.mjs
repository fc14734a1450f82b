// Preloaded with `node --import` into a measured process: on exit it writes the process's
// peak resident memory (KB) to BENCH_MAX_RSS_FILE. Needs nothing beyond Node itself, unlike
// GNU time, which a fresh Debian machine does not have.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_MAX_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
