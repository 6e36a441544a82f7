/**
 * The OpenAPI 3.1 description of /api/v1, written by hand beside the routes; a test checks that
 * every route the server registers under /api/v1 is described here and nothing else is.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int64' };
const tags: Schema = { type: 'object', additionalProperties: str };
const double: Schema = { oneOf: [{ type: 'number' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }] };
const percent: Schema = { type: 'number', minimum: 0, maximum: 100 };
const fraction: Schema = { type: 'number', minimum: 0, maximum: 1 };
const page = (item: string): Schema => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(item) }, nextPageToken: str } });

function json(schema: Schema, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}
function body(schema: Schema) {
  return { required: true, content: { 'application/json': { schema } } };
}
function pathParam(name: string, schema: Schema = str) {
  return { name, in: 'path', required: true, schema };
}
function queryParam(name: string, schema: Schema, description?: string) {
  return { name, in: 'query', required: false, schema, ...(description ? { description } : {}) };
}
const errors = {
  '400': { $ref: '#/components/responses/Error' },
  '401': { $ref: '#/components/responses/Error' },
  '403': { $ref: '#/components/responses/Error' },
  '404': { $ref: '#/components/responses/Error' },
};
const noContent = { '204': { description: 'Done' }, ...errors };
/** Deployment writes: 409 on a duplicate name or a stale `expectedRevision`. */
const deploymentWrite = (status: '200' | '201' = '200') => ({ [status]: json(ref('Deployment'), status === '201' ? 'Created' : 'OK'), ...errors, '409': { $ref: '#/components/responses/Error' } });
const reasonAndRevision = { reason: { type: 'string', description: 'Recorded in the history (also accepted as the X-Paddock-Reason header)' }, expectedRevision: { type: 'integer', minimum: 1, description: 'Fail with 409 CONFLICT unless the deployment is still at this revision' } };
const searchParams = [queryParam('filter', str, 'MLflow filter syntax, plus `or` and parentheses'), queryParam('max_results', int), queryParam('order_by', { type: 'array', items: str }), queryParam('page_token', str)];

const schemas: Record<string, Schema> = {
  Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message', 'details'], properties: { code: str, message: str, details: { type: 'object' } } } } },
  Experiment: { type: 'object', properties: { experimentId: str, name: str, artifactLocation: str, lifecycleStage: { enum: ['active', 'deleted'] }, creationTime: int, lastUpdateTime: int, tags } },
  ExperimentColumns: { type: 'object', required: ['params', 'metrics', 'tags'], properties: { params: { type: 'array', items: str }, metrics: { type: 'array', items: str }, tags: { type: 'array', items: str } } },
  Metric: { type: 'object', required: ['key', 'value', 'timestamp', 'step'], properties: { key: str, value: double, timestamp: int, step: int } },
  RunInfo: { type: 'object', properties: { runId: str, experimentId: str, runName: str, userId: str, status: { enum: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] }, startTime: int, endTime: int, artifactUri: str, lifecycleStage: { enum: ['active', 'deleted'] } } },
  Run: { type: 'object', properties: { info: ref('RunInfo'), data: { type: 'object', properties: { metrics: { type: 'array', items: ref('Metric') }, params: { type: 'array', items: { type: 'object', properties: { key: str, value: str } } }, tags } }, inputs: { type: 'array', items: { type: 'object' } } } },
  MetricSeries: { type: 'object', required: ['key', 'points', 'steps', 'timestamps', 'values'], properties: { key: str, points: { type: 'integer' }, steps: { type: 'array', items: { type: 'number' } }, timestamps: { type: 'array', items: { type: 'number' } }, values: { type: 'array', items: double } } },
  ModelVersion: { type: 'object', properties: { name: str, version: { type: 'integer' }, creationTimestamp: int, lastUpdatedTimestamp: int, description: str, source: str, runId: str, status: { enum: ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] }, tags, aliases: { type: 'array', items: str }, signature: str } },
  RegisteredModel: { type: 'object', properties: { name: str, creationTimestamp: int, lastUpdatedTimestamp: int, description: str, tags, aliases: { type: 'object', additionalProperties: { type: 'integer' } }, latestVersion: ref('ModelVersion') } },
  Lineage: { type: 'object', required: ['model', 'version', 'params', 'metrics', 'inputs'], properties: { model: str, version: { type: 'integer' }, runId: str, experimentId: str, params: tags, metrics: { type: 'object', additionalProperties: { type: 'number' } }, inputs: { type: 'array', items: { type: 'object', properties: { name: str, digest: str, source: str } } }, gitCommit: str, gitDirty: { type: 'boolean' }, stage: str, runMissing: { type: 'boolean' } } },
  PipelineStage: { type: 'object', required: ['name', 'file', 'cmd', 'deps', 'params', 'outs', 'frozen', 'state', 'lastRun', 'reasons'], properties: { name: str, file: str, desc: str, cmd: { type: 'array', items: str }, deps: { type: 'array', items: str }, params: { type: 'array', items: str }, outs: { type: 'array', items: { type: 'object', properties: { path: str, kind: { enum: ['outs', 'metrics', 'plots'] } } } }, frozen: { type: 'boolean' }, state: { enum: ['up to date', 'changed', 'running', 'failed'] }, lastRun: { enum: ['never run', 'running', 'finished', 'failed'] }, reasons: { type: 'array', items: str } } },
  Pipeline: { type: 'object', required: ['stages', 'edges'], properties: { stages: { type: 'array', items: ref('PipelineStage') }, edges: { type: 'array', items: { type: 'object', required: ['from', 'to'], properties: { from: str, to: str } } } } },
  StageLog: { type: 'object', required: ['stage', 'state', 'text', 'truncated', 'size'], properties: { stage: str, state: { enum: ['never run', 'running', 'finished', 'failed'] }, text: str, truncated: { type: 'boolean' }, size: { type: 'integer' }, modified: { type: 'number' } } },
  DataItem: { type: 'object', required: ['path', 'source', 'file', 'isDir'], properties: { path: str, source: { enum: ['dvc', 'pipeline'] }, file: str, stage: str, md5: str, size: { type: 'integer' }, nfiles: { type: 'integer' }, isDir: { type: 'boolean' } } },
  DataRevision: { type: 'object', properties: { commit: { ...str, description: 'Absent for the uncommitted workspace' }, time: int, author: str, subject: str, md5: str, size: { type: 'integer' }, nfiles: { type: 'integer' } } },
  ValidationSummary: { type: 'object', required: ['runId', 'data', 'md5', 'passed', 'time'], properties: { runId: str, data: str, md5: str, passed: { type: 'boolean' }, rows: { type: 'integer' }, checks: { type: 'integer' }, errors: { type: 'integer' }, warnings: { type: 'integer' }, time: int, report: str } },
  Whoami: { type: 'object', required: ['auth', 'name', 'role'], properties: { auth: { type: 'boolean' }, name: str, role: { enum: ['reader', 'writer', 'admin'] } } },
  Approval: { type: 'object', required: ['model', 'version', 'approver', 'timestamp'], properties: { model: str, version: { type: 'integer' }, approver: str, reason: str, timestamp: int } },
  AuditEvent: { type: 'object', properties: { id: { type: 'integer' }, model: str, action: str, version: { type: 'integer' }, alias: str, from: str, to: str, deployment: str, actor: str, reason: str, timestamp: int } },
  TrafficPolicy: {
    type: 'object', required: ['stable', 'candidates'],
    properties: {
      stable: { type: 'string', description: 'The registry version that answers every request no candidate takes' },
      candidates: { type: 'array', items: { type: 'object', required: ['version', 'weight'], properties: { version: str, weight: percent } }, description: 'Weighted canaries; the weights sum to at most 100' },
      mirror: { type: 'object', required: ['version', 'percent'], properties: { version: str, percent }, description: 'A percent of requests copied to this version; its answers are logged, never returned' },
      sticky: { oneOf: [{ type: 'object', required: ['header'], properties: { header: str } }, { type: 'object', required: ['column'], properties: { column: str } }], description: 'Keep one caller on one version by a header or an input column' },
    },
  },
  AnalysisConfig: {
    type: 'object', additionalProperties: false,
    description: 'Automatic canary analysis; fields left out take the defaults (on PATCH: the current values)',
    properties: {
      intervalSeconds: { type: 'number', exclusiveMinimum: 0 }, stepWeights: { type: 'array', items: percent }, threshold: { type: 'integer', minimum: 1 }, minSamples: { type: 'integer', minimum: 0 },
      successRate: fraction, p99LatencyMs: { type: 'number', exclusiveMinimum: 0 }, noData: { enum: ['hold', 'fail', 'pass'] },
      minAgreement: fraction, maxMeanAbsDelta: { type: 'number', minimum: 0 }, maxLabelShift: fraction,
    },
  },
  Deployment: { type: 'object', required: ['name', 'model', 'policy', 'revision', 'createdAt', 'updatedAt'], properties: { name: str, model: str, policy: ref('TrafficPolicy'), analysis: ref('AnalysisConfig'), revision: { type: 'integer' }, createdAt: int, updatedAt: int } },
  DeploymentEvent: {
    type: 'object', required: ['deployment', 'revision', 'at', 'kind', 'actor', 'to'],
    properties: { deployment: str, revision: { type: 'integer' }, at: int, kind: { enum: ['created', 'set', 'step', 'promoted', 'rolled-back', 'analysis', 'deleted'] }, actor: str, reason: str, from: ref('TrafficPolicy'), to: ref('TrafficPolicy') },
  },
  LogBatch: { type: 'object', properties: { metrics: { type: 'array', items: ref('Metric') }, params: { type: 'array', items: { type: 'object', required: ['key', 'value'], properties: { key: str, value: str } } }, tags: { type: 'array', items: { type: 'object', required: ['key', 'value'], properties: { key: str, value: str } } } } },
};

const paths: Record<string, Record<string, unknown>> = {
  '/api/v1/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }) } } },
  '/api/v1/whoami': { get: { summary: "The caller's token name and role ({ auth: false, role: admin } with auth off)", responses: { '200': json(ref('Whoami')), ...errors } } },
  '/api/v1/experiments': {
    get: { summary: 'Search experiments', parameters: [...searchParams, queryParam('view_type', { enum: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] })], responses: { '200': json(page('Experiment')), ...errors } },
    post: { summary: 'Create an experiment', requestBody: body({ type: 'object', required: ['name'], properties: { name: str, artifactLocation: str, tags } }), responses: { '201': json(ref('Experiment'), 'Created'), ...errors } },
  },
  '/api/v1/experiments/{id}': {
    get: { summary: 'Get an experiment', parameters: [pathParam('id')], responses: { '200': json(ref('Experiment')), ...errors } },
    patch: { summary: 'Rename an experiment', parameters: [pathParam('id')], requestBody: body({ type: 'object', required: ['name'], properties: { name: str } }), responses: { '200': json(ref('Experiment')), ...errors } },
    delete: { summary: 'Soft-delete an experiment and its runs (admin)', parameters: [pathParam('id')], responses: noContent },
  },
  '/api/v1/experiments/{id}/columns': {
    get: { summary: "Every param, metric and tag key used by the experiment's active runs, each sorted (the runs table's choosable columns)", parameters: [pathParam('id')], responses: { '200': json(ref('ExperimentColumns')), ...errors } },
  },
  '/api/v1/experiments/{id}/restore': {
    post: { summary: 'Restore a soft-deleted experiment with the runs deleted with it', parameters: [pathParam('id')], responses: { '200': json(ref('Experiment')), ...errors } },
  },
  '/api/v1/experiments/{id}/purge': {
    post: { summary: 'Permanently delete a soft-deleted experiment and its runs, freeing its name (admin)', parameters: [pathParam('id')], responses: noContent },
  },
  '/api/v1/runs': {
    post: { summary: 'Create a run', requestBody: body({ type: 'object', required: ['experimentId'], properties: { experimentId: str, runName: str, userId: str, startTime: int, tags, parentRunId: str } }), responses: { '201': json(ref('Run'), 'Created'), ...errors } },
  },
  '/api/v1/runs/search': {
    post: { summary: 'Search runs', requestBody: body({ type: 'object', required: ['experimentIds'], properties: { experimentIds: { type: 'array', items: str }, filter: str, viewType: { enum: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] }, maxResults: { type: 'integer', maximum: 50000 }, orderBy: { type: 'array', items: str }, pageToken: str } }), responses: { '200': json(page('Run')), ...errors } },
  },
  '/api/v1/runs/{id}': {
    get: { summary: 'Get a run with its latest metrics, params, tags and inputs', parameters: [pathParam('id')], responses: { '200': json(ref('Run')), ...errors } },
    patch: { summary: 'Update status, end time or name', parameters: [pathParam('id')], requestBody: body({ type: 'object', properties: { status: { enum: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] }, endTime: int, runName: str } }), responses: { '200': json(ref('RunInfo')), ...errors } },
    delete: { summary: 'Soft-delete a run', parameters: [pathParam('id')], responses: noContent },
  },
  '/api/v1/runs/{id}/log-batch': {
    post: { summary: 'Log metrics, params and tags atomically (bounded by server.max_batch_metrics)', parameters: [pathParam('id')], requestBody: body(ref('LogBatch')), responses: noContent },
  },
  '/api/v1/runs/{id}/metrics/{key}': {
    get: {
      summary: 'A metric series in columns',
      description: 'JSON arrays by default; `format=f64` answers application/octet-stream: three little-endian float64 blocks (steps, timestamps, values) of X-Paddock-Points values each. `max_points` downsamples server-side for charts: the points are split into max_points/2 equal buckets and each keeps its lowest and highest value, so spikes survive; the first and last points are always kept.',
      parameters: [pathParam('id'), pathParam('key'), queryParam('max_points', { type: 'integer', minimum: 1 }, 'At most this many points (min/max per bucket, first and last kept)'), queryParam('format', { enum: ['json', 'f64'] })],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref('MetricSeries') }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors },
    },
    post: { summary: 'Append points given as columns', parameters: [pathParam('id'), pathParam('key')], requestBody: body({ type: 'object', required: ['timestamps', 'values'], properties: { steps: { type: 'array', items: int }, timestamps: { type: 'array', items: int }, values: { type: 'array', items: double } } }), responses: { ...noContent, '413': { $ref: '#/components/responses/Error' } } },
  },
  '/api/v1/runs/{id}/artifacts': {
    get: { summary: "The immediate children of `path` (default the root) among the run's artifacts, wherever its artifact URI points", parameters: [pathParam('id'), queryParam('path', str, 'A directory relative to the run root')], responses: { '200': json({ type: 'object', required: ['path', 'files'], properties: { path: str, files: { type: 'array', items: { type: 'object', required: ['path', 'isDir'], properties: { path: str, isDir: { type: 'boolean' }, size: { type: 'integer' } } } } } }), ...errors } },
  },
  '/api/v1/runs/{id}/artifacts/content': {
    get: { summary: "One artifact's bytes, as an application/octet-stream attachment (never rendered by the browser as this origin's HTML)", parameters: [pathParam('id'), { ...queryParam('path', str, 'The file relative to the run root'), required: true }], responses: { '200': { description: 'OK', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors } },
  },
  '/api/v1/models': {
    get: { summary: 'Search registered models', parameters: searchParams, responses: { '200': json(page('RegisteredModel')), ...errors } },
  },
  '/api/v1/models/{name}': {
    get: { summary: 'Get a registered model', parameters: [pathParam('name')], responses: { '200': json(ref('RegisteredModel')), ...errors } },
  },
  '/api/v1/models/{name}/versions/{version}': {
    get: { summary: 'Get a model version', parameters: [pathParam('name'), pathParam('version', { type: 'integer' })], responses: { '200': json(ref('ModelVersion')), ...errors } },
  },
  '/api/v1/models/{name}/audit': {
    get: { summary: "The model's audit log, oldest first", parameters: [pathParam('name')], responses: { '200': json({ type: 'object', properties: { events: { type: 'array', items: ref('AuditEvent') } } }), ...errors } },
  },
  '/api/v1/models/{name}/versions': {
    get: { summary: "A model's versions, newest first", parameters: [pathParam('name'), queryParam('max_results', { type: 'integer', minimum: 1, maximum: 1000 }, 'Default 100'), queryParam('page_token', str)], responses: { '200': json(page('ModelVersion')), ...errors } },
  },
  '/api/v1/models/{name}/versions/{version}/lineage': {
    get: { summary: "A version's origin: its run, params, final metrics, data inputs (name, md5, source), git commit and pipeline stage", parameters: [pathParam('name'), pathParam('version', { type: 'integer' })], responses: { '200': json(ref('Lineage')), ...errors } },
  },
  '/api/v1/pipeline': {
    get: { summary: "The project's pipeline (dvc.yaml): stages with deps, params, outs and status (up to date, changed, running, failed), and the DAG's edges", responses: { '200': json(ref('Pipeline')), ...errors } },
  },
  '/api/v1/pipeline/stages/{name}/log': {
    get: { summary: "The log of a stage's last run (.paddock/logs), its last 256 KiB", parameters: [pathParam('name')], responses: { '200': json(ref('StageLog')), ...errors } },
  },
  '/api/v1/data': {
    get: { summary: 'Tracked data in the workspace: outputs of .dvc pointer files and pipeline outputs recorded in dvc.lock, with md5, size and file count', responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('DataItem') } } }), ...errors } },
  },
  '/api/v1/data/history': {
    get: { summary: 'The versions of one data path across git commits of its pointer file (or dvc.lock), newest first; the workspace first when it differs from the last commit', parameters: [{ ...queryParam('path', str, 'The data path relative to the project root'), required: true }], responses: { '200': json({ type: 'object', required: ['item', 'git', 'revisions'], properties: { item: ref('DataItem'), git: { type: 'boolean' }, revisions: { type: 'array', items: ref('DataRevision') } } }), ...errors } },
  },
  '/api/v1/data/validations': {
    get: { summary: 'Recorded `paddock validate` outcomes, newest first, with the HTML report a pipeline stage writes for the file', parameters: [queryParam('path', str, 'Only validations of this data file')], responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('ValidationSummary') } } }), ...errors } },
  },
  '/api/v1/data/validations/report': {
    get: { summary: 'A validation HTML report a pipeline stage writes (`paddock validate … --html <file>`), as text', parameters: [{ ...queryParam('path', str, 'The report path relative to the project root'), required: true }], responses: { '200': json({ type: 'object', required: ['path', 'html', 'size', 'modified'], properties: { path: str, html: str, size: { type: 'integer' }, modified: { type: 'number' } } }), ...errors } },
  },
  '/api/v1/models/{name}/versions/{version}/approvals': {
    get: { summary: "A version's approvals (`paddock approvals`), oldest first", parameters: [pathParam('name'), pathParam('version')], responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Approval') } } }), ...errors } },
    post: {
      summary: "Approve a version for promotion as the calling token (writer; `paddock approve`); one approval per person per version (409 on a second)",
      parameters: [pathParam('name'), pathParam('version')],
      requestBody: body({ type: 'object', additionalProperties: false, properties: { reason: str } }),
      responses: { '201': json(ref('Approval')), ...errors },
    },
  },
  '/api/v1/models/{name}/approvals': {
    get: { summary: "Every approval of the model's versions, oldest first", parameters: [pathParam('name')], responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Approval') } } }), ...errors } },
  },
  '/api/v1/models/{name}/aliases/{alias}': {
    get: { summary: 'The version an alias points to', parameters: [pathParam('name'), pathParam('alias')], responses: { '200': json(ref('ModelVersion')), ...errors } },
    put: { summary: 'Point an alias at a version (admin)', parameters: [pathParam('name'), pathParam('alias')], requestBody: body({ type: 'object', required: ['version'], properties: { version: { type: 'integer' } } }), responses: { '200': json(ref('ModelVersion')), ...errors } },
    delete: { summary: 'Remove an alias (admin)', parameters: [pathParam('name'), pathParam('alias')], responses: noContent },
  },
  '/api/v1/deployments': {
    get: { summary: 'Every deployment, by name', responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Deployment') } } }), ...errors } },
    post: {
      summary: 'Create a deployment of a registered model (`paddock deploy create`)',
      requestBody: body({ type: 'object', required: ['name', 'model', 'policy'], additionalProperties: false, properties: { name: str, model: str, policy: ref('TrafficPolicy'), analysis: ref('AnalysisConfig'), reason: reasonAndRevision.reason } }),
      responses: deploymentWrite('201'),
    },
  },
  '/api/v1/deployments/{name}': {
    get: { summary: 'Get a deployment: policy, analysis, revision, timestamps', parameters: [pathParam('name')], responses: { '200': json(ref('Deployment')), ...errors } },
    patch: {
      summary: 'Change the stable version, candidates, mirror, sticky key or analysis; what is left out is kept (`paddock deploy set`)',
      parameters: [pathParam('name')],
      requestBody: body({
        type: 'object', additionalProperties: false,
        properties: {
          stable: str,
          candidates: { type: 'array', items: { type: 'object', required: ['version', 'weight'], properties: { version: str, weight: percent } } },
          mirror: { oneOf: [{ type: 'object', required: ['version', 'percent'], properties: { version: str, percent } }, { type: 'null' }], description: 'null stops mirroring' },
          sticky: { oneOf: [{ type: 'object', properties: { header: str, column: str } }, { type: 'null' }], description: 'null stops sticky routing' },
          analysis: { oneOf: [ref('AnalysisConfig'), { type: 'null' }], description: 'The fields given over the current analysis; null stops it' },
          ...reasonAndRevision,
        },
      }),
      responses: deploymentWrite(),
    },
    delete: { summary: 'Delete a deployment; its history is kept (admin)', parameters: [pathParam('name')], requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { reason: reasonAndRevision.reason } } } } }, responses: noContent },
  },
  '/api/v1/deployments/{name}/promote': {
    post: { summary: 'The first candidate becomes stable and takes all traffic', parameters: [pathParam('name')], requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: reasonAndRevision } } } }, responses: deploymentWrite() },
  },
  '/api/v1/deployments/{name}/rollback': {
    post: { summary: 'All traffic back to the previous stable version (or drop the candidates if stable never changed)', parameters: [pathParam('name')], requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: reasonAndRevision } } } }, responses: deploymentWrite() },
  },
  '/api/v1/deployments/{name}/labels': {
    post: {
      summary: "Ground truth for logged predictions, joined by request id (and row) or by the key column's value, to predictions made within monitoring.labels.join_window_hours before each label (writer)",
      parameters: [pathParam('name')],
      requestBody: body({
        type: 'object', required: ['labels'], additionalProperties: false,
        properties: {
          labels: {
            type: 'array', minItems: 1,
            items: {
              type: 'object', required: ['label'], additionalProperties: false,
              properties: {
                request_id: { ...str, description: "The prediction's x-request-id" },
                row: { type: 'integer', minimum: 0, description: 'The row of a multi-row request (default: every row)' },
                key: { oneOf: [str, { type: 'number' }], description: "The key column's value (when there is no request id)" },
                label: { description: 'The ground truth (any JSON value)' },
                at: { oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }], description: 'When the label became known (default: now); ms since the epoch or ISO 8601' },
              },
            },
          },
          key_column: { ...str, description: 'The input column keys name (default monitoring.labels.key_column)' },
        },
      }),
      responses: { '200': json({ type: 'object', required: ['matched', 'unmatched'], properties: { matched: { type: 'integer' }, unmatched: { type: 'integer' } } }), ...errors },
    },
  },
  '/api/v1/deployments/{name}/history': {
    get: { summary: "Every change to the deployment, oldest first: who, when, what and why", parameters: [pathParam('name')], responses: { '200': json({ type: 'object', required: ['events'], properties: { events: { type: 'array', items: ref('DeploymentEvent') } } }), ...errors } },
  },
  '/api/v1/deployments/{name}/stats': {
    get: {
      summary: 'Recent traffic per variant (stable, canary, shadow): requests/s, error rate, latency, shadow agreement',
      description: 'Live from this server when it serves the deployment (`paddock server --deployment`); otherwise from the prediction log, which records answered requests only: `errors` and `errorRate` are then null and `notes` says why.',
      parameters: [pathParam('name'), queryParam('window', str, 'How far back, e.g. 60s, 5m, 1h (default 60s, at most 1h)')],
      responses: { '200': json({ type: 'object', required: ['deployment', 'since', 'until', 'windowMs', 'source', 'notes', 'variants', 'shadow'], properties: { deployment: str, since: int, until: int, windowMs: int, source: { enum: ['serving', 'prediction-log', 'none'] }, notes: { type: 'array', items: str }, variants: { type: 'array', items: { type: 'object', required: ['variant', 'version', 'percent', 'requests', 'requestsPerSecond'], properties: { variant: str, version: str, percent, requests: { type: 'integer' }, requestsPerSecond: { type: 'number' }, errors: { type: ['integer', 'null'] }, errorRate: { type: ['number', 'null'] }, p50Ms: { type: ['number', 'null'] }, p99Ms: { type: ['number', 'null'] } } } }, shadow: { type: ['object', 'null'], properties: { version: str, requests: { type: 'integer' }, errors: { type: 'integer' }, rows: { type: 'integer' }, agreement: fraction, meanAbsDelta: { type: ['number', 'null'] } } } } }), ...errors },
    },
  },
  '/api/v1/deployments/{name}/monitoring': {
    get: {
      summary: "Windows of the deployment's traffic against its stable version's reference profile: drift per column (histograms in the newest window with rows), realized and estimated performance, latency, alerts (recorded and from the rules)",
      parameters: [pathParam('name'), queryParam('window', str, "One window, e.g. 1h, 1d (default the project's monitoring.window, else 1h)"), queryParam('windows', { type: 'integer', minimum: 1, maximum: 200 }, 'How many windows, ending at until (default 24; under 1h windows 60, at most a day of them)'), queryParam('until', str, 'End of the last window: ISO 8601 or ms since the epoch (default now)'), queryParam('version', str, "Only this version's predictions")],
      responses: { '200': json({ type: 'object', required: ['deployment', 'window', 'windowMs', 'windows', 'alerts', 'model', 'stable', 'reference'], properties: { deployment: str, window: str, windowMs: int, model: str, stable: str, windows: { type: 'array', items: { type: 'object' } }, alerts: { type: 'array', items: { type: 'object' } }, reference: { type: 'object' } } }), ...errors },
    },
  },
  '/api/v1/alerts': {
    get: { summary: 'Alerts as they fired and cleared, newest first, each with the numbers that made it', parameters: [queryParam('deployment', str), queryParam('rule', str), queryParam('since', str, 'ISO 8601 or ms since the epoch'), queryParam('limit', { type: 'integer', minimum: 1, maximum: 1000 })], responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } }), ...errors } },
  },
  '/api/v1/retrainings': {
    get: { summary: 'Retrainings, newest first, each with its chain of causes: alert → trigger → data → run → evaluation → canary → promotion', parameters: [queryParam('model', str), queryParam('pipeline', str), queryParam('limit', { type: 'integer', minimum: 1, maximum: 200 })], responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } }), ...errors } },
  },
};

/** The document served at /api/v1/openapi.json. */
export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Paddock API', version: '1', description: "Paddock's own REST API. MLflow's REST API is served beside it under /api/2.0/mlflow." },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths,
  components: {
    schemas,
    responses: { Error: json(ref('Error'), 'Error: `{error:{code,message,details}}` with the catalogue code (docs/errors.md)') },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Only with `paddock server --auth`; create tokens with `paddock tokens create`.' } },
  },
} as const;
