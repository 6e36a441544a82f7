import type { Command } from 'commander';
import { openMetadata } from '../../app.js';
import { fail } from '../../core/errors.js';
import { isRole, ROLES } from '../../http/auth/roles.js';
import { SqlTokenStore, type TokenInfo } from '../../http/auth/token-store.js';
import { commandOutput, commandProject } from '../context.js';
import { formatTable } from '../output.js';

/** Runs `fn` with the project's token store, closing the database afterwards. */
async function withTokens<T>(cmd: Command, fn: (tokens: SqlTokenStore) => Promise<T>): Promise<T> {
  const meta = await openMetadata(commandProject(cmd));
  try {
    return await fn(new SqlTokenStore(meta.db));
  } finally {
    await meta.close();
  }
}

function renderTime(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('manage bearer tokens for `paddock server --auth` (stored hashed; shown once)');

  tokens
    .command('create')
    .description('create a token and print it (it cannot be shown again)')
    .requiredOption('--role <role>', `what the token may do: ${ROLES.join(', ')}`)
    .option('--name <name>', 'a name to recognise it by (default token-<id>)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { role: string; name?: string }, cmd: Command) => {
      const out = commandOutput(cmd);
      if (!isRole(flags.role)) fail('INVALID_ARGUMENT', `--role must be one of ${ROLES.join(', ')} (got '${flags.role}')`, { field: 'role' });
      const role = flags.role;
      const created = await withTokens(cmd, (store) => store.create({ role, name: flags.name }));
      out.result({ token: created.token, ...created.info });
      out.line(`Created ${created.info.role} token '${created.info.name}' (${created.info.tokenId}):`);
      out.line();
      out.line(`  ${created.token}`);
      out.line();
      out.line('Store it now: only its hash is kept. Use it as `Authorization: Bearer <token>` or MLFLOW_TRACKING_TOKEN.');
    });

  tokens
    .command('list')
    .description('list tokens (names, roles, when created or revoked; never the secrets)')
    .option('--json', 'print the result as JSON')
    .action(async (_flags, cmd: Command) => {
      const out = commandOutput(cmd);
      const list: readonly TokenInfo[] = await withTokens(cmd, (store) => store.list());
      out.result(list);
      if (list.length === 0) {
        out.line('No tokens. Create one with `paddock tokens create --role writer`.');
        return;
      }
      out.line(formatTable(['ID', 'NAME', 'ROLE', 'CREATED', 'REVOKED'], list.map((t) => [t.tokenId, t.name, t.role, renderTime(t.createdAt), renderTime(t.revokedAt)])));
    });

  tokens
    .command('revoke')
    .description('revoke a token by id or name; requests with it are refused from then on')
    .argument('<token>', 'the token id or name (see `paddock tokens list`)')
    .option('--json', 'print the result as JSON')
    .action(async (idOrName: string, _flags, cmd: Command) => {
      const out = commandOutput(cmd);
      const info = await withTokens(cmd, (store) => store.revoke(idOrName));
      out.result(info);
      out.line(`Revoked token '${info.name}' (${info.tokenId}).`);
    });
}
