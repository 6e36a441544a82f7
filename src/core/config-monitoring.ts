/**
 * paddock.yaml's `monitoring:` and `alerts:` sections (issue 6): the prediction log, label joins,
 * windows and alert rules. Kept beside config.ts (core may not import a capability); the
 * monitoring capability reads them from the loaded Config.
 */
import { z } from 'zod';

export const monitoringConfigSchema = z.strictObject({}).prefault({});

export const alertsConfigSchema = z.array(z.strictObject({})).default([]);
