import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../../../core/clock.js';
import type { Actor, AuditEvent, ModelVersion, ModelVersionStatus, RegisteredModel, RegistryStore } from '../../../registry/index.js';
import type { Page, Tags } from '../../../tracking/index.js';
import type { SqlDialectName } from '../open-database.js';
import { translateDbError } from '../db-errors.js';
import * as aliases from './aliases.js';
import { readAuditLog } from './audit-log.js';
import * as models from './models.js';
import { loadModel } from './read-registry.js';
import { modelRow, type RegistryContext } from './registry-context.js';
import type { RegistryTables } from './registry-schema.js';
import { searchModels, searchVersions, type RegistrySearch } from './search.js';
import * as versions from './versions.js';

/** The open metadata database the store works on (an SqlDatabase, or openMetadataStore's result). */
export interface RegistryDatabase {
  // Any Kysely over the shared database: the registry tables are typed inside the store.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
  close?(): Promise<void>;
}

/** Options for {@link SqlRegistryStore}. */
export interface SqlRegistryStoreOptions {
  readonly clock?: Clock;
  /** Close the database with the store (default false: the tracking store shares it). */
  readonly ownsDatabase?: boolean;
}

/**
 * The registry port over the metadata database (SQLite or PostgreSQL through Kysely). The
 * schema comes from migration 002-registry; run the migrations before using the store. Every
 * write and its audit events commit in one transaction.
 */
export class SqlRegistryStore implements RegistryStore {
  private readonly ctx: RegistryContext;

  constructor(private readonly database: RegistryDatabase, private readonly options: SqlRegistryStoreOptions = {}) {
    this.ctx = { db: database.db as Kysely<RegistryTables>, dialect: database.dialect, clock: options.clock ?? systemClock };
  }

  createModel(input: { name: string; description?: string; tags?: Tags }, by: Actor): Promise<RegisteredModel> {
    return models.createModel(this.ctx, input, by);
  }

  getModel(name: string): Promise<RegisteredModel> {
    return read(async () => loadModel(this.ctx.db, await modelRow(this.ctx.db, name)));
  }

  searchModels(query: RegistrySearch): Promise<Page<RegisteredModel>> {
    return read(() => searchModels(this.ctx, query));
  }

  updateModel(name: string, patch: { description?: string }, by: Actor): Promise<RegisteredModel> {
    return models.updateModel(this.ctx, name, patch, by);
  }

  renameModel(name: string, newName: string, by: Actor): Promise<RegisteredModel> {
    return models.renameModel(this.ctx, name, newName, by);
  }

  deleteModel(name: string, by: Actor): Promise<void> {
    return models.deleteModel(this.ctx, name, by);
  }

  setModelTag(name: string, key: string, value: string, by: Actor): Promise<void> {
    return models.setModelTag(this.ctx, name, key, value, by);
  }

  deleteModelTag(name: string, key: string, by: Actor): Promise<void> {
    return models.deleteModelTag(this.ctx, name, key, by);
  }

  createVersion(input: versions.CreateVersionInput, by: Actor): Promise<ModelVersion> {
    return versions.createVersion(this.ctx, input, by);
  }

  getVersion(name: string, version: number): Promise<ModelVersion> {
    return read(() => versions.getVersion(this.ctx, name, version));
  }

  searchVersions(query: RegistrySearch): Promise<Page<ModelVersion>> {
    return read(() => searchVersions(this.ctx, query));
  }

  updateVersion(name: string, version: number, patch: { description?: string; status?: ModelVersionStatus }, by: Actor): Promise<ModelVersion> {
    return versions.updateVersion(this.ctx, name, version, patch, by);
  }

  deleteVersion(name: string, version: number, by: Actor): Promise<void> {
    return versions.deleteVersion(this.ctx, name, version, by);
  }

  setVersionTag(name: string, version: number, key: string, value: string, by: Actor): Promise<void> {
    return versions.setVersionTag(this.ctx, name, version, key, value, by);
  }

  deleteVersionTag(name: string, version: number, key: string, by: Actor): Promise<void> {
    return versions.deleteVersionTag(this.ctx, name, version, key, by);
  }

  setAlias(name: string, alias: string, version: number, by: Actor): Promise<void> {
    return aliases.setAlias(this.ctx, name, alias, version, by);
  }

  deleteAlias(name: string, alias: string, by: Actor): Promise<void> {
    return aliases.deleteAlias(this.ctx, name, alias, by);
  }

  getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return read(() => aliases.getVersionByAlias(this.ctx, name, alias));
  }

  auditLog(name: string): Promise<readonly AuditEvent[]> {
    return read(() => readAuditLog(this.ctx.db, name));
  }

  async close(): Promise<void> {
    if (this.options.ownsDatabase) await this.database.close?.();
  }
}

/** Reads outside a transaction still report driver failures as catalogue codes. */
async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}
