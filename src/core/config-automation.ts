/**
 * paddock.yaml's `retraining:` and `promotion:` sections (issue 6): retraining pipelines with
 * their triggers and guards, and the policies an alias serving production must satisfy. Kept
 * beside config.ts (core may not import a capability); automation reads them from the Config.
 */
import { z } from 'zod';

export const retrainingConfigSchema = z.strictObject({}).prefault({});

export const promotionConfigSchema = z.strictObject({}).prefault({});
