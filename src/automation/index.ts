/** Automation: CI workflows that run Paddock's chain on every push. */
export { planWorkflow, DEFAULT_GATES, CI_SECRETS, type CiWorkflowOptions, type ResolvedCiOptions, type WorkflowPlan, type CiStep, type CiStage } from './ci-workflow/workflow-plan.js';
export { shellQuote, shellCommand } from './ci-workflow/shell-quote.js';
export { renderGithubActions, GITHUB_WORKFLOW_PATH } from './ci-workflow/github-actions.js';
export { renderGitlabCi, GITLAB_CI_PATH, GITLAB_STAGES } from './ci-workflow/gitlab-ci.js';
export { CI_PROVIDERS, parseCiProvider, ciWorkflowPath, renderCiWorkflow, writeCiWorkflow, type CiProvider, type WrittenCiWorkflow } from './ci-workflow/ci-workflow.js';
