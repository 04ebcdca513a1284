import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown } from '../../renderer/common/markdown.ts';

test('headings, paragraphs, lists, quotes and code blocks', () => {
  const blocks = parseMarkdown('# Title\n\nfirst line\nsecond line\n\n- a\n- b\n\n1. one\n\n> note\n\n```\n<b>x</b>\n```');
  assert.deepEqual(blocks.map((b) => b.kind), ['heading', 'paragraph', 'list', 'list', 'quote', 'codeBlock']);
  assert.deepEqual(blocks[1], { kind: 'paragraph', children: [{ kind: 'text', text: 'first line second line' }] });
  assert.equal(blocks[2].kind === 'list' && blocks[2].items.length, 2);
  assert.equal(blocks[3].kind === 'list' && blocks[3].ordered, true);
  assert.deepEqual(blocks[5], { kind: 'codeBlock', text: '<b>x</b>' });
});

test('inline emphasis, code and links', () => {
  assert.deepEqual(parseInline('a **b** *c* `d`'), [
    { kind: 'text', text: 'a ' },
    { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
    { kind: 'text', text: ' ' },
    { kind: 'emphasis', children: [{ kind: 'text', text: 'c' }] },
    { kind: 'text', text: ' ' },
    { kind: 'code', text: 'd' },
  ]);
  assert.deepEqual(parseInline('[paper](https://arxiv.org/abs/2510.04871)'), [
    { kind: 'link', href: 'https://arxiv.org/abs/2510.04871', children: [{ kind: 'text', text: 'paper' }] },
  ]);
});

test('raw HTML stays text and unsafe link schemes are dropped', () => {
  assert.deepEqual(parseInline('<img src=x onerror=alert(1)>'), [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ kind: 'text', text: 'click)' }]);
});

test('unmatched markers are plain text', () => {
  assert.deepEqual(parseInline('2 * 3 = 6 and **open'), [{ kind: 'text', text: '2 * 3 = 6 and **open' }]);
});
