import { describe, expect, it } from 'vitest';
import { pyFloat, resolveValue, shellQuote, TemplateError, toStr } from './interpolate.js';
import { PyFloat } from './yaml-source.js';

describe('interpolation (DVC rules)', () => {
  const ctx = { lr: new PyFloat(0.001), epochs: 10, enabled: true, name: 'resnet', models: { a: 1 }, tiny: new PyFloat(1e-5), one: new PyFloat(1), list: [1, 2] };

  it('keeps the type of a whole-value reference', () => {
    expect(resolveValue('${epochs}', ctx, 'meta')).toBe(10);
    expect(resolveValue('${enabled}', ctx, 'frozen')).toBe(true);
  });

  it('turns embedded references into Python str() text', () => {
    expect(resolveValue('train --lr ${lr} --epochs ${epochs} --on ${enabled}', ctx, 'cmd')).toBe('train --lr 0.001 --epochs 10 --on true');
    expect(resolveValue('${tiny} ${one}', ctx, 'cmd')).toBe('1e-05 1.0');
    expect(resolveValue('model-${name}.pkl', ctx, 'outs')).toBe('model-resnet.pkl');
  });

  it('formats floats as Python repr does', () => {
    expect([pyFloat(0.1), pyFloat(1e-5), pyFloat(1e16), pyFloat(123.5), pyFloat(2), pyFloat(0.0001)]).toEqual(['0.1', '1e-05', '1e+16', '123.5', '2.0', '0.0001']);
  });

  it('unpacks a dict in cmd like DVC test_cmd_dict', () => {
    const dict = { foo: 'foo', bar: 2, string: 'spaced string', bool: true, 'bool-false': false, list: [1, 2, 'foo'], nested: { foo: 'foo' } };
    expect(resolveValue('python script.py ${dict}', { dict }, 'cmd')).toBe("python script.py --foo foo --bar 2 --string 'spaced string' --bool --list 1 2 foo --nested.foo foo");
    expect(toStr(dict)).toBe("--foo foo --bar 2 --string 'spaced string' --bool --list 1 2 foo --nested.foo foo");
  });

  it('rejects a dict or list outside cmd', () => {
    expect(() => resolveValue('${models}', ctx, 'deps')).toThrow(/cannot interpolate data of type 'dict'/);
    expect(() => resolveValue('x ${list}', ctx, 'outs')).toThrow(/type 'list'/);
    expect(resolveValue('${list}', ctx, 'foreach')).toEqual([1, 2]);
  });

  it('un-escapes \\${ and leaves it uninterpolated', () => {
    expect(resolveValue('echo \\${lr} ${epochs}', ctx, 'cmd')).toBe('echo ${lr} 10');
    expect(resolveValue('echo \\${nothing}', ctx, 'cmd')).toBe('echo ${nothing}');
  });

  it('reports a missing key by name, including nested and indexed paths', () => {
    try {
      resolveValue('${train.missing}', { train: { lr: 1 } }, 'cmd');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).missingKey).toBe('train.missing');
    }
    expect(resolveValue('${list[1]}', ctx, 'cmd')).toBe(2);
  });

  it('quotes like shlex.quote', () => {
    expect([shellQuote(''), shellQuote('abc'), shellQuote('a b'), shellQuote("it's")]).toEqual(["''", 'abc', "'a b'", `'it'"'"'s'`]);
  });
});
