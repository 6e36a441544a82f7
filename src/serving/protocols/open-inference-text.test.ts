import { describe, expect, it } from 'vitest';
import { decodeInferRequest } from './open-inference.js';
import { decodeOneRowText } from './open-inference-text.js';
import { prng } from '../../test-support/prng.js';
import { flightsManifest } from './test-manifests.js';

/**
 * decodeOneRowText against its reference, JSON.parse then decodeInferRequest, over generated
 * texts: whatever it decodes must equal the reference's rows exactly (values with Object.is, keys
 * in order), whatever it rejects must be the reference's error, and it may only pass (undefined)
 * on the rest. Canonical one-row requests must all be read by it.
 */
const manifest = flightsManifest();

/** A seeded generator, so a failure names its case. */
const random = prng;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Some JSON whitespace (often none). */
const space = (r: Rand): string => (r() < 0.6 ? '' : Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, [' ', '\n', '\t', '\r'])).join(''));

/** A number as text, in one of the ways JSON can write it (or a few it cannot). */
function numberText(r: Rand, whole: boolean): string {
  const n = whole ? pick(r, [0, 1, 17, 740, -3, 2 ** 53 - 1, 2 ** 53 + 2, 123456789012345, 1234567890123456]) : pick(r, [0.5, 740.25, -1e-7, 1e21, 3.14159, 5e-324]);
  const plain = JSON.stringify(n);
  return r() < 0.75 ? plain : pick(r, [`${plain}.0`, `${n}e0`, `${n}E+00`, '-0', '00', '1.', '.5', '+1', '1e', `${plain}0`]);
}

/** A BYTES element: mostly plain, sometimes with characters JSON escapes. */
const stringText = (r: Rand): string => JSON.stringify(r() < 0.7 ? pick(r, ['ORD', 'ATL', 'São Paulo', '🛫']) : pick(r, ['a"b', 'back\\slash', 'tab\there', '\u0001', '', 'ÖRD']));

interface Tensor {
  name: string;
  members: [string, string][];
}

/** One input tensor's members as text, for a column of the flights manifest. */
function tensor(r: Rand, name: string): Tensor {
  const datatype = name === 'origin' ? 'BYTES' : r() < 0.8 ? (name === 'distance' ? 'FP64' : 'INT64') : pick(r, ['FP32', 'INT32', 'FP64', 'INT64', 'BOOL']);
  const element = name === 'origin' ? stringText(r) : numberText(r, name !== 'distance' || r() < 0.5);
  return {
    name,
    members: [
      ['"name"', JSON.stringify(name)],
      ['"shape"', `[${space(r)}1${space(r)}]`],
      ['"datatype"', JSON.stringify(datatype)],
      ['"data"', `[${space(r)}${element}${space(r)}]`],
    ],
  };
}

const object = (r: Rand, members: readonly [string, string][]): string =>
  `{${space(r)}${members.map(([k, v]) => `${k}${space(r)}:${space(r)}${v}`).join(`${space(r)},${space(r)}`)}${space(r)}}`;

function shuffle<T>(r: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** One request text, well formed or broken in one of the ways clients break them. */
function requestText(r: Rand): string {
  const names = shuffle(r, ['hour', 'weekday', 'distance', 'origin']);
  const tensors = names.map((n) => tensor(r, n));
  const mutation = r() < 0.5 ? 'none' : pick(r, ['drop-input', 'repeat-input', 'drop-member', 'repeat-member', 'extra-member', 'shape-2', 'two-elements', 'nested', 'true', 'null', 'parameters', 'outputs', 'unknown-input', 'escaped-key', 'garbage', 'truncate', 'id-number']);
  if (mutation === 'drop-input') tensors.pop();
  if (mutation === 'repeat-input') tensors.push(tensors[0]!);
  if (mutation === 'unknown-input') tensors[0]!.members[0] = ['"name"', '"minute"'];
  const t = tensors[0]!;
  if (mutation === 'drop-member') t.members.splice(Math.floor(r() * 4), 1);
  if (mutation === 'repeat-member') t.members.push(t.members[Math.floor(r() * 4)]!);
  if (mutation === 'extra-member') t.members.push(['"parameters"', '{}']);
  if (mutation === 'shape-2') t.members[1] = ['"shape"', '[2]'];
  if (mutation === 'two-elements') t.members[3] = ['"data"', `[${t.members[3]![1].slice(1, -1)}, ${t.members[3]![1].slice(1, -1)}]`];
  if (mutation === 'nested') t.members[3] = ['"data"', `[${t.members[3]![1]}]`];
  if (mutation === 'true') t.members[3] = ['"data"', '[true]'];
  if (mutation === 'null') t.members[3] = ['"data"', '[null]'];
  if (mutation === 'escaped-key') t.members[0] = ['"n\\u0061me"', t.members[0]![1]];
  const body: [string, string][] = [['"inputs"', `[${space(r)}${tensors.map((x) => object(r, shuffle(r, x.members))).join(`${space(r)},${space(r)}`)}${space(r)}]`]];
  if (r() < 0.5) body.push(['"id"', mutation === 'id-number' ? '42' : JSON.stringify(pick(r, ['req-1', 'a"quoted"id', '']))]);
  if (mutation === 'parameters') body.push(['"parameters"', '{"trace": true}']);
  if (mutation === 'outputs') body.push(['"outputs"', '[{"name": "label"}]']);
  let text = space(r) + object(r, shuffle(r, body)) + space(r);
  if (mutation === 'garbage') text += pick(r, ['x', '}', ',', '{}']);
  if (mutation === 'truncate') text = text.slice(0, Math.floor(r() * text.length));
  return text;
}

/** The reference: what JSON.parse then decodeInferRequest give, or the message they fail with. */
function reference(text: string): { value?: unknown; error?: string } {
  try {
    return { value: decodeInferRequest(JSON.parse(text), manifest) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Rows with their keys in order and numbers told apart by Object.is (-0, 2^53 + 2). */
const exact = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '-0' : typeof x === 'bigint' ? `${x}n` : x));

describe('decodeOneRowText', () => {
  it('gives what JSON.parse and decodeInferRequest give, or passes, on 20,000 generated requests', () => {
    let read = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const text = requestText(random(seed));
      let got: unknown;
      let thrown: string | undefined;
      try {
        got = decodeOneRowText(text, manifest);
      } catch (err) {
        thrown = (err as Error).message;
      }
      if (got === undefined && thrown === undefined) continue;
      read++;
      const want = reference(text);
      if (thrown !== undefined) expect(thrown, `seed ${seed}: ${text}`).toBe(want.error);
      else expect(exact(got), `seed ${seed}: ${text}`).toBe(exact(want.value));
    }
    // The well-formed half with plain values is read here, not passed on.
    expect(read).toBeGreaterThan(2_000);
  });

  it('reads every canonical one-row request (JSON.stringify of the tensors)', () => {
    const r = random(7);
    for (let i = 0; i < 500; i++) {
      const row = { hour: Math.floor(r() * 24), weekday: 1 + Math.floor(r() * 7), distance: Math.round(r() * 3000 * 100) / 100, origin: pick(r, ['ORD', 'ATL', 'São Paulo']) };
      const body = {
        ...(r() < 0.5 && { id: `req-${i}` }),
        inputs: [
          { name: 'hour', shape: [1], datatype: 'INT64', data: [row.hour] },
          { name: 'weekday', shape: [1], datatype: 'INT64', data: [row.weekday] },
          { name: 'distance', shape: [1], datatype: 'FP64', data: [row.distance] },
          { name: 'origin', shape: [1], datatype: 'BYTES', data: [row.origin] },
        ],
      };
      const text = JSON.stringify(body, null, i % 2 === 0 ? undefined : 2);
      const got = decodeOneRowText(text, manifest);
      expect(got, text).toBeDefined();
      expect(exact(got)).toBe(exact(decodeInferRequest(body, manifest)));
    }
  });

  it('passes what it cannot read without doubt to the general path', () => {
    const base = (data: string, extra = '') => `{"inputs": [{"name": "hour", "shape": [1], "datatype": "INT64", "data": [${data}]}, {"name": "weekday", "shape": [1], "datatype": "INT64", "data": [5]}, {"name": "distance", "shape": [1], "datatype": "FP64", "data": [740]}, {"name": "origin", "shape": [1], "datatype": "BYTES", "data": ["ORD"]}]${extra}}`;
    expect(decodeOneRowText(base('17'), manifest)?.rows).toEqual([{ hour: 17, weekday: 5, distance: 740, origin: 'ORD' }]);
    for (const text of [base('"17"'), base('9007199254740993'), base('17', ', "outputs": []'), base('17', ', "id": "a\\"b"'), base('17') + 'x', base('17').replace('"ORD"', '"O\\u0052D"'), '', '{}', '[]']) {
      expect(decodeOneRowText(text, manifest), text).toBeUndefined();
    }
  });
});
