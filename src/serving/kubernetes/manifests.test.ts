// Core kinds are validated with kubernetes-models (the Kubernetes OpenAPI schemas); the KServe
// InferenceService with ajv against an excerpt of KServe's CRD vendored under
// test/fixtures/schemas/kserve (see the README there for what was kept).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Deployment as K8sDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { isPaddockError } from '../../core/errors.js';
import type { Deployment } from '../deployment/deployment.js';
import { buildKubernetesManifests, kubernetesName, renderKubernetesYaml, type KubernetesManifest } from './manifests.js';

const CRD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/schemas/kserve/inferenceservice-v1beta1-predictor.yaml');
type Schema = { properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; items?: Schema; 'x-kubernetes-preserve-unknown-fields'?: boolean };
const isvcSchema = (parse(readFileSync(CRD, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } }).spec.versions[0]!.schema.openAPIV3Schema;

function kserveValidator(): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // The OpenAPI integer formats Kubernetes enforces; ajv does not know them.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  return ajv.compile(isvcSchema);
}
const validateIsvc = kserveValidator();

/** Fields the schema does not declare: the API server prunes them (or rejects them with strict field validation). */
function undeclared(value: unknown, schema: Schema, at = ''): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => undeclared(v, schema.items!, `${at}[${i}]`)) : [];
  if (typeof value !== 'object' || value === null || schema['x-kubernetes-preserve-unknown-fields']) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) out.push(...undeclared(v, sub, `${at}.${key}`));
    else if (schema.properties) out.push(`${at}.${key}`);
  }
  return out;
}

function expectValidIsvc(doc: unknown): void {
  const ok = validateIsvc(doc);
  expect(ok ? [] : validateIsvc.errors).toEqual([]);
  expect(undeclared(doc, isvcSchema)).toEqual([]);
}

const deployment: Deployment = {
  name: 'Churn_API.v2', model: 'churn', revision: 3, createdAt: 0, updatedAt: 0,
  policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] },
};

const byKind = (ms: readonly KubernetesManifest[], kind: string) => ms.find((m) => m.kind === kind) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('buildKubernetesManifests: Deployment, Service, HPA', () => {
  const manifests = buildKubernetesManifests(deployment, { image: 'registry.example/paddock:0.1.0', namespace: 'ml' });

  it('emits three objects that pass the Kubernetes OpenAPI schemas', () => {
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
    expect(() => new K8sDeployment(byKind(manifests, 'Deployment')).validate()).not.toThrow();
    expect(() => new Service(byKind(manifests, 'Service')).validate()).not.toThrow();
    expect(() => new HorizontalPodAutoscaler(byKind(manifests, 'HorizontalPodAutoscaler')).validate()).not.toThrow();
    for (const m of manifests) expect(m.metadata).toMatchObject({ name: 'churn-api-v2', namespace: 'ml', annotations: { 'paddock.dev/deployment': 'Churn_API.v2', 'paddock.dev/model': 'churn' } });
  });

  it('runs paddock serve for the deployment, statelessly, with secrets, probes, metrics and a non-root user', () => {
    const d = byKind(manifests, 'Deployment');
    const pod = d.spec.template;
    const c = pod.spec.containers[0];
    expect([...c.command, ...c.args]).toEqual(['paddock', 'serve', '--deployment', 'Churn_API.v2', '--host', '0.0.0.0', '--port', '8080']);
    expect(c.image).toBe('registry.example/paddock:0.1.0');
    expect(c.env[0]).toEqual({ name: 'PADDOCK_TRACKING_URI', valueFrom: { secretKeyRef: { name: 'paddock-metadata', key: 'uri' } } });
    expect(c.env.slice(1, 3)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: 'paddock-artifacts', key: k, optional: true } } })));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 8080 });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 8080 });
    expect(c.resources.requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(c.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.spec.volumes).toBeUndefined();
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    // The HPA owns the replica count.
    expect(d.spec.replicas).toBeUndefined();
  });

  it('wires Service → pods and HPA → Deployment by the same names and labels', () => {
    const d = byKind(manifests, 'Deployment');
    const svc = byKind(manifests, 'Service');
    const hpa = byKind(manifests, 'HorizontalPodAutoscaler');
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    const port = d.spec.template.spec.containers[0].ports.find((p: { name: string }) => p.name === svc.spec.ports[0].targetPort);
    expect([svc.spec.ports[0].port, port.containerPort]).toEqual([80, 8080]);
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
  });

  it('a fixed --replicas sets the Deployment and drops the HPA', () => {
    const ms = buildKubernetesManifests(deployment, { image: 'p:1', scaling: { kind: 'fixed', replicas: 3 } });
    expect(ms.map((m) => m.kind)).toEqual(['Deployment', 'Service']);
    expect(byKind(ms, 'Deployment').spec.replicas).toBe(3);
    expect(byKind(ms, 'Deployment').metadata.namespace).toBeUndefined();
  });

  it('the validators do reject a broken object', () => {
    const d = structuredClone(byKind(manifests, 'Deployment'));
    d.spec.replicas = 'two';
    expect(() => new K8sDeployment(d).validate()).toThrow(/replicas must be integer/);
    const hpa = structuredClone(byKind(manifests, 'HorizontalPodAutoscaler'));
    delete hpa.spec.maxReplicas;
    expect(() => new HorizontalPodAutoscaler(hpa).validate()).toThrow(/maxReplicas/);
  });
});

describe('buildKubernetesManifests --kserve', () => {
  const [isvc, ...rest] = buildKubernetesManifests(deployment, { image: 'p:1', kserve: true, scaling: { kind: 'auto', minReplicas: 1, maxReplicas: 4, cpuTarget: 60 } });
  const doc = isvc as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('is one InferenceService valid against KServe\'s CRD schema, with only declared fields', () => {
    expect(rest).toEqual([]);
    expect(doc).toMatchObject({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'churn-api-v2' } });
    expectValidIsvc(doc);
  });

  it('uses a custom predictor container running the same paddock serve command', () => {
    const p = doc.spec.predictor;
    expect(p.containers).toHaveLength(1);
    expect(p.containers[0]).toMatchObject({ name: 'kserve-container', image: 'p:1', command: ['paddock', 'serve'], ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(p.containers[0].args).toEqual(['--deployment', 'Churn_API.v2', '--host', '0.0.0.0', '--port', '8080']);
    expect(p.containers[0].readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(p).toMatchObject({ minReplicas: 1, maxReplicas: 4, autoScaling: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] } });
  });

  it('fixed replicas pin min and max', () => {
    const [fixed] = buildKubernetesManifests(deployment, { image: 'p:1', kserve: true, scaling: { kind: 'fixed', replicas: 2 } });
    expect(fixed!.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
    expect((fixed!.spec.predictor as Record<string, unknown>).autoScaling).toBeUndefined();
    expectValidIsvc(fixed);
  });

  it('the schema rejects wrong types, a missing predictor, int32 overflow and undeclared fields', () => {
    const bad = structuredClone(doc);
    bad.spec.predictor.containers[0].ports[0].containerPort = 'eighty';
    expect(validateIsvc(bad)).toBe(false);
    expect(validateIsvc.errors?.[0]?.instancePath).toBe('/spec/predictor/containers/0/ports/0/containerPort');
    expect(validateIsvc({ ...doc, spec: {} })).toBe(false);
    expect(validateIsvc.errors?.[0]?.params).toEqual({ missingProperty: 'predictor' });
    const big = structuredClone(doc);
    big.spec.predictor.maxReplicas = 2 ** 31;
    expect(validateIsvc(big)).toBe(false);
    const typo = structuredClone(doc);
    typo.spec.predictor.containers[0].readinesProbe = typo.spec.predictor.containers[0].readinessProbe;
    expect(undeclared(typo, isvcSchema)).toEqual(['.spec.predictor.containers[0].readinesProbe']);
  });
});

describe('names, options and YAML', () => {
  it('turns deployment names into DNS-1035 labels', () => {
    expect(kubernetesName('Churn_API.v2')).toBe('churn-api-v2');
    expect(kubernetesName('2fast')).toBe('paddock-2fast');
    const long = kubernetesName(`a${'-b'.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('rejects bad scaling with the flag named', () => {
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e; } return undefined; };
    const e1 = err(() => buildKubernetesManifests(deployment, { image: 'p', scaling: { kind: 'auto', minReplicas: 5, maxReplicas: 2, cpuTarget: 70 } }));
    expect(isPaddockError(e1, 'INVALID_ARGUMENT') && e1.message).toMatch(/--min-replicas \(5\) is above --max-replicas \(2\)/);
    const e2 = err(() => buildKubernetesManifests(deployment, { image: 'p', scaling: { kind: 'auto', minReplicas: 1, maxReplicas: 2, cpuTarget: 0 } }));
    expect(isPaddockError(e2, 'INVALID_ARGUMENT') && e2.message).toMatch(/--cpu-target must be a whole number from 1/);
    expect(isPaddockError(err(() => buildKubernetesManifests(deployment, { image: ' ' })), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('renders multi-document YAML that parses back to the same objects, with a Secrets header', () => {
    const manifests = buildKubernetesManifests(deployment, { image: 'p:1' });
    const text = renderKubernetesYaml(deployment, manifests);
    const docs = parseAllDocuments(text);
    expect(docs.map((d) => d.toJS())).toEqual(manifests);
    expect(text.startsWith('# Generated by `paddock deploy k8s Churn_API.v2`')).toBe(true);
    expect(text).toContain('kubectl create secret generic paddock-metadata --from-literal=uri=');
    expect(text).not.toMatch(/[&*]a\d/);
  });
});
