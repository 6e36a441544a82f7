import type { Project } from '../core/project.js';
import { Linker, parseLinkTypes, type LinkType } from './link.js';
import { ObjectCache } from './object-cache.js';
import { stateDbFor, type StateDb } from './state-db.js';

/** What the data use-cases share for one project: its cache, state database and link types. */
export interface DataContext {
  readonly project: Project;
  readonly cache: ObjectCache;
  readonly state: StateDb;
  readonly linkTypes: readonly LinkType[];
  /** Places cache objects in the workspace (remembers which link types failed). */
  readonly linker: Linker;
}

const contexts = new WeakMap<Project, DataContext>();

/** The DataContext of a project (created once per Project object). */
export function dataContext(project: Project): DataContext {
  let ctx = contexts.get(project);
  if (!ctx) {
    const linkTypes = parseLinkTypes(project.config.cache.type);
    ctx = { project, cache: new ObjectCache(project.cacheDir), state: stateDbFor(project.stateDir), linkTypes, linker: new Linker(linkTypes) };
    contexts.set(project, ctx);
  }
  return ctx;
}
