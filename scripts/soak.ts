/**
 * `npm run soak -- [--rounds N] [--fault-rate R] [--seed S]`: the long soak (not in CI).
 * Prints the figures as JSON and exits 1 when the guard did what it must never do, or resumed
 * fewer than 99.5% of the eligible store-rounds.
 */
import { parseArgs } from 'node:util';
import { runSoak } from '../test/support/soak.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    'fault-rate': { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '1' },
  },
});
const figures = await runSoak({
  rounds: Number(values.rounds),
  faultRate: Number(values['fault-rate']),
  seed: Number(values.seed),
});
const resumedShare = figures.resumed / figures.eligibleStoreRounds;
const broken =
  figures.falseFailures +
  figures.silentFailures +
  figures.doubleStarts +
  figures.forbiddenStarts +
  figures.overruns;
console.log(
  JSON.stringify({ ...figures, resumedPercent: Number((resumedShare * 100).toFixed(2)) }, null, 2),
);
process.exitCode = broken > 0 || resumedShare < 0.995 ? 1 : 0;
