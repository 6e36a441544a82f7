/** `paddock audit`: the chain of evidence behind each version serving production. */
export { auditChain, type AuditChainDeps, type AuditReport, type VersionChain, type TriggerRecord, type TriggerSource, type RunLink, type DeploymentStep } from './audit-chain.js';
export { auditLines, when, type ChainLine } from './audit-text.js';
export { renderAuditHtml } from './audit-html.js';
