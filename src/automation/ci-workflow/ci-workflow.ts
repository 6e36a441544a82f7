import { existsSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { GITHUB_WORKFLOW_PATH, renderGithubActions } from './github-actions.js';
import { GITLAB_CI_PATH, renderGitlabCi } from './gitlab-ci.js';
import { planWorkflow, type CiWorkflowOptions, type WorkflowPlan } from './workflow-plan.js';

/** The CI systems Paddock writes workflows for. */
export const CI_PROVIDERS = ['github', 'gitlab'] as const;

/** One of {@link CI_PROVIDERS}. */
export type CiProvider = (typeof CI_PROVIDERS)[number];

const TARGETS: Readonly<Record<CiProvider, { readonly path: string; readonly render: (plan: WorkflowPlan) => string }>> = {
  github: { path: GITHUB_WORKFLOW_PATH, render: renderGithubActions },
  gitlab: { path: GITLAB_CI_PATH, render: renderGitlabCi },
};

/** Checks a provider name from the command line. */
export function parseCiProvider(value: string): CiProvider {
  const provider = CI_PROVIDERS.find((p) => p === value.toLowerCase());
  return provider ?? fail('INVALID_ARGUMENT', `unknown CI provider '${value}': use one of ${CI_PROVIDERS.join(', ')}`, { provider: value, valid: [...CI_PROVIDERS] });
}

/** The file a provider's workflow goes to, relative to the repository root. */
export function ciWorkflowPath(provider: CiProvider): string {
  return TARGETS[provider].path;
}

/** The workflow file's text for a provider. */
export function renderCiWorkflow(provider: CiProvider, options: CiWorkflowOptions): string {
  return TARGETS[provider].render(planWorkflow(options));
}

/** What {@link writeCiWorkflow} wrote. */
export interface WrittenCiWorkflow {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly provider: CiProvider;
}

/**
 * Writes the provider's workflow under `root`, atomically. An existing file is kept
 * (ALREADY_EXISTS) unless `force`, since it may hold the user's own edits.
 */
export async function writeCiWorkflow(root: string, provider: CiProvider, options: CiWorkflowOptions, write: { readonly force?: boolean } = {}): Promise<WrittenCiWorkflow> {
  const relative = ciWorkflowPath(provider);
  const text = renderCiWorkflow(provider, options);
  const target = path.join(root, relative);
  if (!write.force && existsSync(target)) {
    fail('ALREADY_EXISTS', `${relative} already exists: pass --force to overwrite it, or --print to see the new version first`, { path: relative });
  }
  await writeFileAtomic(target, text);
  return { path: relative, provider };
}
