/** The search-filter language: AST, parsers, in-memory evaluator and ordering. */
export type * from './ast.js';
export type { FilterSubject } from './evaluate.js';
export { matchesFilter } from './evaluate.js';
export { sqlLike } from './like.js';
export { parseRunFilter, parseExperimentFilter, parseModelFilter, parseModelVersionFilter } from './parse-filter.js';
export { parseOrderBy, parseExperimentOrderBy, parseModelOrderBy, parseModelVersionOrderBy } from './parse-order-by.js';
export {
  runFilterSubject,
  experimentFilterSubject,
  modelFilterSubject,
  modelVersionFilterSubject,
  compareByOrder,
} from './subjects.js';
