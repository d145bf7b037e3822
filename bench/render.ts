/** The report `npm run bench` prints: the table of figures, a few lines more, each target's verdict. */
import type { Figures } from './figures.js';
import type { Settings } from './settings.js';
import type { Target, Targets } from './targets.js';

export type Results = {
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly cpu: string;
    readonly cores: number;
    readonly os: string;
  };
  readonly settings: Settings;
  readonly targets: Targets;
  readonly allTargetsMet: boolean;
} & Figures;

type Row = readonly string[];

const KINDS = ['bare', 'reference', 'full'] as const;
type Kind = (typeof KINDS)[number];

const KB = 1000;
const MB = 1024 * 1024;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const kb = (x: number) => `${(x / KB).toFixed(1)} kB`;
const mib = (x: number) => `${(x / MB).toFixed(1)} MiB`;
const times = (x: number) => `${x}×`;

const HEADER: Row = ['', ...KINDS, 'full ÷ bare', 'full ÷ reference'];

/** A row: its label, one cell per kind, the function's ratios to bare and to the reference. */
const row = (label: string, cell: (kind: Kind) => string, toBare = '', toReference = ''): Row => [
  label,
  ...KINDS.map(cell),
  toBare,
  toReference,
];

function coldRows(r: Results): Row[] {
  const { ratios } = r;
  return [
    row(
      'init (import), median',
      (k) => ms(r[k].initMs.median),
      times(ratios.init),
      times(ratios.initVsReference),
    ),
    row('init (import), p90', (k) => ms(r[k].initMs.p90), times(ratios.initP90)),
    row(
      'first invocation, median',
      (k) => ms(r[k].firstInvokeMs.median),
      times(ratios.firstInvoke),
      times(ratios.firstInvokeVsReference),
    ),
    row(
      'init + first invocation, median',
      (k) => ms(r[k].coldTotalMs.median),
      times(ratios.coldTotal),
      times(ratios.coldVsReference),
    ),
    row('init, CPU time, median', (k) => ms(r[k].initCpuMs.median), times(ratios.initCpu)),
    row(
      'init + first invocation, CPU time, median',
      (k) => ms(r[k].coldTotalCpuMs.median),
      times(ratios.coldTotalCpu),
      times(ratios.coldCpuVsReference),
    ),
    row('RSS after first invocation, median', (k) => mib(r[k].rssBytes.median), times(ratios.rss)),
  ];
}

/** The warm rows (the reference's: its six calls of one invocation) and the bundles' sizes. */
function warmAndBundleRows(r: Results): Row[] {
  const { ratios } = r;
  const warm = (k: Kind) => (k === 'reference' ? r.reference.invocationCallsMs : r[k].warmMs);
  const heap = (k: Kind) =>
    k === 'reference' ? '' : `${mib(r[k].heapUsed.start)} → ${mib(r[k].heapUsed.end)}`;
  const bundle = (k: Kind) => r[k].bundle;
  return [
    row(
      'warm p50',
      (k) => ms(warm(k).median),
      times(ratios.warmP50),
      times(ratios.warmP50VsReference),
    ),
    row('warm p99', (k) => ms(warm(k).p99), times(ratios.warmP99)),
    row('heapUsed after GC, warm start → end', heap),
    row(
      'bundle raw (files)',
      (k) => `${kb(bundle(k).rawBytes)} (${bundle(k).files})`,
      times(ratios.rawBytes),
    ),
    row('bundle gzip', (k) => kb(bundle(k).gzipBytes), times(ratios.gzipBytes)),
    row(
      'evaluated at init (files)',
      (k) => `${kb(bundle(k).initBytes)} (${bundle(k).initFiles.length})`,
      times(ratios.initBytes),
    ),
  ];
}

/** A Markdown table, each column as wide as its widest cell. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => row[c]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const [header = [], ...body] = rows;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

function extraLines({ reference, full, ratios, settings, machine }: Results): string[] {
  return [
    `reference, warm p50: idempotency's DynamoDB calls (PutItem + UpdateItem) ${ms(reference.idempotencyDynamoCallsMs.median)}; ` +
      `all six calls of an invocation (put, tags, describe, start, verify, update) ${ms(reference.invocationCallsMs.median)}`,
    `sweep: 1 store ${ms(full.sweepOneMs.median)}, 10 stores ${ms(full.sweepTenMs.median)} (median of ${settings.sweepRuns}) → ${ratios.sweep10}×`,
    `cold runs ${settings.coldRuns} per kind after ${settings.coldWarmupRounds} untimed round, warm calls ${settings.warmCalls} per kind after ${settings.warmupCalls} warm-up; ` +
      `${machine.node}, ${machine.cpu}, ${machine.cores} cores; every sample kept`,
  ];
}

function verdict(name: string, target: Target): string {
  const limitMs = target.limitMs === undefined ? '' : ` (limit ${target.limitMs} ms)`;
  return `${target.met ? 'met   ' : 'MISSED'} ${name}: ${target.limit} — ${JSON.stringify(target.value)}${limitMs}`;
}

export function renderReport(results: Results): string {
  const table = renderTable([HEADER, ...coldRows(results), ...warmAndBundleRows(results)]);
  const verdicts = Object.entries(results.targets).map(([name, target]) => verdict(name, target));
  return `${table}\n\n${extraLines(results).join('\n')}\n\n${verdicts.join('\n')}\n`;
}
