import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { extractJsonMember } from './extractJsonMember.js';

describe('extractJsonMember', () => {
  it('returns the exact text of a member, whitespace and escapes included', () => {
    const body = '{ "tcbInfo" : {"a": [1, 2.50, "x}\\"]"],  "b":{}} ,"signature":"ab"}';
    assert.equal(extractJsonMember(body, 'tcbInfo'), '{"a": [1, 2.50, "x}\\"]"],  "b":{}}');
    assert.equal(extractJsonMember(body, 'signature'), '"ab"');
    assert.equal(extractJsonMember('{"n":-1.5e3,"t":true}', 'n'), '-1.5e3');
  });

  it('finds top-level members only, and refuses absent or duplicated keys', () => {
    assert.equal(extractJsonMember('{"x":{"tcbInfo":1}}', 'tcbInfo'), undefined);
    assert.equal(extractJsonMember('{"tcbInfo":1,"tcbInfo":2}', 'tcbInfo'), undefined);
    assert.equal(extractJsonMember('{}', 'tcbInfo'), undefined);
  });

  it('throws SyntaxError on anything but a JSON object', () => {
    for (const bad of ['', '[1]', '"s"', 'null', '{"a":', '{"a":1}x']) {
      assert.throws(() => extractJsonMember(bad, 'a'), SyntaxError, bad);
    }
  });

  it('agrees with JSON.parse on every member of random objects (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (object, pretty) => {
        const text = JSON.stringify(object, null, pretty ? 2 : undefined);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        for (const key of Object.keys(parsed)) {
          const raw = extractJsonMember(text, key);
          assert.ok(raw !== undefined);
          assert.deepEqual(JSON.parse(raw), parsed[key]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
