import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerAdd } from './add.js';
import { registerStatus } from './status.js';
import { registerCheckout } from './checkout.js';
import { registerGc } from './gc.js';
import { registerDiff } from './diff.js';
import { registerFsck } from './fsck.js';
import { registerDag } from './dag.js';
import { registerParams } from './params.js';
import { registerMetrics } from './metrics.js';
import { registerPlots } from './plots.js';
import { registerStage } from './stage.js';
import { registerRepro } from './repro.js';
import { registerPush } from './push.js';
import { registerFetch } from './fetch.js';
import { registerPull } from './pull.js';
import { registerRemote } from './remote.js';
import { registerQuickstart } from './quickstart.js';

/** Every CLI command, one file each; each file only parses, calls a use-case and renders. */
export function registerCommands(program: Command): void {
  registerInit(program);
  registerAdd(program);
  registerStatus(program);
  registerCheckout(program);
  registerGc(program);
  registerDiff(program);
  registerFsck(program);
  registerDag(program);
  registerParams(program);
  registerMetrics(program);
  registerPlots(program);
  registerStage(program);
  registerRepro(program);
  registerPush(program);
  registerFetch(program);
  registerPull(program);
  registerRemote(program);
  registerQuickstart(program);
}
