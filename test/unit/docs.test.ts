import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, ENV_VARS } from '../../src/config.js';
import { FAILURE_REASONS } from '../../src/explain.js';
import { ACTION_METRICS } from '../../src/metrics.js';
import { API_ERRORS, CREDENTIAL_ERRORS, classifyError } from '../../src/retry-policy.js';
import { ACTIONS, FINDING_KINDS, REASONS } from '../../src/types.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const DOCUMENTS = ['README.md', ...readdirSync(new URL('docs/', root)).map((f) => `docs/${f}`)];
const readme = read('README.md');
const design = read('docs/design.md');
const errors = read('docs/errors.md');

/** The text under `heading` (a whole heading line), up to the next heading of its level or above. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level,
  );
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The table row of `name` in that text: the line that starts with `` | `name` | ``. */
function rowOf(text: string, name: string): string | undefined {
  return text.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
}

/** The cells of a table row, trimmed. */
function cellsOf(row: string): string[] {
  return row.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim());
}

/** The first cell of every row of the tables in that text, without its backquotes. */
function firstCells(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\| `[^`]+` \|/.test(line))
    .map((line) => cellsOf(line)[0]?.replaceAll('`', '') ?? '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

function anchorsOf(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => /^#+ /.test(line))
    .map((line) => anchorOf(line.replace(/^#+ /, '')));
}

const settings = section(read('docs/configuration.md'), '## Environment variables');
const guards = section(readme, '## What the guard sees, undoes and reports');
const drift = read('docs/drift.md');
const metrics = section(readme, '### Metrics');
const reasons = section(design, '## Reason codes');
const apiErrors = section(errors, '## API errors');
const failures = section(errors, '## Failures without an API error');
const unnamed = section(errors, '## Errors without an API name');

describe('Documentation: README', () => {
  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('is at most 250 lines long', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  it.each([...ENV_VARS])('has a row for the setting %s with its default', (name) => {
    // Act
    const row = rowOf(settings, name);

    // Assess
    expect(row, `no row for ${name} in the configuration table`).toBeDefined();
    if (Object.hasOwn(DEFAULTS, name)) {
      expect(row).toContain(`\`${String(DEFAULTS[name as keyof typeof DEFAULTS])}\``);
    }
  });

  it.each(ACTIONS)('has a row for the metric that counts the action %s', (action) => {
    // Act
    const row = rowOf(metrics, ACTION_METRICS[action]);

    // Assess
    expect(row, `no row for ${ACTION_METRICS[action]} in the metrics table`).toBeDefined();
    expect(row).toContain(`\`${action}\``);
  });

  it.each(['InvalidTriggers', 'DriftFindings', 'RestopEscalations', 'NotificationFailures'])(
    'has a row for the metric %s',
    (name) => {
      expect(rowOf(metrics, name), `no row for ${name}`).toBeDefined();
    },
  );

  it.each(FINDING_KINDS.filter((kind) => kind !== 'baseline-recorded'))(
    'names the finding %s in the table of what the guard sees, undoes and reports',
    (kind) => {
      expect(guards).toContain(`\`${kind}\``);
    },
  );

  it('shows the SCP to deploy beside the guard, denying the calls that blind a store', () => {
    // Act
    const scp = JSON.parse(/```json\n([\s\S]*?)```/.exec(guards)?.[1] ?? '{}');

    // Assess
    const denied = scp.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(denied).toEqual(
      expect.arrayContaining([
        'cloudtrail:StopEventDataStoreIngestion',
        'cloudtrail:UpdateEventDataStore',
        'cloudtrail:DeleteEventDataStore',
        'cloudtrail:DisableFederation',
        'cloudtrail:AddTags',
        'cloudtrail:RemoveTags',
      ]),
    );
  });
});

describe('Documentation: docs/drift.md', () => {
  it.each(FINDING_KINDS)('has a row for the finding kind %s', (kind) => {
    expect(rowOf(drift, kind), `no row for ${kind}`).toBeDefined();
  });
});

describe('Documentation: docs/design.md', () => {
  it.each(Object.values(REASONS))('has a row for the reason code %s with its action', (reason) => {
    // Act
    const row = rowOf(reasons, reason);

    // Assess
    expect(row, `no row for ${reason} in the reason codes table`).toBeDefined();
    const action = cellsOf(row ?? '')[1]?.replaceAll('`', '');
    expect(ACTIONS).toContain(action);
  });

  it('lists no reason code the function does not have', () => {
    expect(
      firstCells(reasons).filter((name) => !Object.values<string>(REASONS).includes(name)),
    ).toEqual([]);
  });
});

describe('Documentation: docs/errors.md', () => {
  it.each(Object.keys(API_ERRORS))('explains the API error %s and what to do about it', (name) => {
    // Act
    const row = rowOf(apiErrors, name);

    // Assess
    expect(row, `no row for ${name} in the API errors table`).toBeDefined();
    const info = API_ERRORS[name as keyof typeof API_ERRORS];
    expect(cellsOf(row ?? '')[1]).toBe(info.class);
    expect(row).toContain(info.meaning);
    expect(row).toContain(info.operatorAction);
  });

  it.each(CREDENTIAL_ERRORS)('explains the credential error %s and what to do about it', (name) => {
    // Act
    const info = classifyError({ name });

    // Assess: one bullet holds every credential error, its meaning and what to do
    const bullet = unnamed.split('\n- ').find((item) => item.includes(`\`${name}\``)) ?? '';
    const text = bullet.replaceAll(/\s+/g, ' ');
    expect(text, `no bullet names ${name}`).not.toBe('');
    expect(text).toContain(info.meaning);
    expect(text).toContain(info.operatorAction);
  });

  it.each(Object.entries(FAILURE_REASONS))(
    'explains %s as the store failed line does, and what to do',
    (reason, info) => {
      // Act
      const row = rowOf(failures, reason);

      // Assess: the table says what the log line says
      expect(row, `no row for ${reason} in the failures table`).toBeDefined();
      expect(row).toContain(info.meaning);
      expect(row).toContain(info.operatorAction);
    },
  );

  it.each(Object.values(REASONS))('explains the failure %s if it is one', (reason) => {
    // Prepare: the reason's action, as the reason codes table gives it
    const action = cellsOf(rowOf(reasons, reason) ?? '')[1];

    // Act
    const row = rowOf(failures, reason);

    // Assess: every failure reason has a row with a meaning and what to do; no other reason has
    expect(row !== undefined, `row for ${reason} (action ${action})`).toBe(action === '`failed`');
    if (row !== undefined)
      expect(
        cellsOf(row)
          .slice(1)
          .every((cell) => cell !== ''),
      ).toBe(true);
  });
});

describe('Documentation: every document', () => {
  it.each(DOCUMENTS)('%s refers to no document outside the repository', (path) => {
    // Act
    const text = read(path);

    // Assess
    expect(text).not.toMatch(/DESIGN|the issue|\.\.\/shared/);
  });

  it.each(DOCUMENTS)('%s links only to files and headings that exist', (path) => {
    // Prepare
    const text = read(path);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));

    // Act
    const broken = links.filter((target) => {
      const [file = '', anchor] = target.split('#');
      const url = new URL(file, new URL(path, root));
      if (!existsSync(url)) return true;
      return anchor !== undefined && !anchorsOf(readFileSync(url, 'utf8')).includes(anchor);
    });

    // Assess
    expect(broken).toEqual([]);
  });
});
