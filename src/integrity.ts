/**
 * What a store's configuration and tags say beyond its status, against what the state table
 * remembers: the findings, and what the memory becomes. Pure; the I/O is handle-store's.
 */
import type { Config } from './config.js';
import { baselineRecorded, checkStore, findDrift } from './drift.js';
import { readExemption } from './exemption.js';
import { isAuthorized, isAuthorizedCall } from './policy.js';
import type { Finding, ResumeRequest, StoreMemory, StoreSnapshot } from './types.js';

export type IntegrityConfig = Pick<
  Config,
  'authorizedActors' | 'exemptTagKey' | 'maxExemptionHours'
>;

/** What the state table is to be told about the store. */
export interface MemoryWrites {
  /** A new baseline: first sight, or accepted. */
  readonly baseline?: StoreSnapshot['config'];
  /** The exempt tag's trust changed. */
  readonly exemptionDistrusted?: boolean;
}

export interface Assessment {
  readonly findings: readonly Finding[];
  /** The memory as this event leaves it (what the decision reads). */
  readonly memory: StoreMemory;
  readonly writes: MemoryWrites;
}

/**
 * `memory` undefined: the store has no record yet; `tracked` false: there is no state table, so
 * only the checks that need no memory are made (deleted, protection off, exemptions).
 */
export function assess(
  snapshot: StoreSnapshot,
  memory: StoreMemory | undefined,
  request: ResumeRequest,
  config: IntegrityConfig,
  now: Date,
  tracked: boolean,
): Assessment {
  const baseline = tracked ? assessBaseline(snapshot, memory, request, config, now) : undefined;
  const tag = assessExemptTag(snapshot, memory, request, config, now);
  const kept = { ...memory, ...baseline?.memory, ...tag.memory };
  return {
    findings: [...absoluteFindings(snapshot, kept), ...(baseline?.findings ?? []), ...tag.findings],
    memory: kept,
    writes: { ...baseline?.writes, ...tag.writes },
  };
}

type Part = { findings: Finding[]; memory: StoreMemory; writes: MemoryWrites };

/**
 * First sight records the baseline; an authorized UpdateEventDataStore (trusted evidence) or a
 * direct `acceptBaseline` replaces it; otherwise the store is compared with it. A deleted store's
 * configuration (its protection necessarily off) is never recorded: it is compared when there is
 * a baseline, and the restored store's configuration is recorded the next time it is seen.
 */
function assessBaseline(
  snapshot: StoreSnapshot,
  memory: StoreMemory | undefined,
  request: ResumeRequest,
  config: IntegrityConfig,
  now: Date,
): Part {
  const current = snapshot.config;
  if (current === undefined) return { findings: [], memory: {}, writes: {} };
  if (snapshot.status === 'PENDING_DELETION') {
    const findings = memory?.baseline === undefined ? [] : findDrift(memory.baseline, current);
    return { findings, memory: {}, writes: {} };
  }
  const accepted =
    request.acceptBaseline === true || isAuthorizedCall(request, config, 'UpdateEventDataStore');
  if (memory?.baseline === undefined || accepted) {
    return {
      findings: [baselineRecorded(current)],
      memory: { baseline: current, baselineAt: now.toISOString() },
      writes: { baseline: current },
    };
  }
  return { findings: findDrift(memory.baseline, current), memory: {}, writes: {} };
}

/** Deleted, and protection off unless the baseline has it off too. */
function absoluteFindings(snapshot: StoreSnapshot, memory: StoreMemory): Finding[] {
  const protectionOffAccepted = memory.baseline?.TerminationProtectionEnabled === false;
  return checkStore(snapshot).filter(
    (finding) => !(finding.kind === 'termination-protection-disabled' && protectionOffAccepted),
  );
}

/**
 * The exempt tag: too long an exemption is a finding; a change of the tag by an actor not
 * authorized is one too, and the exemption holds no more until an authorized actor sets it again.
 */
function assessExemptTag(
  snapshot: StoreSnapshot,
  memory: StoreMemory | undefined,
  request: ResumeRequest,
  config: IntegrityConfig,
  now: Date,
): Part {
  const key = config.exemptTagKey;
  const value = snapshot.tags[key];
  const findings: Finding[] = [];
  const read = readExemption(value, key, now, config.maxExemptionHours);
  if (read.finding !== undefined) findings.push(read.finding);
  const touched = request.tagChange?.keys.includes(key) === true;
  if (touched && isAuthorized(request, config)) {
    const trusted = { exemptionDistrusted: false };
    return { findings, memory: trusted, writes: trusted };
  }
  const distrusted = touched || memory?.exemptionDistrusted === true;
  if (distrusted && (touched || value !== undefined)) {
    findings.push(exemptTagChanged(key, value, request));
  }
  if (!touched) return { findings, memory: {}, writes: {} };
  const marked = { exemptionDistrusted: true };
  return { findings, memory: marked, writes: marked };
}

function exemptTagChanged(key: string, value: string | undefined, request: ResumeRequest) {
  const by = request.actor?.arn ?? 'an unknown actor';
  return {
    kind: 'exempt-tag-changed',
    field: key,
    ...(value !== undefined && { after: value }),
    severity: 'HIGH',
    detail:
      request.tagChange === undefined
        ? `the exempt tag was changed by an actor not in AUTHORIZED_ACTORS: ignored until an authorized actor sets it again`
        : `${request.eventName ?? 'a tag call'} by ${by}, not in AUTHORIZED_ACTORS: the exemption is ignored until an authorized actor sets it again`,
  } as const satisfies Finding;
}
