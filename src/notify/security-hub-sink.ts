/**
 * Security Hub: the incident's findings imported in ASFF (at most 100 per call), and the findings
 * of stores found healthy again archived (`RecordState: ARCHIVED`). Loaded by the notifier on
 * first use (with its SDK client and the ASFF mapping), never at a cold start.
 */
import {
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Incident } from '../incident.js';
import { GENERATOR_PREFIX, productArn, toArchived, toAsffFindings } from './asff.js';
import { clientConfig, type Delivery, type SinkClientSettings } from './sink.js';

/** BatchImportFindings takes at most 100 findings per call. */
export const IMPORT_BATCH = 100;
/** Values of one GetFindings filter field, ORed: the stores looked up per query. */
export const LOOKUP_BATCH = 20;

export interface SecurityHubSettings extends SinkClientSettings {
  readonly partition: string;
  readonly accountId: string;
}

export interface SecurityHubSink {
  /** Imports the incident's findings and archives the healthy stores' active ones. */
  deliver(
    incident: Incident | undefined,
    healthyStores: readonly string[],
    deadline: AbortSignal,
  ): Promise<Delivery>;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

export function createSecurityHubSink(settings: SecurityHubSettings): SecurityHubSink {
  const client = new SecurityHubClient(clientConfig(settings));
  const product = productArn(settings.partition, settings.region, settings.accountId);
  return {
    async deliver(incident, healthyStores, deadline) {
      const updatedAt = new Date().toISOString();
      const imported =
        incident === undefined
          ? []
          : toAsffFindings(incident, { partition: settings.partition, updatedAt });
      const importing = new Set(imported.map((finding) => finding.Id));
      const active = await findActive(client, product, healthyStores, deadline);
      const archived = active
        .filter((finding) => !importing.has(finding.Id))
        .map((finding) => toArchived(finding, updatedAt));
      const failed = await importAll(client, [...imported, ...archived], deadline);
      const answer = {
        imported: imported.length,
        archived: archived.length,
        failed: failed.length,
      };
      const sent = { imported, archived };
      if (failed.length === 0) return { ok: true, sent, answer: { ...answer } };
      const [first] = failed;
      return {
        ok: false,
        sent,
        answer: { ...answer, failedFindings: failed },
        errorName: first?.ErrorCode ?? 'FailedFindings',
        errorMessage: `${failed.length} finding(s) not imported: ${first?.Id}: ${first?.ErrorMessage}`,
      };
    },
  };
}

type Failure = {
  Id?: string | undefined;
  ErrorCode?: string | undefined;
  ErrorMessage?: string | undefined;
};

async function importAll(
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  deadline: AbortSignal,
): Promise<Failure[]> {
  const failed: Failure[] = [];
  for (const batch of chunks(findings, IMPORT_BATCH)) {
    const out = await client.send(new BatchImportFindingsCommand({ Findings: batch }), {
      abortSignal: deadline,
    });
    failed.push(...(out.FailedFindings ?? []));
  }
  return failed;
}

/** The guard's ACTIVE findings on one of `stores`, as GetFindings' filters say it. */
function filtersOf(product: string, stores: readonly string[]): AwsSecurityFindingFilters {
  return {
    ProductArn: [{ Value: product, Comparison: 'EQUALS' }],
    ResourceId: stores.map((store) => ({ Value: store, Comparison: 'EQUALS' })),
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: `${GENERATOR_PREFIX}/`, Comparison: 'PREFIX' }],
  };
}

/** The same test on a finding read back. */
const matches =
  (product: string, stores: readonly string[]) =>
  (finding: AwsSecurityFinding): boolean =>
    finding.ProductArn === product &&
    finding.RecordState === 'ACTIVE' &&
    finding.GeneratorId?.startsWith(`${GENERATOR_PREFIX}/`) === true &&
    finding.Resources?.some((resource) => stores.includes(resource.Id as string)) === true;

/**
 * The guard's ACTIVE findings on `stores`, each once. Every answer is filtered again here: a
 * server that ignores GetFindings' filters (moto does) must not get other stores' findings
 * archived.
 */
async function findActive(
  client: SecurityHubClient,
  product: string,
  stores: readonly string[],
  deadline: AbortSignal,
): Promise<AwsSecurityFinding[]> {
  const found = new Map<string | undefined, AwsSecurityFinding>();
  for (const batch of chunks(stores, LOOKUP_BATCH)) {
    const Filters = filtersOf(product, batch);
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new GetFindingsCommand({ Filters, MaxResults: 100, ...(NextToken && { NextToken }) }),
        { abortSignal: deadline },
      );
      for (const finding of (page.Findings ?? []).filter(matches(product, batch))) {
        found.set(finding.Id, finding);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return [...found.values()];
}
