import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerQuickstart } from './quickstart.js';

/** Every CLI command, one file each; each file only parses, calls a use-case and renders. */
export function registerCommands(program: Command): void {
  registerInit(program);
  registerQuickstart(program);
}
