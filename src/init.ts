/**
 * What INIT prepares, and all it evaluates besides the handler's loader (src/handler.ts): the
 * configuration, so that a bad setting fails the cold start with every problem listed, and the
 * CloudTrail client, made once per execution environment like the bare SDK call's.
 */
import { createCloudTrail } from './cloudtrail.js';
import { readConfig } from './config.js';

export const config = readConfig(process.env);
export const cloudtrail = createCloudTrail({ region: config.region });
