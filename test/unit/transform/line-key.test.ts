import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LineIdentity, lineKeyBase, lineKeys } from '../../../src/transform/line-key.ts';

const line = (over: Partial<LineIdentity> = {}): LineIdentity => ({
  product_id: '1729503179457070324',
  content_type: 'LIVE',
  content_id: '7493990579714164574',
  creator_username: 'exampleTikTokCreatorUsername',
  campaign_id: '73661290629',
  open_collaboration_id: null,
  target_collaboration_id: null,
  ...over,
});

const identity: fc.Arbitrary<LineIdentity> = fc.record({
  product_id: fc.constantFrom('p1', 'p2', 'p3'),
  content_type: fc.constantFrom('LIVE', 'VIDEO', null),
  content_id: fc.option(fc.constantFrom('c1', 'c2'), { nil: null }),
  creator_username: fc.option(fc.constantFrom('alice', 'bob', 'ünï 🎁'), { nil: null }),
  campaign_id: fc.option(fc.constantFrom('k1', 'k2'), { nil: null }),
  open_collaboration_id: fc.option(fc.constant('o1'), { nil: null }),
  target_collaboration_id: fc.option(fc.constant('t1'), { nil: null }),
});

describe('lineKeyBase', () => {
  it('is 16 lower-case hex chars and deterministic (pinned, so a change is a visible migration)', () => {
    expect(lineKeyBase(line())).toMatch(/^[0-9a-f]{16}$/);
    expect(lineKeyBase(line())).toBe(lineKeyBase(line()));
    // Recomputed independently: python3 hashlib.sha256(json.dumps([...], separators=(',', ':'))).
    expect(lineKeyBase(line())).toBe('860612eb04ddf086');
  });
  it('changes with every identifying field', () => {
    const base = lineKeyBase(line());
    for (const field of Object.keys(line()) as (keyof LineIdentity)[]) {
      expect(lineKeyBase(line({ [field]: 'other' }))).not.toBe(base);
    }
  });
  it('distinguishes null from empty and is not fooled by separator characters', () => {
    expect(lineKeyBase(line({ content_id: null }))).not.toBe(lineKeyBase(line({ content_id: '' })));
    expect(lineKeyBase(line({ content_type: 'a\u001fb', content_id: 'c' }))).not.toBe(
      lineKeyBase(line({ content_type: 'a', content_id: 'b\u001fc' })),
    );
    expect(lineKeyBase(line({ content_type: 'a","b' }))).not.toBe(
      lineKeyBase(line({ content_type: 'a', content_id: 'b' })),
    );
  });
});

describe('lineKeys', () => {
  it('adds an ordinal only to exact duplicates, in order of appearance', () => {
    const a = line();
    const b = line({ product_id: 'other' });
    const keys = lineKeys([a, b, a, a]);
    const ka = lineKeyBase(a);
    expect(keys).toEqual([ka, lineKeyBase(b), `${ka}#2`, `${ka}#3`]);
  });

  it('keys are unique within an order', () => {
    fc.assert(
      fc.property(fc.array(identity, { maxLength: 30 }), (lines) => {
        const keys = lineKeys(lines);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });

  it('a line keeps its key when OTHER (non-identical) lines are added, removed or reordered', () => {
    fc.assert(
      fc.property(
        identity,
        fc.nat({ max: 3 }),
        fc.array(identity, { maxLength: 20 }),
        fc.array(identity, { maxLength: 20 }),
        (target, copies, before, after) => {
          const others = (xs: LineIdentity[]) => xs.filter((x) => lineKeyBase(x) !== lineKeyBase(target));
          const targets = Array.from({ length: copies + 1 }, () => target);
          const order1 = [...others(before), ...targets, ...others(after)];
          // another run: other lines shuffled differently and some dropped, same identical lines
          const order2 = [...others(after).reverse(), targets[0] as LineIdentity, ...others(before).slice(1)];
          order2.push(...targets.slice(1));
          const keysOf = (xs: LineIdentity[]) =>
            lineKeys(xs).filter((_, i) => lineKeyBase(xs[i] as LineIdentity) === lineKeyBase(target));
          expect(keysOf(order2)).toEqual(keysOf(order1));
        },
      ),
    );
  });
});
