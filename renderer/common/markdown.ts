// A small Markdown subset for run notes, parsed into a tree that React renders as elements. User text never
// becomes HTML: there is no raw-HTML pass-through, and links are kept only for http(s) and mailto URLs.
// Supported: # headings, paragraphs, - / * / 1. lists, > quotes, ``` code blocks, **bold**, *italic*, `code`,
// [text](url).

export type MarkdownInline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'emphasis'; children: MarkdownInline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: MarkdownInline[] };

export type MarkdownBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; children: MarkdownInline[] }
  | { kind: 'paragraph'; children: MarkdownInline[] }
  | { kind: 'list'; ordered: boolean; items: MarkdownInline[][] }
  | { kind: 'quote'; children: MarkdownInline[] }
  | { kind: 'codeBlock'; text: string };

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

export function parseMarkdown(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
    } else if (line.trimStart().startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith('```')) body.push(lines[i++]);
      i++; // closing fence (or end of input)
      blocks.push({ kind: 'codeBlock', text: body.join('\n') });
    } else if (/^#{1,6}\s/.test(line)) {
      const hashes = /^#+/.exec(line)![0].length;
      blocks.push({ kind: 'heading', level: Math.min(hashes, 3) as 1 | 2 | 3, children: parseInline(line.slice(hashes).trim()) });
      i++;
    } else if (listItemText(line) !== null) {
      const ordered = /^\s*\d+[.)]\s/.test(line);
      const items: MarkdownInline[][] = [];
      while (i < lines.length && listItemText(lines[i]) !== null) items.push(parseInline(listItemText(lines[i++])!));
      blocks.push({ kind: 'list', ordered, items });
    } else if (line.startsWith('>')) {
      const body: string[] = [];
      while (i < lines.length && lines[i].startsWith('>')) body.push(lines[i++].replace(/^>\s?/, ''));
      blocks.push({ kind: 'quote', children: parseInline(body.join(' ')) });
    } else {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !startsBlock(lines[i])) body.push(lines[i++].trim());
      blocks.push({ kind: 'paragraph', children: parseInline(body.join(' ')) });
    }
  }
  return blocks;
}

function listItemText(line: string): string | null {
  const match = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
  return match ? match[1] : null;
}

function startsBlock(line: string): boolean {
  return /^#{1,6}\s/.test(line) || line.startsWith('>') || line.trimStart().startsWith('```') || listItemText(line) !== null;
}

/** Inline spans, left to right; an unmatched marker is plain text. */
export function parseInline(text: string): MarkdownInline[] {
  const result: MarkdownInline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) result.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let match: RegExpExecArray | null;
    if ((match = /^`([^`]+)`/.exec(rest))) {
      flush();
      result.push({ kind: 'code', text: match[1] });
    } else if ((match = /^\*\*(.+?)\*\*/.exec(rest)) || (match = /^__(.+?)__/.exec(rest))) {
      flush();
      result.push({ kind: 'strong', children: parseInline(match[1]) });
    } else if ((match = /^\*([^*\s](?:[^*]*[^*\s])?)\*/.exec(rest)) || (match = /^_([^_\s](?:[^_]*[^_\s])?)_/.exec(rest))) {
      flush();
      result.push({ kind: 'emphasis', children: parseInline(match[1]) });
    } else if ((match = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest))) {
      flush();
      const children = parseInline(match[1]);
      if (SAFE_URL.test(match[2])) result.push({ kind: 'link', href: match[2], children });
      else for (const child of children) if (child.kind === 'text') plain += child.text; else { flush(); result.push(child); }
    } else {
      plain += text[i];
      i++;
      continue;
    }
    i += match[0].length;
  }
  flush();
  return result;
}
