import { describe, expect, it } from 'vitest';
import { md5Hex } from '../core/hashing.js';
import { compareCodePoints, manifestHash, parseManifest, pythonJsonString, serializeManifest, sortEntries } from './dir-manifest.js';

describe('.dir manifests', () => {
  it('serialises like json.dumps(sort_keys=True) (bytes from docs/research/dvc-formats.md §1)', () => {
    const bytes = serializeManifest(sortEntries([
      { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'foo' },
      { md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: 'bar' },
    ]));
    expect(bytes.toString()).toBe('[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]');
    expect(manifestHash(bytes)).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
    expect(serializeManifest([]).toString()).toBe('[]');
  });

  it('escapes like ensure_ascii: non-ASCII, DEL and astral characters (Python reference values)', () => {
    // json.dumps("é\x7f😀\n\"") == '"\\u00e9\\u007f\\ud83d\\ude00\\n\\""'
    expect(pythonJsonString('é\x7f😀\n"')).toBe('"\\u00e9\\u007f\\ud83d\\ude00\\n\\""');
  });

  it('sorts by code point as Python does', () => {
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0); // JS '<' says the opposite
    expect(sortEntries([{ relpath: 'a/b' }, { relpath: 'a-b' }]).map((e) => e.relpath)).toEqual(['a-b', 'a/b']);
    expect(sortEntries([{ relpath: '😀' }, { relpath: '\uffff' }, { relpath: 'z' }]).map((e) => e.relpath)).toEqual(['z', '\uffff', '😀']);
  });

  it('reads manifests back and refuses garbage', () => {
    const bytes = '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}]';
    expect(parseManifest(bytes, 'x')).toEqual([{ md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: 'bar' }]);
    expect(() => parseManifest('{"a": 1}', 'x')).toThrow(/not a directory manifest/);
    expect(md5Hex('[]')).toBe('d751713988987e9331980363e24189ce');
  });
});
