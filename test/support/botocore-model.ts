/**
 * The CloudTrail service model botocore ships (the model the SDKs are generated from), read from
 * the machine's Python. Without python3 and botocore this throws, saying so: tests that need the
 * model fail rather than skip.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface ShapeRef {
  shape: string;
}
export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  required?: string[];
  enum?: string[];
  exception?: boolean;
}
export interface ServiceModel {
  metadata: { protocol: string; jsonVersion: string; targetPrefix: string };
  operations: Record<string, { input?: ShapeRef; output?: ShapeRef; errors?: ShapeRef[] }>;
  shapes: Record<string, Shape>;
}

const MODEL_PATH = 'data/cloudtrail/2013-11-01/service-2.json.gz';

export function readCloudTrailModel(): ServiceModel {
  let botocoreDir: string;
  try {
    botocoreDir = execFileSync(
      'python3',
      ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  } catch (error) {
    throw new Error(
      'python3 with botocore installed (pip install botocore) is needed to read the CloudTrail ' +
        'service model; python3 or botocore is missing.',
      { cause: error },
    );
  }
  const path = join(botocoreDir, MODEL_PATH);
  try {
    return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as ServiceModel;
  } catch (error) {
    throw new Error(`The CloudTrail service model could not be read from ${path}.`, {
      cause: error,
    });
  }
}
